import type { WatchedKind } from '../../shared/engine/kind.ts';
import { apiGatewayAliases, apiGatewayReferences, managedReferences } from './references.ts';
import { APIGatewayType, wso2ManagedTypes } from './resource-types.ts';

/** The WSO2 kinds as the watcher needs them: light, no vendor clients loaded. */
export const wso2WatchedKinds: WatchedKind[] = [
  { ...APIGatewayType, references: apiGatewayReferences, aliases: apiGatewayAliases },
  ...wso2ManagedTypes.map((t) => ({ ...t, references: managedReferences })),
];
