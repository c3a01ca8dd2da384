import type { KindDefinition } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { threescaleReferences } from '../references.ts';
import { DeveloperAccountType } from '../resource-types.ts';
import { adminUser } from './admin-user.ts';
import { developerAccountClient } from './client.ts';
import { DeveloperAccountSpec } from './schema.ts';

/**
 * The id of the account already signed up: `status.accountID`, else the `accountID` annotation the operator mirrors
 * it into (a restore, or a resource the operator managed, carries it without status).
 */
function knownAccountId(object: KubeObject): number | undefined {
  const fromStatus = object.status?.accountID;
  if (typeof fromStatus === 'number' && fromStatus > 0) return fromStatus;
  const annotated = Number(object.metadata.annotations?.accountID);
  return Number.isInteger(annotated) && annotated > 0 ? annotated : undefined;
}

/**
 * DeveloperAccount → a 3scale developer account, signed up with its admin DeveloperUser; conditions as the operator's.
 * Its identity (the ownership record's key) is the account's id, which the client sets (developerAccountClient).
 */
export const developerAccountKind: KindDefinition<DeveloperAccountSpec> = {
  ...DeveloperAccountType,
  references: threescaleReferences,
  schema: DeveloperAccountSpec,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Waiting', 'Failed'], failedAlone: true }),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    return developerAccountClient(new AdminApi(account, ctx.http), account, spec, knownAccountId(object), adminUser(object, ctx));
  },
};
