/**
 * Request parameters as porta (Rails) sees them: query string and body merged into one flat set, whatever
 * the body's encoding. The specs document form fields only, while the 3scale operator sends JSON to some
 * endpoints; a JSON body is therefore turned into its form equivalent before validation and handling:
 * - a single top-level object under a key that is not a declared field is unwrapped (Rails ParamsWrapper,
 *   e.g. `{"oidc_configuration":{…}}`);
 * - a nested value of a field declared as a string becomes JSON text (`policies_config`, registry `schema`);
 * - other nested objects become Rails bracket keys (`annotations[managed_by]`); arrays become JSON text.
 */
import type { OperationInfo } from './specs.ts';

/** Flat Rails-style parameters; null where a JSON client sent null. */
export type Params = Record<string, string | null>;

export type RawBody = { kind: 'none' } | { kind: 'form'; fields: Params } | { kind: 'json'; value: unknown } | { kind: 'invalid'; message: string };

export function parseRawBody(raw: Buffer, contentType: string | undefined): RawBody {
  if (raw.length === 0) return { kind: 'none' };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { kind: 'json', value: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'invalid', message: 'request body is not valid JSON' };
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    const fields: Params = {};
    for (const [k, v] of new URLSearchParams(text)) fields[k] = v;
    return { kind: 'form', fields };
  }
  return { kind: 'invalid', message: `unsupported content type '${type}'` };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The form equivalent of a body, given the operation it is sent to. */
export function bodyParams(body: RawBody, op: OperationInfo | undefined): Params {
  if (body.kind === 'form') return body.fields;
  if (body.kind !== 'json' || !isPlainObject(body.value)) return {};
  let value = body.value;
  const keys = Object.keys(value);
  if (keys.length === 1 && isPlainObject(value[keys[0]!]) && !op?.bodyProps.has(keys[0]!)) value = value[keys[0]!] as Record<string, unknown>;
  const out: Params = {};
  for (const [k, v] of Object.entries(value)) {
    if (isPlainObject(v) && !op?.stringBodyProps.has(k)) flatten(out, k, v);
    else out[k] = scalar(v);
  }
  return out;
}

function flatten(out: Params, prefix: string, value: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(value)) {
    if (isPlainObject(v)) flatten(out, `${prefix}[${k}]`, v);
    else out[`${prefix}[${k}]`] = scalar(v);
  }
}

function scalar(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Nested Rails keys `name[key]` of a parameter set, e.g. `annotations[managed_by]` → `{managed_by}`. */
export function nested(params: Params, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = name + '[';
  for (const [k, v] of Object.entries(params)) if (k.startsWith(prefix) && k.endsWith(']') && v !== null) out[k.slice(prefix.length, -1)] = v;
  return out;
}
