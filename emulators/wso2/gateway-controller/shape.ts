/**
 * What a resource looks like after the gateway's typed round trip: it decodes the body into generated
 * Go structs and answers by encoding them, so fields its types do not declare are dropped (free-form
 * maps — labels, annotations, policy params — are kept whole). The management API's request schemas
 * are those types, so they decide what survives. A client `status` never survives: the server owns it.
 */
import { getByPointer, resolveRef } from '../../openapi/refs.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function shapeAs(document: Json, schemaName: string, value: Json): Json {
  const pointer = `/components/schemas/${schemaName}`;
  const shaped = prune(document, getByPointer(document, pointer), pointer, value, 0);
  return isObject(shaped) ? shaped : value;
}

function prune(doc: Json, schema: unknown, pointer: string, value: unknown, depth: number): unknown {
  const resolved = resolveRef(doc, schema, pointer);
  if (!resolved || depth > 32) return value;
  if (Array.isArray(value)) {
    const items = resolved.value.items;
    return items === undefined ? value : value.map((v) => prune(doc, items, `${resolved.pointer}/items`, v, depth + 1));
  }
  if (!isObject(value)) return value;
  const properties = new Map<string, string>(); // name → schema pointer
  let open = false;
  collect(doc, resolved.value, resolved.pointer, properties, (isOpen) => (open ||= isOpen), 0);
  if (properties.size === 0) return value; // a free-form map in Go
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const at = properties.get(key);
    if (at !== undefined) out[key] = prune(doc, getByPointer(doc, at), at, v, depth + 1);
    else if (open) out[key] = v;
  }
  return out;
}

/** Gathers declared properties through `allOf`/`oneOf`/`anyOf`; `additionalProperties` other than false keeps unknown keys. */
function collect(doc: Json, schema: Json, pointer: string, into: Map<string, string>, setOpen: (open: boolean) => void, depth: number): void {
  if (depth > 16) return;
  if (isObject(schema.properties)) for (const name of Object.keys(schema.properties)) into.set(name, `${pointer}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) setOpen(true);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const parts = schema[key];
    if (!Array.isArray(parts)) continue;
    parts.forEach((part, i) => {
      const r = resolveRef(doc, part, `${pointer}/${key}/${i}`);
      if (r) collect(doc, r.value, r.pointer, into, setOpen, depth + 1);
    });
  }
}
