/**
 * How each request media type is read before JSON Schema validation:
 * - JSON (and anything not listed below): the parsed value, validated strictly;
 * - YAML: raw text (string or bytes) parsed with `yaml`, then validated strictly as JSON would be;
 * - `application/x-www-form-urlencoded`: a parsed object whose text values are coerced to the schema's types;
 * - `multipart/form-data`: a parsed object of parts; text parts are coerced to the schema's types (and
 *   JSON-decoded for object/array properties, OpenAPI's default part encoding), file parts
 *   (`format: binary`) are only checked for presence, whatever value stands for them (Buffer, Blob…).
 */
import { parseDocument } from 'yaml';
import { escapePointerSegment, getByPointer, resolveRef } from './refs.ts';

type Json = Record<string, unknown>;

export type MediaKind = 'json' | 'yaml' | 'form' | 'multipart';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mediaKindOf(mediaType: string): MediaKind {
  const type = mediaType.toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'multipart/form-data') return 'multipart';
  if (['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'].includes(type) || type.endsWith('+yaml')) return 'yaml';
  return 'json';
}

/** The YAML document a text body holds; an Error (the parser's first problem) when it does not parse cleanly. */
export function parseYamlBody(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body; // already parsed by the caller
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const doc = parseDocument(text, { uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) return new Error(`request body is not valid YAML: ${problem.message.split('\n')[0]}`);
  try {
    // a bounded alias count refuses "billion laughs" documents
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    return new Error(`request body is not valid YAML: ${(e as Error).message}`);
  }
}

/** A multipart body schema rewritten for validation, and the parts that carry JSON. */
export interface MultipartSchema {
  schema: object;
  jsonParts: string[];
}

/**
 * The schema at `pointer` with its file properties replaced by a presence check. Other properties stay
 * references into the document (`refTo` turns a pointer into an absolute `$ref`). Undefined when the
 * schema has no top-level `properties` to rewrite (it is then compiled as written).
 */
export function multipartSchema(doc: unknown, pointer: string, refTo: (pointer: string) => string): MultipartSchema | undefined {
  const raw = getByPointer(doc, pointer);
  const resolved = resolveRef(doc, raw, pointer);
  if (!resolved || !isObject(resolved.value.properties)) return undefined;
  // A `required` next to a `$ref` (as APIM's specs write it) adds to the referenced schema's.
  const required = new Set<string>([...stringList(resolved.value.required), ...(isObject(raw) ? stringList(raw.required) : [])]);
  const properties: Json = {};
  const jsonParts: string[] = [];
  for (const name of Object.keys(resolved.value.properties)) {
    const propertyPointer = `${resolved.pointer}/properties/${escapePointerSegment(name)}`;
    const property = resolveRef(doc, getByPointer(doc, propertyPointer), propertyPointer)?.value;
    if (property && isFile(doc, property, propertyPointer)) {
      properties[name] = { not: { const: null } }; // `type: 'null'` would coerce an empty text part to null
      continue;
    }
    properties[name] = { $ref: refTo(propertyPointer) };
    if (property && (hasType(property, 'object') || hasType(property, 'array'))) jsonParts.push(name);
  }
  const additional = resolved.value.additionalProperties;
  return {
    schema: {
      type: 'object',
      properties,
      ...(required.size ? { required: [...required] } : {}),
      ...(additional === false ? { additionalProperties: false } : isObject(additional) ? { additionalProperties: { $ref: refTo(`${resolved.pointer}/additionalProperties`) } } : {}),
    },
    jsonParts,
  };
}

function isFile(doc: unknown, schema: Json, pointer: string): boolean {
  if (schema.format === 'binary') return true;
  if (!hasType(schema, 'array')) return false;
  const items = resolveRef(doc, schema.items, `${pointer}/items`)?.value;
  return items?.format === 'binary';
}

const hasType = (schema: Json, type: string): boolean => schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The parts as validation sees them: a shallow copy (coercion rewrites values; file parts must not be
 * cloned), with JSON-encoded parts decoded. A part that does not decode is left as text and fails its
 * schema.
 */
export function multipartParts(body: unknown, jsonParts: string[]): unknown {
  if (!isObject(body)) return body;
  const parts: Json = { ...body };
  for (const name of jsonParts) {
    const value = parts[name];
    if (typeof value !== 'string') continue;
    try {
      parts[name] = JSON.parse(value) as unknown;
    } catch {
      // validated as the text it is
    }
  }
  return parts;
}
