import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { threescaleReferences } from '../references.ts';
import { CustomPolicyDefinitionType } from '../resource-types.ts';
import { customPolicyClient } from './client.ts';
import { CustomPolicyDefinitionSpec } from './schema.ts';
import { identified } from '../../identified.ts';
import { threescaleIdentity } from '../identity.ts';

/** CustomPolicyDefinition → a policy of the tenant's registry (the token needs the policy_registry scope); conditions as the operator's. */
export const customPolicyDefinitionKind: KindDefinition<CustomPolicyDefinitionSpec> = {
  ...CustomPolicyDefinitionType,
  references: threescaleReferences,
  schema: CustomPolicyDefinitionSpec,
  conditions: threescaleConditions('Ready', { types: ['Invalid', 'Failed'] }),
  async connect({ object, spec }, ctx) {
    const account = await resolveProviderAccount(object, ctx);
    const knownId = typeof object.status?.policyID === 'number' ? object.status.policyID : undefined;
    // The policy registry keys a policy by name and version (the operator's lookup).
    return identified(customPolicyClient(new AdminApi(account, ctx.http), account, spec, knownId), threescaleIdentity(account.adminURL, 'policy', spec.name, spec.version));
  },
};
