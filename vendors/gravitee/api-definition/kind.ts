import { gkoConditions } from '../conditions.ts';
import { createHmac } from 'node:crypto';
import type { ExternalClient, ExternalStatus, KindDefinition } from '../../../shared/engine/kind.ts';
import { baseStatus } from '../automation-client.ts';
import { ConfigMapType, GatewayConfigMap, gatewayConfigMap } from '../gateway-config-map/config-map.ts';
import { gatewayDefinitionV2 } from '../gateway-config-map/definition.ts';
import { apiDeploymentClient } from '../gateway-config-map/deployment.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { identified } from '../../identified.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, contextRequired, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApiDefinitionType, PortalListingType, SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { withSubscriptionCount } from '../subscription/counter.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { fromStrings } from '../uuid-xxh3.ts';
import { apimIds } from './ids.ts';
import { apiV2Payload } from './payload.ts';
import { ApiDefinitionSpec } from './schema.ts';

/** GKO's annotation on an ApiDefinition that is a template for Ingresses (which apim-sync does not handle): not deployed. */
const INGRESS_TEMPLATE = 'gravitee.io/template';

/**
 * ApiDefinition (v2) → Management v1 `apis/import-crd` with a context, and with `local: true` the ConfigMap the
 * gateway reads (GKO's local mode, with or without a context). Ids are derived from namespace and name as APIM derives
 * Automation ids, so a redelivered import updates the same API. The v2 export format differs from what we send, so
 * drift is detected by existence and by a keyed digest of the last import rather than field by field.
 */
export const apiDefinitionKind: KindDefinition<ApiDefinitionSpec> = withSubscriptionCount({
  ...ApiDefinitionType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApiDefinitionSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  generates: [ConfigMapType],
  // GKO's admission refuses these deletions while something still uses the object; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [SubscriptionType, PortalListingType], ctx),
  orphan: (object, ctx) => new GatewayConfigMap(object, ctx).release(),
  async connect({ object, spec }, ctx) {
    // GKO only compiles an Ingress template and reports it Accepted; nothing is deployed, nothing to delete.
    if (object.metadata.annotations?.[INGRESS_TEMPLATE] === 'true') return noVendorObject({ status: { processingStatus: 'Completed' } });
    const local = spec.local === true;
    const context = spec.contextRef ? await resolveContext(contextRefOf(object, spec.contextRef), ctx) : undefined;
    const configMap = new GatewayConfigMap(object, ctx);
    const ids = context ? apimIds(object, spec, context) : localIds(object, spec);
    const api = context && new ManagementApi(context, ctx.http);
    const identity = context && graviteeIdentity(context, 'api', { hrid: ids.id, hridIsUuid: true });
    if (object.metadata.deletionTimestamp) return apiDeploymentClient({ apim: api && identified(importClient(api, ids.id, {}, ''), identity), configMap });
    if (!context && !local) throw contextRequired('a context is required when setting local to false');
    // Without a context, plans' cross ids are GKO's (generateEmptyPlanIDs); with one, the payload derives APIM's.
    const plans = context ? spec.plans : spec.plans?.map((p) => ({ ...p, crossId: p.crossId ?? fromStrings(ids.id, '/', p.name) }));
    const { body, notes } = await apiV2Payload({ object, spec: { ...spec, plans } }, ids, ctx);
    const localStatus: ExternalStatus | undefined = context
      ? undefined
      : {
          ...baseStatus({ id: ids.id }),
          crossId: ids.crossId,
          state: spec.state ?? 'STARTED',
          plans: Object.fromEntries(((body.plans ?? []) as { crossId: string; name: string }[]).map((p) => [p.crossId, fromStrings(p.crossId, '/', p.name)])),
          lastAppliedDigest: undefined,
        };
    const gateway = (status: ExternalStatus) => {
      if (spec.state === 'STOPPED') return undefined;
      const id = typeof status.id === 'string' ? status.id : ids.id;
      const planIds = (status.plans ?? {}) as Record<string, string>;
      // With a context, the plans' ids are APIM's (GKO's retrieveMgmtPlanIds); without, GKO's from their cross ids.
      const definition = gatewayDefinitionV2(body, { id, planId: (p) => planIds[p.crossId as string] ?? fromStrings(p.crossId as string, '/', p.name as string) });
      return gatewayConfigMap(object, { definition, organizationId: status.organizationId as string | undefined, environmentId: status.environmentId as string | undefined, v4: false });
    };
    // Keyed with the context's credentials: the digest reveals nothing about template-resolved secrets.
    const digest = context ? createHmac('sha256', context.credentialKey).update(JSON.stringify(body)).digest('hex').slice(0, 32) : '';
    return apiDeploymentClient({
      apim: api && identified(importClient(api, ids.id, body, digest, object.status), identity),
      configMap,
      gateway: local ? gateway : undefined,
      localStatus,
      mayHaveStale: (object.metadata.generation ?? 1) > 1,
      notes,
    });
  },
});

/** Without one, GKO's (ApiDefinition.PopulateIDs): the id it reported, else the spec's, else the resource's uid. */
function localIds(object: Parameters<typeof hridOf>[0], spec: ApiDefinitionSpec) {
  const reported = typeof object.status?.id === 'string' && object.status.id ? object.status.id : undefined;
  const id = reported ?? spec.id ?? object.metadata.uid ?? hridOf(object);
  return { id, crossId: spec.crossId ?? fromStrings(`${object.metadata.namespace ?? 'default'}/${object.metadata.name}`) };
}

/** Management v1 import by id; observed by existence and by the digest of the last import, kept in status. */
function importClient(api: ManagementApi, id: string, body: Record<string, unknown>, digest: string, reported?: Record<string, unknown>): ExternalClient {
  const item = `${api.environmentV1()}/apis/${encodeURIComponent(id)}`;
  const upsert = async (): Promise<ExternalStatus> => {
    const res = await api.call('PUT', `${api.environmentV1()}/apis/import-crd?dryRun=false`, { json: body });
    const s = (res.body ?? {}) as Record<string, unknown>;
    return {
      ...baseStatus({ ...s, id: s.id ?? id, organizationId: s.organizationId ?? api.context.organizationId, environmentId: s.environmentId ?? api.context.environmentId }),
      crossId: s.crossId ?? body.crossId,
      state: s.state,
      plans: s.plans ?? {},
      lastAppliedDigest: digest,
    };
  };
  return {
    async observe() {
      const res = await api.call('GET', `${api.environmentV2()}/apis/${encodeURIComponent(id)}`, { accept: [200, 404] });
      if (res.status === 404) return { exists: false, upToDate: false };
      const { conditions: _c, ...status } = (reported ?? {}) as ExternalStatus;
      return { exists: true, upToDate: status.lastAppliedDigest === digest, status };
    },
    create: upsert,
    update: upsert,
    async delete() {
      await api.call('DELETE', `${item}?closePlans=true`, { accept: [200, 204, 404] });
    },
  };
}
