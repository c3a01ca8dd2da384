import { threescaleConditions } from '../conditions.ts';
import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';
import { specSystemName } from '../system-name.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { threescaleReferences } from '../references.ts';
import { backendAliases } from '../backend-alias.ts';
import { BackendType } from '../resource-types.ts';
import { backendClient } from './client.ts';
import { BackendSpec } from './schema.ts';
import { productsUsing } from './users.ts';

/**
 * Backend → 3scale `backend_apis` with its metrics, methods and mapping rules; conditions as the operator's. Its
 * deletion waits while Products use it.
 */
export const backendKind: KindDefinition<BackendSpec> = {
  ...BackendType,
  references: threescaleReferences,
  aliases: backendAliases,
  schema: BackendSpec,
  conditions: threescaleConditions('Synced', { types: ['Invalid', 'Failed'] }),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    // A deletion may get the raw spec (it no longer validates): its system name is then derived as the schema does.
    const systemName = specSystemName({ spec });
    const client = backendClient(new AdminApi(account, ctx.http), account, { ...spec, systemName });
    return identified(client, threescaleIdentity(account.adminURL, 'backend_api', systemName));
  },
  deletionBlockers: productsUsing,
};
