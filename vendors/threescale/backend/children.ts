import type { AdminApi } from '../admin-api.ts';
import { sanitizeBackendSystemName } from '../system-name.ts';
import type { BackendSpec } from './schema.ts';

type Json = Record<string, any>;

/** A backend's metrics, methods and mapping rules as 3scale holds them, keyed by (unsuffixed) system name. */
export interface BackendChildren {
  metrics: Map<string, Json>;
  methods: Map<string, Json>;
  /** By position. */
  rules: Json[];
}

export async function readChildren(api: AdminApi, backendId: number): Promise<BackendChildren> {
  const base = `/admin/api/backend_apis/${backendId}`;
  const [all, rules] = await Promise.all([api.list(`${base}/metrics.json`, 'metrics', 'metric'), api.list(`${base}/mapping_rules.json`, 'mapping_rules', 'mapping_rule')]);
  const key = (m: Json) => sanitizeBackendSystemName(String(m.system_name), backendId);
  const isMethod = (m: Json) => m.parent_id !== undefined && m.parent_id !== null;
  return {
    metrics: new Map(all.filter((m) => !isMethod(m)).map((m) => [key(m), m])),
    methods: new Map(all.filter(isMethod).map((m) => [key(m), m])),
    rules: rules.sort((a, b) => a.position - b.position),
  };
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const metricDiffers = (want: BackendSpec['metrics'][string], have: Json) =>
  want.friendlyName !== have.friendly_name || want.unit !== have.unit || text(want.description) !== text(have.description);
const methodDiffers = (want: BackendSpec['methods'][string], have: Json) => want.friendlyName !== have.friendly_name || text(want.description) !== text(have.description);

/** Rules as comparable tuples: method, pattern, metric system name, delta, last — in position order. */
function ruleTuples(rules: Json[], nameOf: (metricId: number) => string | undefined): string[] {
  return rules.map((r) => JSON.stringify([r.http_method, r.pattern, nameOf(r.metric_id), Number(r.delta), Boolean(r.last)]));
}
const desiredTuples = (spec: BackendSpec) => spec.mappingRules.map((r) => JSON.stringify([r.httpMethod, r.pattern, r.metricMethodRef, r.increment, Boolean(r.last)]));

function nameIndex(children: BackendChildren): (id: number) => string | undefined {
  const byId = new Map<number, string>();
  for (const [name, m] of [...children.metrics, ...children.methods]) byId.set(m.id, name);
  return (id) => byId.get(id);
}

/** True when metrics, methods and mapping rules already match the spec. */
export function childrenUpToDate(spec: BackendSpec, children: BackendChildren): boolean {
  const same = <T>(want: Record<string, T>, have: Map<string, Json>, differs: (w: T, h: Json) => boolean) =>
    Object.keys(want).length === have.size && Object.entries(want).every(([k, w]) => have.has(k) && !differs(w, have.get(k)!));
  return (
    same(spec.metrics, children.metrics, metricDiffers) &&
    same(spec.methods, children.methods, methodDiffers) &&
    JSON.stringify(ruleTuples(children.rules, nameIndex(children))) === JSON.stringify(desiredTuples(spec))
  );
}

/**
 * Converges metrics, methods and mapping rules on the spec, as the operator's tasks do (methods, metrics, then
 * rules keyed by method:pattern:position); what the resource no longer lists is deleted. Each step re-reads.
 */
export async function convergeChildren(api: AdminApi, backendId: number, spec: BackendSpec): Promise<void> {
  const base = `/admin/api/backend_apis/${backendId}`;
  let have = await readChildren(api, backendId);
  const hits = have.metrics.get('hits');
  if (!hits) throw new Error(`backend ${backendId} has no hits metric`);
  const methods = `${base}/metrics/${hits.id}/methods`;
  for (const [name, m] of have.methods) if (!spec.methods[name]) await api.remove(`${methods}/${m.id}.json`);
  for (const [name, want] of Object.entries(spec.methods)) {
    const form = { friendly_name: want.friendlyName, description: want.description ?? '' };
    const current = have.methods.get(name);
    if (!current) await api.create(`${methods}.json`, 'method', { ...form, system_name: name });
    else if (methodDiffers(want, current)) await api.update(`${methods}/${current.id}.json`, 'method', form);
  }
  for (const [name, m] of have.metrics) if (!spec.metrics[name] && name !== 'hits') await api.remove(`${base}/metrics/${m.id}.json`);
  for (const [name, want] of Object.entries(spec.metrics)) {
    const form = { friendly_name: want.friendlyName, unit: want.unit, description: want.description ?? '' };
    const current = have.metrics.get(name);
    if (!current) await api.create(`${base}/metrics.json`, 'metric', { ...form, system_name: name });
    else if (metricDiffers(want, current)) await api.update(`${base}/metrics/${current.id}.json`, 'metric', form);
  }
  have = await readChildren(api, backendId);
  await convergeRules(api, base, spec, have);
}

async function convergeRules(api: AdminApi, base: string, spec: BackendSpec, have: BackendChildren): Promise<void> {
  const idOf = new Map([...have.metrics, ...have.methods].map(([name, m]) => [name, m.id as number]));
  const key = (method: string, pattern: string, position: number) => `${method}:${pattern}:${position}`;
  const wanted = new Map(spec.mappingRules.map((r, i) => [key(r.httpMethod, r.pattern, i + 1), r]));
  // Rules at a position the spec does not hold are removed first; the rest keep their order, so inserting the
  // missing ones in position order (porta shifts the following rules) ends with the spec's list.
  const kept = new Map<string, Json>();
  for (const r of have.rules) {
    const k = key(r.http_method, r.pattern, r.position);
    if (wanted.has(k) && !kept.has(k)) kept.set(k, r);
    else await api.remove(`${base}/mapping_rules/${r.id}.json`);
  }
  for (const [i, r] of spec.mappingRules.entries()) {
    const k = key(r.httpMethod, r.pattern, i + 1);
    const form = { metric_id: String(idOf.get(r.metricMethodRef)), delta: String(r.increment), last: String(Boolean(r.last)), position: String(i + 1) };
    const current = kept.get(k);
    if (!current) await api.create(`${base}/mapping_rules.json`, 'mapping_rule', { ...form, http_method: r.httpMethod, pattern: r.pattern });
    else if (current.metric_id !== idOf.get(r.metricMethodRef) || Number(current.delta) !== r.increment || Boolean(current.last) !== Boolean(r.last)) {
      await api.update(`${base}/mapping_rules/${current.id}.json`, 'mapping_rule', form);
    }
  }
}
