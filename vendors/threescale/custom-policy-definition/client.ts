import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import { canonicalJson } from '../canonical-json.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ProviderAccount } from '../provider-account.ts';
import type { CustomPolicyDefinitionSpec } from './schema.ts';

type Json = Record<string, any>;

const REGISTRY = '/admin/api/registry/policies';

/**
 * A CustomPolicyDefinition as a policy of the tenant's APIcast registry, found by the id it last synced, else by
 * (name, version), before any create: a redelivery or a crash after the create adopts the policy it made.
 */
export function customPolicyClient(api: AdminApi, account: ProviderAccount, spec: CustomPolicyDefinitionSpec, knownId: number | undefined): ExternalClient {
  // the spec's form fields; `schema` is JSON text
  const form = { name: spec.name, version: spec.version, schema: JSON.stringify(spec.schema) };
  const status = (p: Json): ExternalStatus => ({ policyID: p.id, providerAccountHost: account.adminURL });
  const lookup = async () => {
    const all = await api.list(`${REGISTRY}.json`, 'policies', 'policy', false);
    return all.find((p) => p.id === knownId) ?? all.find((p) => p.name === spec.name && p.version === spec.version);
  };
  const differs = (p: Json) => p.name !== spec.name || p.version !== spec.version || canonicalJson(p.schema) !== canonicalJson(spec.schema);
  return lookedUpClient({
    lookup,
    differs,
    status,
    create: () => api.create(`${REGISTRY}.json`, 'policy', form),
    converge: async (p) => (differs(p) ? api.update(`${REGISTRY}/${p.id}.json`, 'policy', form) : p),
    remove: (p) => api.remove(`${REGISTRY}/${p.id}.json`),
  });
}
