import { gkoConditions } from '../conditions.ts';
import type { ExternalStatus, KindDefinition } from '../../../shared/engine/kind.ts';
import { withoutSharedPolicyGroupIds } from '../api-references.ts';
import { automationClient, baseStatus } from '../automation-client.ts';
import { gatewayConfigMap, ConfigMapType, GatewayConfigMap } from '../gateway-config-map/config-map.ts';
import { gatewayDefinitionV4 } from '../gateway-config-map/definition.ts';
import { apiDeploymentClient } from '../gateway-config-map/deployment.ts';
import { childHrid, hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, contextRequired, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApiV4DefinitionType, DocumentationType, PortalListingType, SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { withSubscriptionCount } from '../subscription/counter.ts';
import { fromStrings } from '../uuid-xxh3.ts';
import { apiV4Payload } from './payload.ts';
import { ApiV4DefinitionSpec } from './schema.ts';

/**
 * ApiV4Definition → Automation API `apis`, addressed by hrid `<namespace>-<name>` (or by UUID for legacy `spec.id`),
 * and, with `definitionContext.syncFrom: KUBERNETES`, the ConfigMap the gateway reads (GKO's local mode), with or
 * without a ManagementContext.
 */
export const apiV4DefinitionKind: KindDefinition<ApiV4DefinitionSpec> = withSubscriptionCount({
  ...ApiV4DefinitionType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApiV4DefinitionSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  generates: [ConfigMapType],
  // GKO's admission refuses these deletions while something still uses the object; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [SubscriptionType, PortalListingType, DocumentationType], ctx),
  orphan: (object, ctx) => new GatewayConfigMap(object, ctx).release(),
  async connect({ object, spec }, ctx) {
    const hrid = spec.id ?? hridOf(object);
    const local = spec.definitionContext?.syncFrom === 'KUBERNETES';
    const context = spec.contextRef ? await resolveContext(contextRefOf(object, spec.contextRef), ctx) : undefined;
    const configMap = new GatewayConfigMap(object, ctx);
    const apim = (payload: Record<string, unknown>) =>
      context &&
      automationClient({
        api: new ManagementApi(context, ctx.http),
        collection: 'apis',
        hrid,
        hridIsUuid: Boolean(spec.id),
        identity: graviteeIdentity(context, 'api', { hrid, hridIsUuid: Boolean(spec.id) }),
        payload,
        answered: withoutSharedPolicyGroupIds(payload),
        toStatus: (state) => ({
          ...baseStatus(state),
          crossId: state.crossId,
          state: state.state,
          plans: Object.fromEntries(((state.plans ?? []) as { hrid?: string; id?: string }[]).filter((p) => p.hrid).map((p) => [p.hrid, p.id])),
        }),
      });
    // Deleting needs no payload (its references may be gone already): the ConfigMap and the APIM API, by hrid.
    if (object.metadata.deletionTimestamp) return apiDeploymentClient({ apim: apim({}), configMap });
    if (!context && !local) {
      // GKO accepts this and deploys nothing; here the user hears that the API goes nowhere.
      throw contextRequired('a context is required when definitionContext.syncFrom is MANAGEMENT (the default); set spec.definitionContext.syncFrom: KUBERNETES to deploy through a ConfigMap the gateway reads');
    }
    const { body, notes } = await apiV4Payload({ object, spec }, hrid, ctx);
    const planKeys = Object.keys(spec.plans ?? {});
    // Without a context the ids are GKO's (PopulateIDs): the API's from its hrid, each plan's from the API's and its key.
    const localId = spec.id ?? fromStrings(hridOf(object));
    const localStatus: ExternalStatus | undefined = context
      ? undefined
      : {
          ...baseStatus({ id: localId }),
          crossId: spec.crossId,
          state: spec.state ?? 'STARTED',
          plans: Object.fromEntries(planKeys.map((key) => [childHrid(key), fromStrings(localId, key)])),
        };
    const gateway = (status: ExternalStatus) => {
      if (spec.state === 'STOPPED') return undefined;
      // With a context the gateway must know the API and its plans by APIM's ids, which subscriptions use.
      const id = typeof status.id === 'string' ? status.id : localId;
      const plans = (status.plans ?? {}) as Record<string, string>;
      const definition = gatewayDefinitionV4(body, planKeys, {
        id,
        crossId: typeof status.crossId === 'string' ? status.crossId : undefined,
        planId: (key) => plans[childHrid(key)] ?? fromStrings(id, key),
      });
      const org = (status.organizationId as string | undefined) ?? context?.organizationId;
      const env = (status.environmentId as string | undefined) ?? context?.environmentId;
      return gatewayConfigMap(object, { definition, organizationId: org, environmentId: env, v4: true });
    };
    return apiDeploymentClient({
      apim: apim(body),
      configMap,
      gateway: local ? gateway : undefined,
      localStatus,
      mayHaveStale: (object.metadata.generation ?? 1) > 1,
      notes,
    });
  },
});
