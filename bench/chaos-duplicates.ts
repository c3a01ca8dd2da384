import type { EmulatorState as GraviteeState } from '../emulators/gravitee/types.ts';
import type { ThreescaleState } from '../emulators/threescale/index.ts';

/** More than one vendor object where a resource should have made one: what a redelivery after a lost answer must never do. */
export interface Duplicate {
  vendor: 'gravitee' | '3scale';
  /** The vendor object type and the key a resource names it by (hrid, system name, or the child's key in its parent). */
  what: string;
  key: string;
  copies: number;
}

type Row = Record<string, unknown>;

function repeated(rows: Row[], keyOf: (r: Row) => string, vendor: Duplicate['vendor'], what: string): Duplicate[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([key, copies]) => ({ vendor, what, key, copies }));
}

/**
 * Duplicates in the emulators' stores: Gravitee APIs and applications by hrid; 3scale products and backends by system
 * name, and inside each the children a sync creates with POST (metrics and methods by system name, mapping rules by
 * method and pattern, backend usages by backend, application plans by system name).
 */
export function duplicatesIn(apim: GraviteeState, threescale: ThreescaleState, at: { org: string; env: string; tenant: string }): Duplicate[] {
  const { org, env, tenant } = at;
  const out = [
    ...repeated(apim.apis(org, env) as Row[], (a) => String(a.hrid), 'gravitee', 'api'),
    ...repeated(apim.applications(org, env) as Row[], (a) => String(a.hrid), 'gravitee', 'application'),
  ];
  const products = threescale.list(tenant, 'products');
  const backends = threescale.list(tenant, 'backends');
  out.push(...repeated(products, (p) => String(p.system_name), '3scale', 'product'));
  out.push(...repeated(backends, (b) => String(b.system_name), '3scale', 'backend'));
  for (const [type, rows] of [['product', products], ['backend', backends]] as const) {
    for (const row of rows) {
      const owner = type === 'product' ? { product: Number(row.id) } : { backend: Number(row.id) };
      const name = `${type} ${String(row.system_name)}`;
      out.push(...repeated(threescale.metricsOf(tenant, owner), (m) => String(m.system_name), '3scale', `metric of ${name}`));
      out.push(...repeated(threescale.mappingRulesOf(tenant, owner), (m) => `${String(m.http_method)} ${String(m.pattern)}`, '3scale', `mapping rule of ${name}`));
    }
  }
  for (const p of products) {
    const name = `product ${String(p.system_name)}`;
    out.push(...repeated(threescale.list(tenant, 'backendUsages', (u) => u.service_id === p.id), (u) => String(u.backend_id), '3scale', `backend usage of ${name}`));
    out.push(...repeated(threescale.list(tenant, 'plans', (x) => x.service_id === p.id), (x) => String(x.system_name), '3scale', `application plan of ${name}`));
  }
  return out;
}
