/**
 * The value walks of structured-merge-diff that server-side apply and managedFields rest on, over plain JSON objects
 * and the shapes of field-shapes.ts: the set of fields a value sets (ToFieldSet), what changed between two values
 * (Compare), an applied configuration merged into an object (Merge), and items taken out (RemoveItems).
 */
import { ApiError } from './status-errors.ts';
import { FieldSet, fieldElement, keyElement, valueElement, type PathElement } from './field-set.ts';
import { resolve, type Resolved, type Shape } from './field-shapes.ts';
import { deepEqual } from './json-util.ts';

type Json = any;
type ListShape = Extract<Resolved, { kind: 'list' }>;

const isMap = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Scalars, atomic maps and atomic lists: owned and compared whole. */
const isLeaf = (s: Resolved) => s.kind === 'scalar' || (s.kind === 'map' ? s.atomic : s.listType === 'atomic');

/** The path element of a list item: its keys (associative list), its value (set), or its index (never owned alone). */
function itemElement(s: ListShape, item: Json, i: number, path: readonly PathElement[]): PathElement {
  if (s.listType === 'set') return valueElement(item);
  if (s.listType !== 'map') return `i:${i}`;
  const keys: Record<string, unknown> = {};
  for (const k of s.keys) {
    const v = isMap(item) ? (item[k] ?? s.keyDefaults[k]) : undefined;
    if (v === undefined) {
      throw new ApiError(400, 'BadRequest', `${pathText(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
    }
    keys[k] = v;
  }
  return keyElement(keys);
}

const pathText = (path: readonly PathElement[]) => path.map((pe) => (pe.startsWith('f:') ? `.${pe.slice(2)}` : `[${pe.slice(2)}]`)).join('');

/** Items of a list by their path element (a repeated element keeps its first item, as SMD ignores repeats). */
function indexItems(s: ListShape, list: Json[] | undefined, path: readonly PathElement[]): Map<PathElement, Json> {
  const out = new Map<PathElement, Json>();
  (list ?? []).forEach((item, i) => {
    const pe = itemElement(s, item, i, path);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/** SMD's ToFieldSet: scalars, atomic lists and maps, list items, and map elements (not struct fields) as owned paths. */
export function toFieldSet(value: Json, shape: Shape): FieldSet {
  const set = new FieldSet();
  const walk = (v: Json, sh: Shape, path: PathElement[]) => {
    const s = resolve(sh, v);
    if (s.kind === 'scalar' || isLeaf(s)) return set.insert(path);
    if (s.kind === 'map') {
      for (const [k, child] of Object.entries(v as Record<string, Json>)) {
        if (child === undefined) continue;
        const p = [...path, fieldElement(k)];
        walk(child, s.field(k), p);
        if (!s.declared(k)) set.insert(p);
      }
      return;
    }
    for (const [pe, item] of indexItems(s, v, path)) {
      const p = [...path, pe];
      if (s.listType === 'map') walk(item, s.item, p);
      set.insert(p);
    }
  };
  walk(value, shape, []);
  return set;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * SMD's Compare of a live object (a) with the next one (b): leaves (scalars, atomic values, values of empty
 * containers) modified, added or removed, and every container added or removed (so an Update that creates a map owns
 * the map itself, FieldsV1's `.`).
 */
export function compare(a: Json, b: Json, shape: Shape): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const leaf = (x: Json, y: Json, path: PathElement[]) => {
    if (x === undefined) c.added.insert(path);
    else if (y === undefined) c.removed.insert(path);
    else if (!deepEqual(x, y)) c.modified.insert(path);
  };
  const walk = (x: Json, y: Json, sh: Shape, path: PathElement[]) => {
    const sx = x === undefined ? undefined : resolve(sh, x);
    const sy = y === undefined ? undefined : resolve(sh, y);
    const s = (sy ?? sx) as Resolved;
    if (sx && sy && sx.kind !== sy.kind) {
      // A value that changed form: the old one removed, the new one added.
      walk(x, undefined, sh, path);
      walk(undefined, y, sh, path);
      return;
    }
    const empty = (v: Json) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);
    if (s.kind === 'scalar' || isLeaf(s) || (empty(x) && empty(y))) return leaf(x, y, path);
    if (s.kind === 'map') {
      const xs = (x ?? {}) as Record<string, Json>;
      const ys = (y ?? {}) as Record<string, Json>;
      for (const k of new Set([...Object.keys(xs), ...Object.keys(ys)])) {
        if (xs[k] === undefined && ys[k] === undefined) continue;
        walk(xs[k], ys[k], s.field(k), [...path, fieldElement(k)]);
      }
    } else {
      const xs = indexItems(s, x, path);
      const ys = indexItems(s, y, path);
      for (const pe of new Set([...xs.keys(), ...ys.keys()])) {
        if (s.listType === 'set') leaf(xs.get(pe), ys.get(pe), [...path, pe]);
        else walk(xs.get(pe), ys.get(pe), s.item, [...path, pe]);
      }
    }
    if (x === undefined) c.added.insert(path);
    else if (y === undefined) c.removed.insert(path);
  };
  walk(a, b, shape, []);
  return c;
}

/**
 * SMD's Merge (rule keep-RHS): the configuration's values win, maps merge by key, associative lists and sets by item
 * (shared items in the configuration's order, live-only items where they were, new ones where the configuration puts
 * them), atomic values are replaced. A null in the configuration removes the field.
 */
export function merge(live: Json, config: Json, shape: Shape, path: PathElement[] = []): Json {
  if (config === undefined) return live;
  if (live === undefined || config === null) return config;
  const sl = resolve(shape, live);
  const sc = resolve(shape, config);
  if (sl.kind !== sc.kind || sc.kind === 'scalar') return config;
  if (sc.kind === 'map') {
    if (sc.atomic) return config;
    const out: Record<string, Json> = { ...live };
    for (const [k, v] of Object.entries(config as Record<string, Json>)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v, sc.field(k), [...path, fieldElement(k)]);
    }
    return out;
  }
  if (sc.listType === 'atomic') return config;
  const lhs = indexItems(sc, live, path);
  const rhs = indexItems(sc, config, path);
  const mergeItem = (pe: PathElement) => (sc.listType === 'set' ? rhs.get(pe) ?? lhs.get(pe) : merge(lhs.get(pe), rhs.get(pe), sc.item, [...path, pe]));
  const lOrder = [...lhs.keys()];
  const rOrder = [...rhs.keys()];
  const shared = rOrder.filter((pe) => lhs.has(pe));
  const out: Json[] = [];
  let l = 0;
  let r = 0;
  while (l < lOrder.length || r < rOrder.length) {
    if (l < lOrder.length && r < rOrder.length && lOrder[l] === rOrder[r]) {
      out.push(mergeItem(lOrder[l]));
      shared.shift();
      l++;
      r++;
      continue;
    }
    // A shared item the configuration places later: it is merged where the configuration has it.
    if (l < lOrder.length && rhs.has(lOrder[l]) && shared.length && shared[0] !== lOrder[l]) {
      l++;
      continue;
    }
    if (l < lOrder.length && !rhs.has(lOrder[l])) {
      out.push(lhs.get(lOrder[l]));
      l++;
      continue;
    }
    if (r < rOrder.length) {
      const pe = rOrder[r];
      out.push(mergeItem(pe));
      if (shared[0] === pe) shared.shift();
      r++;
      continue;
    }
    l++;
  }
  return out;
}

/** SMD's RemoveItems: the value without the given paths (a list item with everything under it); emptied maps go. */
export function removeItems(value: Json, toRemove: FieldSet, shape: Shape, path: PathElement[] = []): Json {
  const s = resolve(shape, value);
  if (s.kind === 'scalar' || isLeaf(s)) return value;
  const under = (pe: PathElement) => toRemove.under([...path, pe]) !== undefined;
  if (s.kind === 'map') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Record<string, Json>)) {
      const p = [...path, fieldElement(k)];
      if (toRemove.has(p)) continue;
      const kept = under(fieldElement(k)) ? removeItems(v, toRemove, s.field(k), p) : v;
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  }
  const out: Json[] = [];
  (value as Json[]).forEach((item, i) => {
    const pe = itemElement(s, item, i, path);
    const p = [...path, pe];
    if (toRemove.has(p)) return;
    out.push(s.listType === 'map' && under(pe) ? (removeItems(item, toRemove, s.item, p) ?? {}) : item);
  });
  return out.length ? out : undefined;
}
