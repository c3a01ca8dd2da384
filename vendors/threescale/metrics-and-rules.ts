import type { AdminApi } from './admin-api.ts';
import { sanitizeBackendSystemName } from './system-name.ts';

type Json = Record<string, any>;

/** What Backend and Product share: metrics, methods (children of `hits`) and mapping rules in list order. */
export interface MetricsAndRulesSpec {
  metrics: Record<string, { friendlyName: string; unit: string; description?: string }>;
  methods: Record<string, { friendlyName: string; description?: string }>;
  mappingRules: { httpMethod: string; pattern: string; metricMethodRef: string; increment: number; last?: boolean }[];
}

/**
 * Where a backend's or a product's metrics and rules live. porta differs between the two: backend lists are
 * paginated and their system names come back suffixed `.<backendId>`; product rules live under `proxy/`.
 */
export interface MetricOwner {
  base: string;
  rulesPath: string;
  paged: boolean;
  /** How the spec updates a mapping rule: PUT under a backend, PATCH under a product's proxy. */
  updateRule(api: AdminApi, path: string, form: Record<string, string>): Promise<Json>;
  /** The system name as the spec writes it. */
  systemName(stored: string): string;
}

export const backendOwner = (backendId: number): MetricOwner => ({
  base: `/admin/api/backend_apis/${backendId}`,
  rulesPath: `/admin/api/backend_apis/${backendId}/mapping_rules`,
  paged: true,
  updateRule: (api, path, form) => api.update(path, 'mapping_rule', form),
  systemName: (s) => sanitizeBackendSystemName(s, backendId),
});

export const productOwner = (productId: number): MetricOwner => ({
  base: `/admin/api/services/${productId}`,
  rulesPath: `/admin/api/services/${productId}/proxy/mapping_rules`,
  paged: false,
  updateRule: (api, path, form) => api.patch(path, 'mapping_rule', form),
  systemName: (s) => s,
});

/** Metrics, methods and mapping rules as 3scale holds them, keyed by (unsuffixed) system name. */
export interface MetricsAndRules {
  metrics: Map<string, Json>;
  methods: Map<string, Json>;
  /** By position. */
  rules: Json[];
}

/** Two calls (one without rules): the metrics list answers methods too (they carry `parent_id`). */
export async function readMetricsAndRules(api: AdminApi, owner: MetricOwner, opts: { rules?: boolean } = {}): Promise<MetricsAndRules> {
  const [all, rules] = await Promise.all([
    api.list(`${owner.base}/metrics.json`, 'metrics', 'metric', owner.paged),
    opts.rules === false ? [] : api.list(`${owner.rulesPath}.json`, 'mapping_rules', 'mapping_rule', owner.paged),
  ]);
  const key = (m: Json) => owner.systemName(String(m.system_name));
  const isMethod = (m: Json) => m.parent_id !== undefined && m.parent_id !== null;
  return {
    metrics: new Map(all.filter((m) => !isMethod(m)).map((m) => [key(m), m])),
    methods: new Map(all.filter(isMethod).map((m) => [key(m), m])),
    rules: rules.sort((a, b) => a.position - b.position),
  };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const metricDiffers = (want: MetricsAndRulesSpec['metrics'][string], have: Json) =>
  want.friendlyName !== have.friendly_name || want.unit !== have.unit || text(want.description) !== text(have.description);
const methodDiffers = (want: MetricsAndRulesSpec['methods'][string], have: Json) => want.friendlyName !== have.friendly_name || text(want.description) !== text(have.description);

/** Rules as comparable tuples: method, pattern, metric system name, delta, last — in position order. */
function ruleTuples(rules: Json[], nameOf: (metricId: number) => string | undefined): string[] {
  return rules.map((r) => JSON.stringify([r.http_method, r.pattern, nameOf(r.metric_id), Number(r.delta), Boolean(r.last)]));
}
const desiredTuples = (spec: MetricsAndRulesSpec) => spec.mappingRules.map((r) => JSON.stringify([r.httpMethod, r.pattern, r.metricMethodRef, r.increment, Boolean(r.last)]));

/** Metric and method ids by system name. */
export function metricIds(have: MetricsAndRules): Map<string, number> {
  return new Map([...have.metrics, ...have.methods].map(([name, m]) => [name, m.id as number]));
}

function nameIndex(have: MetricsAndRules): (id: number) => string | undefined {
  const byId = new Map<number, string>();
  for (const [name, id] of metricIds(have)) byId.set(id, name);
  return (id) => byId.get(id);
}

/** True when metrics, methods and mapping rules already match the spec. */
export function metricsAndRulesUpToDate(spec: MetricsAndRulesSpec, have: MetricsAndRules): boolean {
  const same = <T>(want: Record<string, T>, got: Map<string, Json>, differs: (w: T, h: Json) => boolean) =>
    Object.keys(want).length === got.size && Object.entries(want).every(([k, w]) => got.has(k) && !differs(w, got.get(k)!));
  return (
    same(spec.metrics, have.metrics, metricDiffers) &&
    same(spec.methods, have.methods, methodDiffers) &&
    JSON.stringify(ruleTuples(have.rules, nameIndex(have))) === JSON.stringify(desiredTuples(spec))
  );
}

/**
 * Converges metrics, methods and mapping rules on the spec, as the operator's tasks do (methods, metrics, then
 * rules keyed by method:pattern:position); what the resource no longer lists is deleted. Returns the final state.
 */
export async function convergeMetricsAndRules(api: AdminApi, owner: MetricOwner, spec: MetricsAndRulesSpec, known?: MetricsAndRules): Promise<MetricsAndRules> {
  const { base } = owner;
  let have = known ?? (await readMetricsAndRules(api, owner));
  const hits = have.metrics.get('hits');
  if (!hits) throw new Error(`${base} has no hits metric`);
  const methods = `${base}/metrics/${hits.id}/methods`;
  // Deleting a metric or method deletes its rules too (porta cascades), so after one the state is read again;
  // what is only created is taken from the create answers.
  let removed = false;
  const created = { metrics: new Map<string, Json>(), methods: new Map<string, Json>() };
  // Rules of a method or metric the spec drops go first, as the operator's task runner removes them even when 3scale
  // keeps the method (the latest production configuration still uses it): a promotion without them then frees it.
  const dropped = new Set([...have.methods, ...have.metrics].filter(([name]) => !spec.methods[name] && !spec.metrics[name] && name !== 'hits').map(([, m]) => m.id));
  for (const r of have.rules) if (dropped.has(r.metric_id)) (await api.remove(`${owner.rulesPath}/${r.id}.json`), (removed = true));
  for (const [name, m] of have.methods) if (!spec.methods[name]) (await api.remove(`${methods}/${m.id}.json`), (removed = true));
  for (const [name, want] of Object.entries(spec.methods)) {
    const form = { friendly_name: want.friendlyName, description: want.description ?? '' };
    const current = have.methods.get(name);
    if (!current) created.methods.set(name, await api.create(`${methods}.json`, 'method', { ...form, system_name: name }));
    else if (methodDiffers(want, current)) await api.update(`${methods}/${current.id}.json`, 'method', form);
  }
  for (const [name, m] of have.metrics) if (!spec.metrics[name] && name !== 'hits') (await api.remove(`${base}/metrics/${m.id}.json`), (removed = true));
  for (const [name, want] of Object.entries(spec.metrics)) {
    const form = { friendly_name: want.friendlyName, unit: want.unit, description: want.description ?? '' };
    const current = have.metrics.get(name);
    if (!current) created.metrics.set(name, await api.create(`${base}/metrics.json`, 'metric', { ...form, system_name: name }));
    else if (metricDiffers(want, current)) await api.update(`${base}/metrics/${current.id}.json`, 'metric', form);
  }
  if (removed) have = await readMetricsAndRules(api, owner);
  else have = { metrics: new Map([...have.metrics, ...created.metrics]), methods: new Map([...have.methods, ...created.methods]), rules: have.rules };
  await convergeRules(api, owner, spec, have);
  return have;
}

async function convergeRules(api: AdminApi, owner: MetricOwner, spec: MetricsAndRulesSpec, have: MetricsAndRules): Promise<void> {
  const base = owner.rulesPath;
  const idOf = metricIds(have);
  const key = (method: string, pattern: string, position: number) => `${method}:${pattern}:${position}`;
  const wanted = new Map(spec.mappingRules.map((r, i) => [key(r.httpMethod, r.pattern, i + 1), r]));
  // Rules at a position the spec does not hold are removed first; the rest keep their order, so inserting the
  // missing ones in position order (porta shifts the following rules) ends with the spec's list.
  const kept = new Map<string, Json>();
  for (const r of have.rules) {
    const k = key(r.http_method, r.pattern, r.position);
    if (wanted.has(k) && !kept.has(k)) kept.set(k, r);
    else await api.remove(`${base}/${r.id}.json`);
  }
  for (const [i, r] of spec.mappingRules.entries()) {
    const k = key(r.httpMethod, r.pattern, i + 1);
    const form = { metric_id: String(idOf.get(r.metricMethodRef)), delta: String(r.increment), last: String(Boolean(r.last)), position: String(i + 1) };
    const current = kept.get(k);
    if (!current) await api.create(`${base}.json`, 'mapping_rule', { ...form, http_method: r.httpMethod, pattern: r.pattern });
    else if (current.metric_id !== idOf.get(r.metricMethodRef) || Number(current.delta) !== r.increment || Boolean(current.last) !== Boolean(r.last)) {
      await owner.updateRule(api, `${base}/${current.id}.json`, form);
    }
  }
}
