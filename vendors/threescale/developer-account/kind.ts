import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { threescaleReferences } from '../references.ts';
import { DeveloperAccountType } from '../resource-types.ts';
import { findAdminCredentials } from './admin-user.ts';
import { developerAccountClient } from './client.ts';
import { DeveloperAccountSpec } from './schema.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/** DeveloperAccount → a 3scale developer account, signed up with its admin DeveloperUser; conditions as the operator's. */
export const developerAccountKind: KindDefinition<DeveloperAccountSpec> = {
  ...DeveloperAccountType,
  references: threescaleReferences,
  schema: DeveloperAccountSpec,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Waiting', 'Failed'], failedAlone: true }),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    const knownId = typeof object.status?.accountID === 'number' ? object.status.accountID : undefined;
    const client = developerAccountClient(new AdminApi(account, ctx.http), account, spec, knownId, () => findAdminCredentials(object, ctx));
    return identified(client, threescaleIdentity(account.adminURL, 'account', spec.orgName));
  },
};
