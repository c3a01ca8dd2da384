import { gkoConditions } from '../conditions.ts';
import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { automationClient, baseStatus } from '../automation-client.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApplicationType, SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { withSubscriptionCount } from '../subscription/counter.ts';
import { applicationPayload } from './payload.ts';
import { ApplicationSpec } from './schema.ts';

/**
 * Application → Automation API `applications` (APIM archives the application on delete), its client certificates
 * read from their Secrets or ConfigMaps.
 */
export const applicationKind: KindDefinition<ApplicationSpec> = withSubscriptionCount({
  ...ApplicationType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ApplicationSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  // GKO's admission refuses these deletions while something still uses the object; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [SubscriptionType], ctx),
  async connect({ object, spec }, ctx) {
    const api = new ManagementApi(await resolveContext(contextRefOf(object, spec.contextRef), ctx), ctx.http);
    const hrid = spec.id ?? hridOf(object);
    // Deleting needs no payload: a certificate Secret already gone must not keep the application.
    const payload = object.metadata.deletionTimestamp ? {} : await applicationPayload({ object, spec }, hrid, ctx);
    return automationClient({
      api,
      collection: 'applications',
      hrid,
      hridIsUuid: Boolean(spec.id),
      identity: graviteeIdentity(api.context, 'application', { hrid, hridIsUuid: Boolean(spec.id) }),
      payload,
      toStatus: baseStatus,
    });
  },
});
