/**
 * Request bodies read as the gateway reads them. Its config parser takes `application/yaml`,
 * `application/x-yaml` and `text/yaml` as YAML, `application/json` as JSON and anything else (a charset
 * parameter included: the header is compared whole) as YAML, then JSON. Its body binder (API keys,
 * subscription plans, subscriptions) strips parameters and reads YAML types as YAML, the rest as JSON;
 * certificates are always JSON.
 */
import { parseDocument } from 'yaml';

export type BodyReader = 'parser' | 'binder' | 'json';

/** A body the gateway could not read; `message` is worded as Go's decoders word it. */
export class BodyParseError extends Error {}

const YAML = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

export function readGatewayBody(raw: Buffer, contentType: string | undefined, reader: BodyReader): unknown {
  const text = raw.toString('utf8');
  const header = (contentType ?? '').trim();
  const bare = header.split(';')[0]!.trim().toLowerCase();
  if (reader === 'json') return json(text);
  if (reader === 'binder') return bare === 'application/yaml' || bare === 'text/yaml' ? yaml(text) : json(text);
  if (YAML.has(header)) return yaml(text);
  if (header === 'application/json') return json(text);
  const asYaml = yaml(text);
  if (!(asYaml instanceof BodyParseError)) return asYaml;
  const asJson = json(text);
  return asJson instanceof BodyParseError ? new BodyParseError('failed to parse as YAML or JSON') : asJson;
}

function json(text: string): unknown {
  if (text.trim() === '') return new BodyParseError('unexpected end of JSON input');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return new BodyParseError(`invalid character in JSON: ${(e as Error).message}`);
  }
}

function yaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) return new BodyParseError(`yaml: ${problem.message.split('\n')[0]}`);
  try {
    return (doc.toJS({ maxAliasCount: 100 }) as unknown) ?? {}; // an empty document decodes to the zero value
  } catch (e) {
    return new BodyParseError(`yaml: ${(e as Error).message}`);
  }
}

/** The decoded body as an object (`{}` when it is not one, as Go's zero-valued struct). */
export const asObject = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
