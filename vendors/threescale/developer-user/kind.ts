import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { DeveloperUserType } from '../resource-types.ts';
import { developerUserClient } from './client.ts';
import { parentAccountId, readPassword } from './parent-account.ts';
import { developerUserReferences } from './references.ts';
import { DeveloperUserSpec } from './schema.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/** DeveloperUser → a user of its DeveloperAccount's 3scale account (role, suspended state); conditions as the operator's. */
export const developerUserKind: KindDefinition<DeveloperUserSpec> = {
  ...DeveloperUserType,
  references: developerUserReferences,
  schema: DeveloperUserSpec,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Orphan', 'Failed'], failedAlone: true }),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    const accountId = await parentAccountId(object, spec.developerAccountRef.name, account, ctx);
    const knownId = typeof object.status?.userID === 'number' ? object.status.userID : undefined;
    const client = developerUserClient(new AdminApi(account, ctx.http), account, accountId, spec, knownId, () => readPassword(object, ctx));
    // A user of one 3scale account, by username (its account by id: what its DeveloperAccount synced to, in any cluster).
    return identified(client, accountId === undefined ? undefined : threescaleIdentity(account.adminURL, 'user', String(accountId), spec.username));
  },
};
