/** Compiles, once per operation, the validators of its parameters, body and security requirements. */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from './ajv.ts';
import { pointerToFragment, resolveRef, getByPointer, escapePointerSegment } from './refs.ts';
import type { Route } from './router.ts';
import { mediaKindOf, multipartSchema, type MediaKind } from './body-media.ts';

type Json = Record<string, unknown>;

export type ParamLocation = 'path' | 'query' | 'header';

export interface ParamInfo {
  name: string;
  in: ParamLocation;
  required: boolean;
  /** Query arrays: read every occurrence (explode) or split one value on this separator. */
  array?: { separator?: string };
}

export interface BodyMedia {
  mediaType: string;
  kind: MediaKind;
  validate?: ValidateFunction;
  /** Multipart parts whose schema is an object or array: sent as JSON text, decoded before validation. */
  jsonParts?: string[];
}

export interface CompiledOperation {
  params: ParamInfo[];
  validators: Partial<Record<ParamLocation, ValidateFunction>>;
  body?: { required: boolean; media: BodyMedia[] };
  /** Alternatives (OR) of scheme sets (AND); empty = no requirement. */
  security: Json[][];
}

export interface CompileContext {
  doc: Json;
  documentId: string;
  strictAjv: Ajv2020;
  coercingAjv: Ajv2020;
  warnings: string[];
}

/** Header parameters OpenAPI says to ignore (described elsewhere in the document). */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

export function compileOperation(ctx: CompileContext, route: Route): CompiledOperation {
  const item = getByPointer(ctx.doc, route.pathItemPointer) as Json;
  const op = getByPointer(ctx.doc, route.operationPointer) as Json;
  const params = collectParameters(ctx, route, item, op);
  const compiled: CompiledOperation = { params: [], validators: {}, security: securityOf(ctx.doc, op) };

  // Presence of required parameters is checked by the contract (clearer messages); ajv checks values.
  const byLocation: Record<ParamLocation, Json> = { path: {}, query: {}, header: {} };
  for (const { value: p, pointer } of params) {
    const location = p.in as ParamLocation;
    if (!(location in byLocation)) continue; // cookie parameters are not checked
    const name = location === 'header' ? String(p.name).toLowerCase() : String(p.name);
    if (location === 'header' && IGNORED_HEADERS.has(name)) continue;
    const info: ParamInfo = { name, in: location, required: p.required === true || location === 'path' };
    const schema = resolveRef(ctx.doc, p.schema, pointer + '/schema');
    if (p.schema !== undefined) {
      byLocation[location][name] = { $ref: refTo(ctx, pointer + '/schema') };
      if (location === 'query' && schema && isArraySchema(schema.value)) info.array = arrayStyle(p);
    }
    compiled.params.push(info);
  }
  for (const location of ['path', 'query', 'header'] as const) {
    const properties = byLocation[location];
    if (Object.keys(properties).length === 0) continue;
    compiled.validators[location] = compileSafely(ctx, ctx.coercingAjv, { type: 'object', properties }, route);
  }

  const body = resolveRef(ctx.doc, op.requestBody, route.operationPointer + '/requestBody');
  if (body) {
    const media: BodyMedia[] = [];
    const content = (body.value.content ?? {}) as Json;
    for (const [mediaType, entry] of Object.entries(content)) {
      const kind = mediaKindOf(mediaType);
      const hasSchema = typeof entry === 'object' && entry !== null && (entry as Json).schema !== undefined;
      if (!hasSchema) {
        media.push({ mediaType, kind });
        continue;
      }
      const schemaPointer = `${body.pointer}/content/${escapePointerSegment(mediaType)}/schema`;
      const multipart = kind === 'multipart' ? multipartSchema(ctx.doc, schemaPointer, (p) => refTo(ctx, p)) : undefined;
      // text carries form and multipart values, so they are coerced; JSON and YAML keep their own types
      const ajv = kind === 'form' || kind === 'multipart' ? ctx.coercingAjv : ctx.strictAjv;
      media.push({
        mediaType,
        kind,
        validate: compileSafely(ctx, ajv, multipart?.schema ?? { $ref: refTo(ctx, schemaPointer) }, route),
        ...(multipart ? { jsonParts: multipart.jsonParts } : {}),
      });
    }
    compiled.body = { required: body.value.required === true, media };
  }
  return compiled;
}

function collectParameters(ctx: CompileContext, route: Route, item: Json, op: Json) {
  const merged = new Map<string, { value: Json; pointer: string }>();
  const add = (list: unknown, basePointer: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const resolved = resolveRef(ctx.doc, raw, `${basePointer}/parameters/${i}`);
      if (!resolved || typeof resolved.value.name !== 'string') {
        ctx.warnings.push(`${route.method} ${route.pathTemplate}: unresolvable parameter #${i}`);
        return;
      }
      merged.set(`${String(resolved.value.in)}:${resolved.value.name}`, resolved);
    });
  };
  add(item.parameters, route.pathItemPointer);
  add(op.parameters, route.operationPointer);
  return [...merged.values()];
}

function isArraySchema(schema: Json): boolean {
  return schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'));
}

function arrayStyle(p: Json): { separator?: string } {
  const style = typeof p.style === 'string' ? p.style : 'form';
  const explode = typeof p.explode === 'boolean' ? p.explode : style === 'form';
  if (style === 'pipeDelimited') return { separator: '|' };
  if (style === 'spaceDelimited') return { separator: ' ' };
  return explode ? {} : { separator: ',' };
}

function securityOf(doc: Json, op: Json): Json[][] {
  const requirements = (op.security ?? doc.security) as unknown;
  if (!Array.isArray(requirements) || requirements.length === 0) return [];
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  return requirements.map((req) =>
    Object.keys((req ?? {}) as Json).map((name) => (schemes[name] ?? { type: 'unknown', name }) as Json),
  );
}

const refTo = (ctx: CompileContext, pointer: string): string => `${ctx.documentId}#${pointerToFragment(pointer)}`;

function compileSafely(ctx: CompileContext, ajv: Ajv2020, schema: object, route: Route): ValidateFunction | undefined {
  try {
    return ajv.compile(schema);
  } catch (e) {
    ctx.warnings.push(`${route.method} ${route.pathTemplate}: schema not compiled (${(e as Error).message})`);
    return undefined;
  }
}
