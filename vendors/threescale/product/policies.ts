import type { AdminApi } from '../admin-api.ts';

export interface Policy {
  name: string;
  version: string;
  enabled: boolean;
  configuration: Record<string, unknown>;
}

/** Key order does not matter in a configuration; list order does (the chain runs in order). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
const comparable = (chain: Policy[]) => JSON.stringify(canonical(chain.map((p) => ({ name: p.name, version: p.version, enabled: Boolean(p.enabled), configuration: p.configuration ?? {} }))));

export const policiesUpToDate = (want: Policy[], have: Policy[] | undefined) => comparable(want) === comparable(have ?? []);

/**
 * SyncPolicies: on any difference the whole chain is replaced (porta has no per-policy update). The spec declares
 * `policies_config` a form field holding the chain as JSON text (porta parses it: `PoliciesConfigParams`).
 */
export async function convergePolicies(api: AdminApi, productId: number, want: Policy[], have: Policy[] | undefined): Promise<void> {
  if (policiesUpToDate(want, have)) return;
  const chain = want.map((p) => ({ name: p.name, version: p.version, enabled: p.enabled, configuration: p.configuration }));
  await api.update(`/admin/api/services/${productId}/proxy/policies.json`, 'policies_config', { policies_config: JSON.stringify(chain) });
}
