/** The individual checks of a request against a compiled operation. */
import { toViolations } from './ajv.ts';
import { multipartParts, parseYamlBody } from './body-media.ts';
import type { CompiledOperation, ParamLocation } from './operation.ts';
import type { Violation } from './types.ts';

export function checkParameters(
  op: CompiledOperation,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  headers: Record<string, string>,
): Violation[] {
  const values: Record<ParamLocation, Record<string, unknown>> = { path: {}, query: {}, header: {} };
  const violations: Violation[] = [];
  for (const p of op.params) {
    const value = readParam(p.in, p.name, p.array, pathParams, query, headers);
    if (value === undefined) {
      if (p.required) violations.push({ in: p.in, pointer: '/' + p.name, message: `required ${p.in} parameter '${p.name}' is missing` });
      continue;
    }
    values[p.in][p.name] = value;
  }
  for (const location of ['path', 'query', 'header'] as const) {
    const validate = op.validators[location];
    if (validate && !validate(values[location])) violations.push(...toViolations(location, validate.errors));
  }
  return violations;
}

function readParam(
  location: ParamLocation,
  name: string,
  array: { separator?: string } | undefined,
  pathParams: Record<string, string>,
  query: URLSearchParams,
  headers: Record<string, string>,
): unknown {
  if (location === 'path') return pathParams[name];
  if (location === 'header') return headers[name];
  if (!query.has(name)) return undefined;
  if (!array) return query.get(name);
  const all = query.getAll(name);
  return array.separator === undefined ? all : all.flatMap((v) => v.split(array.separator!));
}

/** The body checks' problems, and the body as validated (a YAML text parsed), when it could be read. */
export interface BodyCheck {
  violations: Violation[];
  body?: unknown;
}

export function checkBody(op: CompiledOperation, body: unknown, contentTypeHeader: string | undefined): BodyCheck {
  const hasBody = body !== undefined;
  if (!op.body) {
    return { violations: hasBody ? [{ in: 'body', pointer: '', message: 'this operation does not accept a request body' }] : [], body };
  }
  if (!hasBody) return { violations: op.body.required ? [{ in: 'body', pointer: '', message: 'request body is required' }] : [] };
  const mediaType = contentTypeHeader?.split(';')[0]!.trim().toLowerCase();
  if (!mediaType) return { violations: [{ in: 'header', pointer: '/content-type', message: 'a request with a body needs a Content-Type' }], body };
  const media = pickMedia(op.body.media, mediaType);
  if (!media) {
    const accepted = op.body.media.map((m) => m.mediaType).join(', ');
    return { violations: [{ in: 'body', pointer: '', message: `unsupported content type '${mediaType}' (accepted: ${accepted})` }], body };
  }
  const value = media.kind === 'yaml' ? parseYamlBody(body) : body;
  if (value instanceof Error) return { violations: [{ in: 'body', pointer: '', message: value.message }] };
  if (!media.validate) return { violations: [], body: value };
  // coercion rewrites the value it checks: forms are cloned, multipart parts copied (files are not cloned)
  const data = media.kind === 'form' ? structuredClone(value) : media.kind === 'multipart' ? multipartParts(value, media.jsonParts ?? []) : value;
  return { violations: media.validate(data) ? [] : toViolations('body', media.validate.errors), body: value };
}

function pickMedia<T extends { mediaType: string }>(media: T[], mediaType: string): T | undefined {
  const [type] = mediaType.split('/');
  return (
    media.find((m) => m.mediaType.toLowerCase() === mediaType) ??
    media.find((m) => m.mediaType.toLowerCase() === `${type}/*`) ??
    media.find((m) => m.mediaType === '*/*')
  );
}

/** Only presence of a credential of the required kind is checked, never its value. */
export function checkSecurity(op: CompiledOperation, query: URLSearchParams, headers: Record<string, string>): Violation[] {
  if (op.security.length === 0) return [];
  const authorization = headers.authorization ?? '';
  const satisfied = op.security.some((schemes) =>
    schemes.every((scheme) => {
      switch (scheme.type) {
        case 'http':
          return authorization.toLowerCase().startsWith(String(scheme.scheme ?? '').toLowerCase() + ' ');
        case 'apiKey': {
          const name = String(scheme.name ?? '');
          if (scheme.in === 'query') return query.has(name);
          if (scheme.in === 'cookie') return (headers.cookie ?? '').split(/;\s*/).some((c) => c.startsWith(name + '='));
          return headers[name.toLowerCase()] !== undefined;
        }
        case 'oauth2':
        case 'openIdConnect':
          return authorization.toLowerCase().startsWith('bearer ');
        default:
          return true;
      }
    }),
  );
  return satisfied ? [] : [{ in: 'security', pointer: '', message: 'no credential satisfies the operation security requirements' }];
}
