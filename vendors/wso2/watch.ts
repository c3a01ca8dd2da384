import type { WatchedKind } from '../../shared/engine/kind.ts';
import { apiGatewayAliases, apiGatewayReferences, managedReferences } from './references.ts';
import { APIGatewayType, wso2ManagedTypes } from './resource-types.ts';

/** The WSO2 kinds as the watcher needs them: light, no vendor clients loaded. */
export const wso2WatchedKinds: WatchedKind[] = [
  // It owns what its control plane deployed (a thousand deployments, a thousand resources), and only its deletion
  // waits for them: their changes are not its business.
  { ...APIGatewayType, references: apiGatewayReferences, aliases: apiGatewayAliases, waitsForOwned: 'removal' },
  ...wso2ManagedTypes.map((t) => ({ ...t, references: managedReferences })),
];
