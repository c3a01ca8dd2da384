/**
 * Request parameters as porta (Rails) sees them: query string and form body merged into one flat set. Every write
 * the published specs document takes `application/x-www-form-urlencoded`; nested values are sent as the spec
 * declares them (a JSON text field such as `policies_config` or the registry `schema`, Rails bracket keys such as
 * `annotations[managed_by]`). A body of another media type is kept as text, for the contract check to refuse.
 */

/** Flat Rails-style parameters. */
export type Params = Record<string, string>;

export type RawBody = { kind: 'none' } | { kind: 'form'; fields: Params } | { kind: 'other'; text: string };

/** The media type of every write the published specs document. */
export const FORM = 'application/x-www-form-urlencoded';

export function parseRawBody(raw: Buffer, contentType: string | undefined): RawBody {
  if (raw.length === 0) return { kind: 'none' };
  const text = raw.toString('utf8');
  if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== FORM) return { kind: 'other', text };
  const fields: Params = {};
  for (const [k, v] of new URLSearchParams(text)) fields[k] = v;
  return { kind: 'form', fields };
}

/** The form fields of a body (none unless it is a form). */
export const formFields = (body: RawBody): Params => (body.kind === 'form' ? body.fields : {});

/** Nested Rails keys `name[key]` of a parameter set, e.g. `annotations[managed_by]` → `{managed_by}`. */
export function nested(params: Params, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = name + '[';
  for (const [k, v] of Object.entries(params)) if (k.startsWith(prefix) && k.endsWith(']')) out[k.slice(prefix.length, -1)] = v;
  return out;
}
