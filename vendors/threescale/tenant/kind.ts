import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { TenantType } from '../resource-types.ts';
import { tenantClient } from './client.ts';
import { adminPassword, masterAccount } from './credentials.ts';
import { tenantReferences } from './references.ts';
import { TenantSpec } from './schema.ts';
import { tenantSecret } from './tenant-secret.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/** The id of a tenant already made: `status.tenantId`, else the `tenantID` annotation a restore carries. */
function knownTenantId(object: { status?: Record<string, unknown>; metadata: { annotations?: Record<string, string> } }): number | undefined {
  const fromStatus = object.status?.tenantId;
  if (typeof fromStatus === 'number' && fromStatus > 0) return fromStatus;
  const annotated = Number(object.metadata.annotations?.tenantID);
  return Number.isInteger(annotated) && annotated > 0 ? annotated : undefined;
}

/** Tenant (v1alpha1) → a 3scale tenant made through the Master API, its admin user and its credentials Secret. */
export const tenantKind: KindDefinition<TenantSpec> = {
  ...TenantType,
  references: tenantReferences,
  schema: TenantSpec,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Waiting', 'Failed'] }),
  async connect({ object, spec }, ctx) {
    const master = await masterAccount(object, spec.systemMasterUrl, ctx);
    // A tenant is an account of the master portal, found by its organization name (as the operator looks it up).
    const client = tenantClient({
      master: new AdminApi(master, ctx.http, 'the master token (spec.masterCredentialsRef)'),
      masterUrl: master.adminURL,
      spec,
      knownId: knownTenantId(object),
      secret: tenantSecret(object, ctx),
      password: () => adminPassword(object, ctx),
      http: ctx.http,
    });
    return identified(client, threescaleIdentity(master.adminURL, 'account', spec.organizationName));
  },
};
