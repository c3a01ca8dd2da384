/** What a resource handler gets: the parsed request, and the shared server state it acts on. */
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, unsupportedMediaType } from './status-errors.ts';
import { decodeProtobuf, PROTOBUF } from './protobuf.ts';
import { apiVersionOf, grKey, type KubeObj, type ResourceType } from './resource-type.ts';
import type { Registry } from './registry.ts';
import type { Collection, Store } from './store.ts';
import { objectKey } from './store.ts';

export interface ServerState {
  store: Store;
  registry: Registry;
  bookmarkIntervalMs: number;
  /** Namespaces being deleted: creates in them are refused (NamespaceLifecycle admission). */
  terminatingNamespaces: Set<string>;
}

export interface ResourceRequest {
  state: ServerState;
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Response headers to add (Warning for unknown fields). */
  warnings: string[];
  /** What was answered, for the server's request statistics: the negotiated form of a read, body bytes as written. */
  served?: { form(as: string): void; addBytes(n: number): void };
}

export interface HandlerResult {
  code: number;
  body: unknown;
}

export const collectionOf = (r: ResourceRequest): Collection => r.state.store.collection(grKey(r.type));
export const keyOf = (r: ResourceRequest, name = r.name!) => objectKey(r.type.namespaced ? r.namespace : undefined, name);

export function header(r: ResourceRequest, name: string): string {
  const v = r.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Decodes a JSON (or YAML) request body; malformed input is a 400 as the apiserver's decoder reports it. */
export function decodeBody(r: ResourceRequest): any {
  const type = header(r, 'content-type').split(';')[0].trim();
  if (type === PROTOBUF) {
    // Custom resources have no protobuf form; built-in kinds do.
    if (r.type.custom) throw unsupportedMediaType(['application/json', 'application/yaml']);
    return decodeProtobuf(r.body);
  }
  const text = r.body.toString('utf8');
  if (!text.trim()) throw badRequest('the body of the request was empty');
  try {
    return type === 'application/yaml' || type === 'application/apply-patch+yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** The object as served in the requested version: custom resources convert by rewriting apiVersion (conversion None). */
export function present(r: { type: ResourceType; version: string }, obj: KubeObj): KubeObj {
  const apiVersion = apiVersionOf(r.type.group, r.version);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** Body apiVersion/kind must name this resource (both may be omitted for core kinds only when decoding into a typed object). */
export function checkTypeMeta(r: ResourceRequest, obj: any): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the object provided is unrecognized (must be of type map)');
  if (!obj.kind && r.type.custom) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
  if (!obj.apiVersion && r.type.custom) throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(obj)}'`);
  const expected = apiVersionOf(r.type.group, r.version);
  if (obj.apiVersion && obj.apiVersion !== expected && !r.type.versions.some((v) => apiVersionOf(r.type.group, v.name) === obj.apiVersion))
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  if (obj.kind && obj.kind !== r.type.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.type.kind})`);
  obj.apiVersion = expected;
  obj.kind = r.type.kind;
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object')) throw badRequest('metadata must be an object');
  obj.metadata ??= {};
}

export function dryRun(r: ResourceRequest): boolean {
  const v = r.query.getAll('dryRun');
  if (v.some((x) => x !== 'All')) throw new ApiError(400, 'BadRequest', `dryRun: Unsupported value: "${v.find((x) => x !== 'All')}": supported values: "All"`);
  return v.length > 0;
}
