/** JSON pointer helpers and internal `$ref` resolution for OpenAPI documents. */

export const escapePointerSegment = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

export const pointerOf = (segments: readonly string[]): string =>
  segments.map((s) => '/' + escapePointerSegment(s)).join('');

/** A JSON pointer as a URI fragment (what ajv expects after `#`). */
export const pointerToFragment = (pointer: string): string =>
  pointer.split('/').map((s) => encodeURIComponent(s)).join('/');

export function getByPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The object at `segments` (keys as written, unescaped): where a spec erratum applies; undefined once it is gone. */
export function objectAt(doc: unknown, ...segments: string[]): Record<string, unknown> | undefined {
  const node = getByPointer(doc, pointerOf(segments));
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

export interface Located<T> {
  value: T;
  /** JSON pointer of `value` inside the document. */
  pointer: string;
}

/**
 * Follows `$ref`s (internal ones, `#/...`) from the object at `pointer` until a non-reference object.
 * Returns undefined for external or dangling references.
 */
export function resolveRef(doc: unknown, value: unknown, pointer: string): Located<Record<string, unknown>> | undefined {
  let current = value;
  let at = pointer;
  for (let hops = 0; hops < 32; hops++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const ref = (current as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return { value: current as Record<string, unknown>, pointer: at };
    if (!ref.startsWith('#')) return undefined;
    at = decodeURIComponent(ref.slice(1));
    current = getByPointer(doc, at);
  }
  return undefined;
}
