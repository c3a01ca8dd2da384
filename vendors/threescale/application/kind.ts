import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { ApplicationType } from '../resource-types.ts';
import { applicationClient } from './client.ts';
import { creationCredentials } from './credentials.ts';
import { resolvePlace } from './linked-crs.ts';
import { planIdBySystemName } from './plan.ts';
import { applicationReferences } from './references.ts';
import { ApplicationSpec } from './schema.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/**
 * Application → a 3scale application of its DeveloperAccount on a plan of its Product (suspend), created with the
 * credentials of `authSecretRef` when given; conditions as the operator's.
 */
export const applicationKind: KindDefinition<ApplicationSpec> = {
  ...ApplicationType,
  references: applicationReferences,
  schema: ApplicationSpec,
  conditions: threescaleConditions('Ready', { types: [] }),
  async connect({ object, spec }, ctx) {
    const place = await resolvePlace(object, spec, ctx);
    const api = new AdminApi(place.provider, ctx.http);
    const planId = object.metadata.deletionTimestamp || place.productId === undefined ? undefined : await planIdBySystemName(api, place.productId, spec.applicationPlanName);
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const [knownId, knownAccountId] = [num(object.status?.applicationID), num(object.status?.accountID)];
    const secret = spec.authSecretRef?.name;
    const ns = object.metadata.namespace ?? 'default';
    const credentials = async () => (secret && place.productId !== undefined ? creationCredentials(api, ctx, ns, secret, place.productId) : {});
    const client = applicationClient(api, place, spec, { planId, knownId, knownAccountId, credentials });
    // As the operator finds it: by name among the applications of its account for its product (both by their 3scale ids).
    const identity = place.accountId === undefined || place.productId === undefined ? undefined : threescaleIdentity(place.provider.adminURL, 'application', String(place.accountId), String(place.productId), spec.name);
    return identified(client, identity);
  },
};
