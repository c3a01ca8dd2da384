import { gkoConditions } from '../conditions.ts';
import { createHmac } from 'node:crypto';
import type { ExternalStatus, KindDefinition } from '../../../shared/engine/kind.ts';
import { hridOf } from '../hrid.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApiDefinitionType, PortalListingType, SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { nameUuid } from '../uuid-v3.ts';
import { apiV2Payload } from './payload.ts';
import { ApiDefinitionSpec } from './schema.ts';

/**
 * ApiDefinition (v2) → Management v1 `apis/import-crd`. Ids are derived from namespace and name as APIM derives
 * Automation ids, so a redelivered import updates the same API. The v2 export format differs from what we send, so
 * drift is detected by existence and by a keyed digest of the last import rather than field by field.
 */
export const apiDefinitionKind: KindDefinition<ApiDefinitionSpec> = {
  ...ApiDefinitionType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApiDefinitionSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  // GKO's admission refuses these deletions while something still uses the object; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [SubscriptionType, PortalListingType], ctx),
  async connect({ object, spec }, ctx) {
    const context = await resolveContext(contextRefOf(object, spec.contextRef), ctx);
    const api = new ManagementApi(context, ctx.http);
    const crossId = spec.crossId ?? nameUuid(context.organizationId + hridOf(object));
    const id = spec.id ?? nameUuid(crossId + context.environmentId);
    const { body, notes } = await apiV2Payload({ object, spec }, { id, crossId }, ctx);
    // Keyed with the context's credentials: the digest reveals nothing about template-resolved secrets.
    const digest = createHmac('sha256', context.credentialKey).update(JSON.stringify(body)).digest('hex').slice(0, 32);
    const item = `${api.environmentV1()}/apis/${encodeURIComponent(id)}`;
    const upsert = async (): Promise<ExternalStatus> => {
      const res = await api.call('PUT', `${api.environmentV1()}/apis/import-crd?dryRun=false`, { json: body });
      const s = (res.body ?? {}) as Record<string, unknown>;
      const errors = (s.errors ?? {}) as { severe?: unknown[]; warning?: unknown[] };
      return {
        id: s.id ?? id,
        crossId: s.crossId ?? crossId,
        organizationId: s.organizationId ?? context.organizationId,
        environmentId: s.environmentId ?? context.environmentId,
        state: s.state,
        plans: s.plans ?? {},
        errors: { severe: errors.severe ?? [], warning: errors.warning ?? [] },
        processingStatus: 'Completed',
        lastAppliedDigest: digest,
      };
    };
    return {
      notes,
      async observe() {
        const res = await api.call('GET', `${api.environmentV2()}/apis/${encodeURIComponent(id)}`, { accept: [200, 404] });
        if (res.status === 404) return { exists: false, upToDate: false };
        const current = (object.status ?? {}) as ExternalStatus;
        const { conditions: _c, ...status } = current;
        return { exists: true, upToDate: current.lastAppliedDigest === digest, status };
      },
      create: upsert,
      update: upsert,
      async delete() {
        await api.call('DELETE', `${item}?closePlans=true`, { accept: [200, 204, 404] });
      },
    };
  },
};
