/**
 * The smallest RFC 7386 merge patch turning `current` into `next` for the keys `next` owns: nested keys that
 * disappeared are sent as null (a plain merge would keep stale plan ids), arrays are replaced. Undefined when equal.
 */
export function statusPatch(current: Record<string, unknown> | undefined, next: Record<string, unknown>): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    const d = diff(current?.[k], v);
    if (d !== undefined) patch[k] = d;
  }
  return Object.keys(patch).length ? patch : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function diff(cur: unknown, next: unknown): unknown {
  if (next === undefined) return cur === undefined ? undefined : null;
  if (isPlainObject(next) && isPlainObject(cur)) {
    const out: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(cur), ...Object.keys(next)])) {
      const d = diff(cur[k], next[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return deepEqual(cur, next) ? undefined : next;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  return ak.length === bk.length && ak.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when every field of `desired` is present and equal in `actual` (extra fields the vendor adds are ignored). */
export function isSubset(desired: unknown, actual: unknown): boolean {
  if (isPlainObject(desired)) {
    if (!isPlainObject(actual)) return false;
    return Object.entries(desired).every(([k, v]) => v === undefined || isSubset(v, actual[k]));
  }
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && desired.length === actual.length && desired.every((v, i) => isSubset(v, actual[i]));
  }
  return desired === actual;
}
