/**
 * The HTTP front: authentication, fault injection, request counting, routing to discovery or resource handlers,
 * and Status bodies for every error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseUpgrade } from '../common/http-io.ts';
import type { Duplex } from 'node:stream';
import { ApiError, badRequest, genericStatus, methodNotAllowed, pathNotFound, rbacForbidden, unauthorized, type Status } from './status-errors.ts';
import { parsePath, type PathInfo } from './request-info.ts';
import type { Faults } from './faults.ts';
import type { ResourceRequest, ServerState, HandlerResult } from './request-context.ts';
import { aggregatedDiscovery, aggregatedMediaType, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, KUBE_VERSION } from './discovery.ts';
import { get, list } from './read-handlers.ts';
import { create, patch, update } from './write-handlers.ts';
import { deleteCollection, deleteOne } from './delete-handlers.ts';
import { serveWatch, type OpenWatch } from './watch.ts';
import { isNamespaceType } from './core-types.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import { proxyToService } from './service-proxy.ts';
import { UpgradeRefusal, type PortForwarder } from './port-forward.ts';

/** kube-apiserver's default --max-request-bytes for JSON bodies is 3 MiB. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface HttpDeps {
  state: ServerState;
  faults: Faults;
  token?: string;
  /** Each request's bearer token must pass this check (a stand-in for EKS's authenticator). */
  authenticate?: (bearerToken: string | undefined) => boolean;
  /** With `token`: other bearer tokens the server also accepts (service account tokens its token controller issued). */
  acceptsToken?: (bearerToken: string | undefined) => boolean;
  counts: Map<string, number>;
  /** Response body bytes by the same keys as counts (watch streams included, as they are written). */
  bytes: Map<string, number>;
  /** Reads by `<count key> as <form>`: what the Accept header negotiated (object, Table, PartialObjectMetadata…). */
  forms: Map<string, number>;
  watches: Set<OpenWatch>;
  serverAddress(): string;
  tls: boolean;
  portForwarder: PortForwarder;
}

/** The user RBAC messages name: the kubeconfig's token user, or the anonymous user when no token is required. */
const userOf = (deps: HttpDeps) => (deps.token !== undefined ? 'kube-api-server' : 'system:anonymous');

export function createHandler(deps: HttpDeps) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handle(deps, req, res).catch((e) => sendError(res, e));
  };
}

/**
 * What every request goes through first, upgrades included: counting, injected faults, authentication. Refusals are
 * thrown as Status errors; undefined when a fault dropped the connection.
 */
async function admit(deps: HttpDeps, req: IncomingMessage): Promise<{ url: URL; method: string; info: PathInfo } | undefined> {
  const url = new URL(req.url ?? '/', 'http://x');
  const method = req.method ?? 'GET';
  const info = parsePath(url.pathname);
  countRequest(deps, method, url.searchParams, info);
  const fault = deps.faults.take(method, url.pathname + url.search);
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.dropConnection) {
    req.socket.destroy();
    return undefined;
  }
  if (fault?.status && !fault.forbidden) throw genericStatus(fault.status);
  if (deps.token !== undefined && req.headers.authorization !== `Bearer ${deps.token}` && !deps.acceptsToken?.(req.headers.authorization?.match(/^Bearer (.+)$/)?.[1])) throw unauthorized();
  if (deps.authenticate && !deps.authenticate(req.headers.authorization?.match(/^Bearer (.+)$/)?.[1])) throw unauthorized();
  if (fault?.forbidden) throw forbiddenFor(deps, method, url.searchParams, info);
  return { url, method, info };
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const admitted = await admit(deps, req);
  if (!admitted) return;
  const { url, method, info } = admitted;
  // The proxy streams the body to the pod, unread and unbounded, as kube-apiserver's does.
  if (info.kind === 'resource' && info.proxy) return proxyToService(deps.state, { namespace: info.namespace!, id: info.name!, ...info.proxy, search: url.search, tls: deps.tls }, req, res);
  const body = await readBody(req);
  if (info.kind === 'resource' && info.group === '' && info.resource === 'pods' && info.subresource === 'portforward' && info.namespace && info.name) {
    // Only an upgraded connection reaches the kubelet (the 'upgrade' handler); the checks before it are the same.
    deps.portForwarder.check(deps.state, info.namespace, info.name);
    throw badRequest('Upgrade request required');
  }

  if (info.kind === 'discovery' || info.kind === 'group' || info.kind === 'groupVersion') {
    if (method !== 'GET') throw methodNotAllowed();
    return serveDiscovery(deps, req, res, info);
  }
  if (info.kind === 'openapi') return serveOpenApi(deps, res, info.version, info.rest);
  if (info.kind !== 'resource') throw pathNotFound();

  const { registry } = deps.state;
  const type = registry.lookup(info.group, info.version, info.resource);
  if (!type) throw pathNotFound();
  const sub = info.subresource;
  if (sub && type.connectSubresources?.some((c) => c.name === sub)) throw pathNotFound();
  if (sub && !(sub === 'status' && type.statusSubresource) && !(sub === 'finalize' && isNamespaceType(type))) throw pathNotFound();
  if (type.namespaced === false && info.namespace !== undefined) throw pathNotFound();
  // Namespaced resources are served across namespaces only for list and watch.
  if (type.namespaced && info.namespace === undefined && (method !== 'GET' || info.name)) throw pathNotFound();
  const r: ResourceRequest = {
    state: deps.state,
    type,
    version: info.version,
    namespace: info.namespace,
    name: info.name,
    subresource: sub,
    query: url.searchParams,
    headers: req.headers,
    body,
    warnings: [],
    served: servedStats(deps, countKey(method, url.searchParams, info)),
  };
  const watch = info.legacyWatch || isTrue(url.searchParams.get('watch'));
  if (method === 'GET' && watch) {
    if (sub) throw methodNotAllowed();
    return serveWatch(r, res, deps.watches);
  }
  const result = dispatch(method, r, !!info.name);
  r.served?.addBytes(writeJson(res, result, r.warnings, 'application/json'));
}

/** Statistics of one answered request: the form its Accept header negotiated, its body bytes as written. */
function servedStats(deps: HttpDeps, key: string): NonNullable<ResourceRequest['served']> {
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  return { form: (as) => add(deps.forms, `${key} as ${as}`, 1), addBytes: (n) => add(deps.bytes, key, n) };
}

function forbiddenFor(deps: HttpDeps, method: string, q: URLSearchParams, info: ReturnType<typeof parsePath>): ApiError {
  if (info.kind !== 'resource') return genericStatus(403);
  const { group, resource, subresource, namespace, name } = info;
  return rbacForbidden({ user: userOf(deps), verb: verbOf(method, q, info), group, resource, subresource, namespace, name });
}

/**
 * Upgrade requests (Node hands them over with the raw socket): pods/{name}/portforward over WebSocket, after the same
 * authentication, fault injection and counting as every request. Refusals are written as HTTP answers on the socket.
 */
export function createUpgradeHandler(deps: HttpDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(deps, req, socket, head).catch((e) => refuse(socket, e));
  };
}

async function upgrade(deps: HttpDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const admitted = await admit(deps, req);
  if (!admitted) return;
  const { url, method, info } = admitted;
  const portForward = info.kind === 'resource' && info.group === '' && info.version === 'v1' && info.resource === 'pods' && info.subresource === 'portforward';
  if (!portForward || !info.namespace || !info.name) throw badRequest('the test server upgrades only pods/{name}/portforward connections (WebSocket)');
  if (method !== 'GET' || String(req.headers.upgrade).toLowerCase() !== 'websocket') throw badRequest('the test server forwards ports over WebSocket only (v4.channel.k8s.io), not SPDY');
  deps.portForwarder.upgrade(deps.state, info.namespace, info.name, url.searchParams, req, socket, head);
}

/** An upgrade refused as kube-apiserver or the kubelet refuses it. */
function refuse(socket: Duplex, e: unknown): void {
  if (socket.destroyed) return;
  if (e instanceof UpgradeRefusal) return refuseUpgrade(socket, e.code, { 'Content-Type': e.contentType, 'Cache-Control': 'no-cache, private' }, e.body);
  const status = e instanceof ApiError ? e.status : genericStatus(500, e instanceof Error ? e.message : String(e)).status;
  refuseUpgrade(socket, status.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' }, JSON.stringify(status));
}

function dispatch(method: string, r: ResourceRequest, named: boolean): HandlerResult {
  switch (method) {
    case 'GET':
      return named ? get(r) : list(r);
    case 'POST':
      if (named) throw methodNotAllowed();
      return create(r);
    case 'PUT':
      if (!named) throw methodNotAllowed();
      return update(r);
    case 'PATCH':
      if (!named) throw methodNotAllowed();
      return patch(r);
    case 'DELETE':
      if (r.subresource) throw methodNotAllowed();
      return named ? deleteOne(r) : deleteCollection(r);
    default:
      throw methodNotAllowed();
  }
}

const isTrue = (v: string | null) => v === 'true' || v === '1';

const WRITE_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/** The Kubernetes verb of a request, as RBAC and audit name it. */
function verbOf(method: string, q: URLSearchParams, info: Extract<PathInfo, { kind: 'resource' }>): string {
  if (method === 'GET') return info.legacyWatch || isTrue(q.get('watch')) ? 'watch' : info.name ? 'get' : 'list';
  if (method === 'DELETE') return info.name ? 'delete' : 'deletecollection';
  return WRITE_VERBS[method] ?? method.toLowerCase();
}

/** `verb resource[/subresource]`, e.g. `patch apiv4definitions.gravitee.io/status`, `list secrets`. */
function countKey(method: string, q: URLSearchParams, info: Extract<PathInfo, { kind: 'resource' }>): string {
  const resource = `${info.group ? `${info.resource}.${info.group}` : info.resource}${info.subresource ? `/${info.subresource}` : ''}`;
  return `${verbOf(method, q, info)} ${resource}`;
}

function countRequest(deps: HttpDeps, method: string, q: URLSearchParams, info: PathInfo): void {
  if (info.kind !== 'resource') return;
  const key = countKey(method, q, info);
  deps.counts.set(key, (deps.counts.get(key) ?? 0) + 1);
}

function serveDiscovery(deps: HttpDeps, req: IncomingMessage, res: ServerResponse, info: PathInfo): void {
  const { registry } = deps.state;
  const aggregated = aggregatedMediaType(req.headers.accept);
  if (info.kind === 'group') {
    const g = apiGroupDoc(registry, info.group);
    if (!g) throw pathNotFound();
    return send(res, { code: 200, body: g });
  }
  if (info.kind === 'groupVersion') {
    if (!registry.groups().some((g) => g.name === info.group && g.versions.includes(info.version)) && info.group !== '') throw pathNotFound();
    return send(res, { code: 200, body: apiResourceList(registry, info.group, info.version) });
  }
  if (info.kind !== 'discovery') throw pathNotFound();
  switch (info.path) {
    case 'version':
      return send(res, { code: 200, body: KUBE_VERSION });
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    case 'api':
    case 'apis':
      if (aggregated) return send(res, { code: 200, body: aggregatedDiscovery(registry, info.path === 'api', aggregated) }, [], aggregated);
      return send(res, { code: 200, body: info.path === 'api' ? apiVersions(deps.serverAddress()) : apiGroupList(registry) });
  }
}

/** OpenAPI v3 only; /openapi/v2 is 404, which kubectl tolerates once v3 answers. */
function serveOpenApi(deps: HttpDeps, res: ServerResponse, version: string, rest: string): void {
  const { registry } = deps.state;
  if (version !== 'v3') throw pathNotFound();
  if (!rest) return send(res, { code: 200, body: openApiIndex(registry) });
  const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(rest);
  const doc = m ? openApiDocument(registry, m[1] ? '' : m[2], m[1] ?? m[3]) : undefined;
  if (!doc) throw pathNotFound();
  send(res, { code: 200, body: doc });
}

function send(res: ServerResponse, result: HandlerResult, warnings: string[] = [], contentType = 'application/json'): void {
  writeJson(res, result, warnings, contentType);
}

/** Writes a JSON answer; returns the bytes of its body. */
function writeJson(res: ServerResponse, result: HandlerResult, warnings: string[], contentType: string): number {
  const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  const text = JSON.stringify(result.body);
  const bytes = Buffer.byteLength(text);
  headers['Content-Length'] = String(bytes);
  res.writeHead(result.code, headers);
  res.end(text);
  return bytes;
}

function sendError(res: ServerResponse, e: unknown): void {
  const status: Status =
    e instanceof ApiError
      ? e.status
      : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e instanceof Error ? e.message : String(e), reason: 'InternalError', code: 500 };
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(status.reason === '' ? { ...status, reason: undefined } : status);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-cache, private' };
  if (status.code === 429) headers['Retry-After'] = '1';
  res.writeHead(status.code, headers);
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
