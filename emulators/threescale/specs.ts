/**
 * The published porta specs (`PORTA doc/active_docs/*.json`), read at run time from
 * `emulators/specs/threescale/` (copies of the published files; another folder: `common/specs.ts`), patched with the
 * errata below and compiled once per folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorSpecsDir } from '../common/specs.ts';
import { createContract, objectAt, parseSpecText, type OpenApiContract } from '../openapi/index.ts';
import { FORM } from './params.ts';

type Json = Record<string, unknown>;

const FILES = ['account_management_api.json', 'master_api.json', 'policy_registry_api.json'] as const;

/** What the emulator needs to know about an operation beyond the validator: where its parameters go. */
export interface OperationInfo {
  /** Method as documented and path without format suffix, e.g. `PATCH /admin/api/services/{service_id}/proxy`. */
  key: string;
  hasBody: boolean;
  bodyProps: Set<string>;
  queryParams: Set<string>;
}

export interface ServedSpec {
  file: string;
  contract: OpenApiContract;
  operations: Map<string, OperationInfo>;
}

/**
 * Errata of the published specs: places where porta (and the 3scale operator, which relies on it) accept
 * what the document forbids.
 * - `PUT …/backend_usages/{id}.json` declares `path` as an integer; it is the public path (`/v1`) as in
 *   the create operation.
 * - `POST …/applications/{application_id}/keys.xml` requires `key`; porta generates a random key when it
 *   is absent, and the operator's ApplicationAuth `generateSecret` posts without a body.
 * - `UserCreateRequest` requires `password`; porta creates API users without one (the operator's Tenant
 *   reconciler creates the tenant admin with `{email, username}` only).
 * - `PUT /admin/api/active_docs/{id}.json` declares `service_id` an integer; an empty `service_id` unbinds the
 *   document from its product (porta's `test_update_can_remove_service`; the form way to send no service).
 */
type Erratum = { file: string; apply: (doc: Json) => void };

const dropRequired = (schema: Json | undefined, field: string): void => {
  if (schema && Array.isArray(schema.required)) schema.required = schema.required.filter((f) => f !== field);
};

const ERRATA: Erratum[] = [
  {
    file: 'account_management_api.json',
    apply(doc) {
      const usage = objectAt(doc, 'paths', '/admin/api/services/{service_id}/backend_usages/{id}.json', 'put', 'requestBody', 'content', FORM, 'schema', 'properties', 'path');
      if (usage) usage.type = 'string';
      dropRequired(objectAt(doc, 'paths', '/admin/api/accounts/{account_id}/applications/{application_id}/keys.xml', 'post', 'requestBody', 'content', FORM, 'schema'), 'key');
      dropRequired(objectAt(doc, 'components', 'schemas', 'UserCreateRequest'), 'password');
      const docService = objectAt(doc, 'paths', '/admin/api/active_docs/{id}.json', 'put', 'requestBody', 'content', FORM, 'schema', 'properties', 'service_id');
      if (docService?.type === 'integer') {
        delete docService.type;
        docService.anyOf = [{ type: 'integer' }, { type: 'string', maxLength: 0 }];
      }
    },
  },
];

export const FORMAT_SUFFIXES = ['.json', '.xml'];

const cache = new Map<string, ServedSpec[]>();

export function servedSpecs(specsDir?: string): ServedSpec[] {
  const dir = vendorSpecsDir(specsDir, 'threescale', [...FILES], '3scale');
  let served = cache.get(dir);
  if (!served) {
    served = FILES.map((file) => loadServed(dir, file));
    cache.set(dir, served);
  }
  return served;
}

function loadServed(dir: string, file: string): ServedSpec {
  const path = join(dir, file);
  const doc = parseSpecText(readFileSync(path, 'utf8'), path);
  for (const e of ERRATA) if (e.file === file) e.apply(doc);
  const operations = indexOperations(doc);
  const contract = createContract(doc, { formatSuffixes: FORMAT_SUFFIXES });
  return { file, contract, operations };
}

export const stripFormat = (path: string): string => path.replace(/\.(json|xml)$/, '');

export const operationKey = (method: string, template: string): string => `${method.toUpperCase()} ${stripFormat(template)}`;

function indexOperations(doc: Json): Map<string, OperationInfo> {
  const out = new Map<string, OperationInfo>();
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const deref = (s: unknown): Json => {
    const ref = (s as Json | undefined)?.$ref;
    return (typeof ref === 'string' ? schemas[ref.split('/').pop()!] : s) as Json ?? {};
  };
  for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters' || typeof op !== 'object' || op === null) continue;
      const o = op as Json;
      const params = [...((item.parameters ?? []) as Json[]), ...((o.parameters ?? []) as Json[])];
      const content = ((o.requestBody as Json | undefined)?.content ?? {}) as Json;
      const schema = deref(Object.values(content)[0] && (Object.values(content)[0] as Json).schema);
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const key = operationKey(method, template);
      out.set(key, {
        key,
        hasBody: o.requestBody !== undefined,
        bodyProps: new Set(Object.keys(props)),
        queryParams: new Set(params.filter((p) => p.in === 'query').map((p) => String(p.name))),
      });
    }
  }
  return out;
}
