import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { handleControlPlaneEvent } from '../control-plane/events.ts';
import { apiGatewayAliases, apiGatewayReferences } from '../references.ts';
import { APIGatewayType, controlPlaneTypes } from '../resource-types.ts';
import { gatewayDeletionBlockers, orphanControlPlaneResources } from './bound-resources.ts';
import { apiGatewayClient } from './client.ts';
import { apiGatewayConditions } from './conditions.ts';
import { APIGatewaySpec } from './schema.ts';

/**
 * APIGateway: a gateway that exists (apim-sync does not install it). Its sync checks it can be used (see
 * apiGatewayClient); its control plane's events (relayed by the watcher) write the resources it deploys; its deletion
 * waits for the resources on it and deletes those its control plane deployed.
 */
export const apiGatewayKind: KindDefinition<APIGatewaySpec> = {
  ...APIGatewayType,
  references: apiGatewayReferences,
  aliases: apiGatewayAliases,
  schema: APIGatewaySpec,
  conditions: apiGatewayConditions,
  failureStatus: { phase: 'Failed' },
  // The control plane's artifacts, plans, subscriptions and key revocations become (and stop being) these resources.
  generates: controlPlaneTypes,
  // No identity: it checks its gateway and control plane and writes nothing to them (apiGatewayClient).
  connect: async (desired, ctx) => apiGatewayClient(desired, ctx),
  deletionBlockers: gatewayDeletionBlockers,
  orphan: orphanControlPlaneResources,
  // A changed connection report asks for a sync: ControlPlaneConnected has one writer, which sees probe and report.
  events: handleControlPlaneEvent,
};
