import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { BackendType } from '../resource-types.ts';
import { backendSystemName } from '../backend-alias.ts';
import type { ProductSpec } from './schema.ts';

/** Every backend system name the product needs: its usages and the backends its limits and pricing rules name. */
export function referencedBackends(spec: Pick<ProductSpec, 'backendUsages' | 'applicationPlans'>): string[] {
  const names = new Set(Object.keys(spec.backendUsages ?? {}));
  for (const plan of Object.values(spec.applicationPlans ?? {})) {
    for (const r of [...(plan?.limits ?? []), ...(plan?.pricingRules ?? [])]) if (r?.metricMethodRef?.backend) names.add(r.metricMethodRef.backend);
  }
  return [...names];
}

const synced = (b: KubeObject) => ((b.status?.conditions ?? []) as { type: string; status: string }[]).some((c) => c.type === 'Synced' && c.status === 'True');

/**
 * The operator's checkExternalRefs: each backend the product names must be a Backend resource of the same
 * namespace and tenant (`providerAccountHost`) that is Synced; its `status.backendId` is the 3scale id, so no
 * backend_apis list is needed. A missing one is an Orphan: the watcher re-triggers the product when it syncs.
 */
export async function resolveBackendIds(product: KubeObject, spec: ProductSpec, account: ProviderAccount, ctx: SyncContext): Promise<Map<string, number>> {
  const wanted = referencedBackends(spec);
  if (wanted.length === 0) return new Map();
  const namespace = product.metadata.namespace ?? 'default';
  const ready = new Map<string, number>();
  for (const b of await ctx.cluster.list(BackendType, namespace)) {
    const id = b.status?.backendId;
    if (typeof id === 'number' && synced(b) && b.status?.providerAccountHost === account.adminURL) ready.set(backendSystemName(b), id);
  }
  const missing = wanted.filter((n) => !ready.has(n));
  if (missing.length) {
    throw missingReference(`backend ${missing.map((n) => `"${n}"`).join(', ')} (spec.backendUsages or a plan's metricMethodRef.backend): no Synced Backend with that system name in namespace ${namespace} for ${account.adminURL}`);
  }
  return ready;
}
