/**
 * get and list. Lists are consistent snapshots: a continue token pins the resourceVersion of the first page,
 * and later pages are rebuilt as of that version from the event log (410 Expired once it is compacted away).
 */
import { badRequest, expired, notFound } from './status-errors.ts';
import { apiVersionOf, type KubeObj } from './resource-type.ts';
import { collectionOf, header, keyOf, present, type HandlerResult, type ResourceRequest } from './request-context.ts';
import { allOf, parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.ts';
import { toTable } from './table.ts';
import { lowerBound } from './store.ts';
import { negotiateOutput, presentList, presentOne } from './media-negotiation.ts';

export function get(r: ResourceRequest): HandlerResult {
  // Negotiated before the read, as the handler does: a 406 wins over a 404.
  const form = negotiateOutput(header(r, 'accept'), r.type);
  r.served?.form(form.as);
  const obj = collectionOf(r).objects.get(keyOf(r));
  if (!obj) throw notFound(r.type, r.name!);
  if (form.as === 'Table') return { code: 200, body: { ...toTable(r.type, r.version, [present(r, obj)], { resourceVersion: obj.metadata.resourceVersion }, r.query.get('includeObject')), apiVersion: `meta.k8s.io/${form.version}` } };
  return { code: 200, body: presentOne(form, r.type, present(r, obj)) };
}

export function list(r: ResourceRequest): HandlerResult {
  const form = negotiateOutput(header(r, 'accept'), r.type);
  r.served?.form(form.as);
  const { items, list } = listMatching(r);
  if (form.as === 'Table') return { code: 200, body: { ...toTable(r.type, r.version, items, list.metadata, r.query.get('includeObject')), apiVersion: `meta.k8s.io/${form.version}` } };
  const partial = presentList(form, r.type, items, list.metadata);
  if (partial) return { code: 200, body: partial };
  // Typed lists carry no apiVersion/kind on their items; unstructured (custom resource) lists do.
  return { code: 200, body: { ...list, items: r.type.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest) } };
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function selectorFor(r: ResourceRequest): Matcher | undefined {
  const byName: Matcher | undefined = r.name ? (o) => o.metadata.name === r.name : undefined;
  return allOf(parseLabelSelector(r.query.get('labelSelector')), parseFieldSelector(r.query.get('fieldSelector'), r.type), byName);
}

/** The matching objects (one page when `limit` is set) and the list envelope with resourceVersion and continue. */
export function listMatching(r: ResourceRequest): { items: KubeObj[]; list: { apiVersion: string; kind: string; metadata: Record<string, unknown> } } {
  const store = r.state.store;
  const c = collectionOf(r);
  const match = selectorFor(r);
  const limit = Number(r.query.get('limit') ?? 0);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${r.query.get('limit')}": must be a non-negative integer`);
  const ns = r.type.namespaced ? r.namespace : undefined;

  let rv = store.resourceVersion;
  let start = '';
  const token = r.query.get('continue');
  if (token) {
    const t = decodeContinue(token);
    rv = t.rv;
    start = t.start;
  } else if (r.query.get('resourceVersionMatch') === 'Exact') {
    rv = Number(r.query.get('resourceVersion'));
    if (!Number.isInteger(rv) || rv <= 0) throw badRequest(`resourceVersionMatch: Forbidden: resourceVersionMatch "Exact" is forbidden for resourceVersion "${r.query.get('resourceVersion') ?? ''}"`);
  }

  let keys = c.keys(ns);
  let lookup = (k: string) => c.objects.get(k);
  if (rv < store.resourceVersion) {
    const overrides = store.snapshotOverrides(c, rv);
    if (!overrides) throw expired(token ? CONTINUE_EXPIRED : `too old resource version: ${rv} (${c.log.floor})`);
    const extra = [...overrides.keys()].filter((k) => !c.objects.has(k) && (ns === undefined || k.startsWith(`${ns}/`)));
    if (extra.length) keys = [...keys, ...extra].sort();
    lookup = (k) => (overrides.has(k) ? (overrides.get(k) ?? undefined) : c.objects.get(k));
  }

  const items: KubeObj[] = [];
  let i = start ? lowerBound(keys, start) : 0;
  let last = '';
  for (; i < keys.length; i++) {
    if (limit && items.length >= limit) break;
    const o = lookup(keys[i]);
    if (!o || (match && !match(o))) continue;
    items.push(present(r, o));
    last = keys[i];
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (limit && i < keys.length) {
    metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${last}\u0000` })).toString('base64');
    if (!match) metadata.remainingItemCount = keys.length - i;
  }
  return { items, list: { apiVersion: apiVersionOf(r.type.group, r.version), kind: r.type.listKind, metadata } };
}
