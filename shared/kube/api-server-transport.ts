/**
 * Vendor calls to a service inside a member cluster, carried by the cluster's API server, so the sync function needs
 * no other network path to it (a WSO2 gateway's management API, docs/wso2-design.md "Reaching the management API"):
 * - serviceProxyTransport: `services/{[scheme:]name:port}/proxy/...`. kube-apiserver removes the `Authorization`
 *   header of every request it authenticates (kubernetes#38775), so this path cannot carry the service's own
 *   credentials: for services that need none.
 * - portForwardTransport: a real HTTP/1.1 exchange through `pods/{name}/portforward` (WebSocket,
 *   `v4.channel.k8s.io`), a raw TCP tunnel in which the request's `Authorization` reaches the pod intact.
 * - readyPodFor: the pod and container port a port-forward to a Service needs.
 * Both carry the request as VendorHttp does (its exchange, shared/vendor-http/http-exchange.ts); the API server's own
 * refusals are SyncErrors: 403 (missing RBAC) permanent and naming the permission, the rest transient.
 */
import type { Agent } from 'node:http';
import { Duplex } from 'node:stream';
import type * as Tls from 'node:tls';
import type { WebSocket as WsSocket } from 'ws';
import { http, https } from '../node-http.ts';
import { permanent, transient, type SyncError } from '../engine/errors.ts';
import { encodeRequest, exchange, vendorResponse } from '../vendor-http/http-exchange.ts';
import { redactUrl, retryAfterSeconds, transportError, type VendorRequest, type VendorTransport } from '../vendor-http/vendor-http.ts';
import { CallCounter } from './call-counter.ts';
import type { KubeConnection } from './connection.ts';
import { KubeApiError, KubeHttp } from './kube-http.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

const apiServerUrl = (conn: KubeConnection, path: string) => new URL(path.replace(/^\//, ''), conn.server.href.endsWith('/') ? conn.server : `${conn.server.href}/`);

/** A metav1.Status: what the API server (never a service behind it) answers with. */
function kubeStatus(bytes: Buffer): { code?: number; reason?: string; message?: string } | undefined {
  try {
    const s = JSON.parse(bytes.toString('utf8')) as { kind?: string; apiVersion?: string; code?: number; reason?: string; message?: string };
    return s && s.kind === 'Status' && s.apiVersion === 'v1' ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API server's refusal as a SyncError: 403 is RBAC (permanent, naming what to grant), 404/503 mean no pod can
 * answer right now, anything else is retried.
 */
function refusal(status: number, what: string, message: string, grant: string, retryAfter?: string | string[]): SyncError {
  const detail = `${what}: the API server answered ${status}${message ? `: ${message.slice(0, 300)}` : ''}`;
  if (status === 403) return permanent('Forbidden', `${detail}; grant the sync function's Kubernetes identity ${grant}`);
  if (status === 404 || status === 503) return transient('GatewayNotReady', detail);
  return transient(status === 429 ? 'KubernetesThrottled' : 'KubernetesError', detail, { retryAfterSeconds: retryAfterSeconds(retryAfter) });
}

// ---- services/proxy ----

export interface ServiceProxyOptions {
  connection: KubeConnection;
  namespace: string;
  service: string;
  /** The Service port, by number or name. */
  port: number | string;
  /** How the API server talks to the pod; default http. */
  scheme?: 'http' | 'https';
  timeoutMs?: number;
}

/**
 * Sends `http://anything/{path}?{query}` to `…/services/{scheme:}{service}:{port}/proxy/{path}?{query}` with the
 * connection's own credentials. The request's `Authorization` is dropped: kube-apiserver would strip it anyway, and
 * it must not reach the API server (or its audit log). TLS settings of the request do not apply: the API server
 * does not verify the pod's certificate.
 */
export function serviceProxyTransport(opts: ServiceProxyOptions): VendorTransport & { calls: CallCounter } {
  const calls = new CallCounter();
  const { connection: conn, namespace, service } = opts;
  // `[scheme:]name:port` with the colons literal, as kubectl writes it (a name and a port name never contain one).
  const id = [opts.scheme, service, String(opts.port)]
    .filter((part): part is string => !!part)
    .map((part) => encodeURIComponent(part))
    .join(':');
  const prefix = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${id}/proxy`;
  const via = `through services/proxy of Service ${namespace}/${service}:${opts.port}`;
  return {
    calls,
    async request(req) {
      const target = new URL(req.url);
      calls.add(req.method);
      const { headers, body } = encodeRequest(req);
      delete headers.authorization;
      const url = apiServerUrl(conn, `${prefix}${target.pathname}${target.search}`);
      let answer: Awaited<ReturnType<typeof exchange>>;
      try {
        answer = await exchange(url, { method: req.method, headers: { ...headers, ...(await conn.headers()) }, agent: conn.agent }, body, req.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      } catch (err) {
        throw transportError(req, err, via);
      }
      // The service's own answers pass through unchanged; a Status is the API server's (RBAC, no endpoints, ...).
      const status = kubeStatus(answer.bytes);
      if (status && answer.status >= 400) {
        throw refusal(answer.status, `request [${req.method}] ${redactUrl(req.url)} ${via}`, status.message ?? '', `get, create, update, patch and delete on services/proxy in namespace ${namespace}`, answer.headers['retry-after']);
      }
      return vendorResponse(req, answer);
    },
  };
}

// ---- pods/portforward ----

const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA = 0;
const ERROR = 1;

/** Why a tunnel closed early: the kubelet's text on the error channel (the pod refused the connection, ...). */
class TunnelError extends Error {
  readonly code = 'ETUNNEL';
}

/**
 * A byte stream over one port-forward WebSocket (one port): writes go out on the data channel, the data channel's
 * bytes come in, the error channel's text fails it. Socket-like enough for node:http to run HTTP/1.1 over it and for
 * a keep-alive Agent to keep it: the Agent unrefs a socket it keeps and refs it again on reuse, so an unref'd tunnel
 * is an idle one, closed after idleMs (the Agent's own `timeout` relies on net.Socket internals and leaks listeners).
 */
class TunnelSocket extends Duplex {
  private readonly ws: WsSocket;
  private readonly idleMs: number;
  /** The two little-endian bytes naming the port, which open each channel, still to skip. */
  private readonly prefix = [2, 2];
  private errorText = '';
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(ws: WsSocket, idleMs: number) {
    super({ allowHalfOpen: false });
    this.ws = ws;
    this.idleMs = idleMs;
    ws.on('message', (data: Buffer) => this.frame(data));
    ws.on('close', () => {
      if (this.errorText) this.destroy(new TunnelError(this.errorText.trim()));
      else this.push(null);
    });
    ws.on('error', (e) => this.destroy(e));
  }

  private frame(data: Buffer): void {
    const channel = data[0];
    if (channel !== DATA && channel !== ERROR) return;
    let payload = data.subarray(1);
    const skip = Math.min(this.prefix[channel], payload.length);
    this.prefix[channel] -= skip;
    payload = payload.subarray(skip);
    if (payload.length === 0) return;
    if (channel === DATA) this.push(payload);
    else this.errorText += payload.toString('utf8');
  }

  override _read(): void {
    // Frames are pushed as they arrive; WebSocket has no per-channel flow control to resume.
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) return done(Object.assign(new Error('port-forward closed'), { code: 'ECONNRESET' }));
    this.ws.send(Buffer.concat([Buffer.from([DATA]), chunk]), done);
  }

  override _final(done: () => void): void {
    // v4 has no half-close: the request is complete and the answer still comes on the data channel.
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(1000);
    done(err);
  }

  /** Taken from the pool for a request: busy again, and holding the process as a connection in use does. */
  ref(): this {
    clearTimeout(this.idleTimer);
    this.rawSocket()?.ref?.();
    return this;
  }

  /** Kept in the pool: idle, closed after idleMs, and never keeping the process (or a Lambda invocation) alive. */
  unref(): this {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.destroy(), this.idleMs);
    this.idleTimer.unref();
    this.rawSocket()?.unref?.();
    return this;
  }

  private rawSocket(): { ref?(): void; unref?(): void } | undefined {
    return (this.ws as unknown as { _socket?: { ref?(): void; unref?(): void } })._socket;
  }

  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

export interface PortForwardOptions {
  connection: KubeConnection;
  namespace: string;
  pod: string;
  /** The container port to reach. */
  port: number;
  timeoutMs?: number;
  /** How long an idle tunnel is kept for the next call (within one sync); 0 opens one tunnel per call. Default 2000 ms. */
  idleMs?: number;
  /** Tunnels open at once. Default 4. */
  maxTunnels?: number;
}

const isIdempotent = (method: string) => method === 'GET' || method === 'PUT' || method === 'DELETE';

/**
 * HTTP/1.1 to one pod's port through `pods/{pod}/portforward`. Tunnels are kept (idleMs) and reused for the next
 * calls, as a keep-alive connection would be: opening one costs a WebSocket handshake with the API server, which
 * opens a stream to the kubelet, which connects inside the pod. A call that fails on a kept tunnel before any answer
 * (the API server or the pod closed it meanwhile) is retried once on a new tunnel when its method is idempotent.
 * `close()` closes the kept tunnels.
 */
export function portForwardTransport(opts: PortForwardOptions): VendorTransport & { calls: CallCounter; tunnelsOpened(): number; close(): void } {
  const calls = new CallCounter();
  const { connection: conn, namespace, pod, port } = opts;
  const idleMs = opts.idleMs ?? 2000;
  const where = `Pod ${namespace}/${pod} port ${port}`;
  const via = `through pods/portforward to ${where}`;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
  let opened = 0;

  /** One WebSocket port-forward, open and past its handshake; the API server's refusal as a SyncError. */
  async function openTunnel(): Promise<TunnelSocket> {
    const { WebSocket } = await import('ws');
    const url = apiServerUrl(conn, path);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, [PORT_FORWARD_PROTOCOL], { agent: conn.agent, headers: await conn.headers(), perMessageDeflate: false, handshakeTimeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    opened++;
    // Errors after the outcome is settled (a terminate() during the handshake) have nothing left to tell.
    ws.on('error', () => {});
    return new Promise<TunnelSocket>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          // A bare 403 is the kubelet refusing the subprotocol, not RBAC.
          const message = kubeStatus(bytes)?.message ?? (bytes.length ? bytes.toString('utf8') : status === 403 ? `the kubelet does not serve the ${PORT_FORWARD_PROTOCOL} subprotocol` : '');
          reject(refusal(status, `port-forward to ${where}`, message, `get and create on pods/portforward in namespace ${namespace}`, res.headers['retry-after']));
          ws.terminate();
        });
      });
      ws.once('error', reject);
      ws.once('open', () => {
        ws.removeListener('error', reject);
        if (ws.protocol !== PORT_FORWARD_PROTOCOL) {
          ws.terminate();
          return reject(permanent('PortForwardUnsupported', `port-forward to ${where}: the API server chose subprotocol "${ws.protocol}", not ${PORT_FORWARD_PROTOCOL}`));
        }
        resolve(new TunnelSocket(ws, idleMs));
      });
    });
  }

  const agents = new Map<string, Agent>();
  /** The keep-alive agent whose connections are tunnels (with TLS on top for https, per TLS setting). */
  function agentFor(secure: boolean, tls: VendorRequest['tls']): Agent {
    const key = JSON.stringify([secure, tls?.insecureSkipVerify ?? false, tls?.ca ?? []]);
    let agent = agents.get(key);
    if (!agent) {
      agent = new (secure ? https.Agent : http.Agent)({ keepAlive: idleMs > 0, maxSockets: opts.maxTunnels ?? 4, maxFreeSockets: opts.maxTunnels ?? 4 });
      (agent as unknown as { createConnection: unknown }).createConnection = (options: { servername?: string; host?: string }, done: (err: Error | null, socket?: Duplex) => void) => {
        openTunnel().then((tunnel) => {
          if (!secure) return done(null, tunnel);
          const { connect, rootCertificates } = process.getBuiltinModule('node:tls') as typeof Tls;
          const ca = tls?.ca?.length ? [...rootCertificates, ...tls.ca] : undefined;
          const secured = connect({ socket: tunnel, servername: options.servername ?? options.host, ca, rejectUnauthorized: !tls?.insecureSkipVerify });
          // The Agent refs and unrefs the TLS socket it keeps; the tunnel under it is what idles and holds the process.
          const [ref, unref] = [secured.ref.bind(secured), secured.unref.bind(secured)];
          secured.ref = () => (tunnel.ref(), ref());
          secured.unref = () => (tunnel.unref(), unref());
          secured.once('close', () => tunnel.destroy());
          done(null, secured);
        }, done);
        return undefined;
      };
      agents.set(key, agent);
    }
    return agent;
  }

  return {
    calls,
    tunnelsOpened: () => opened,
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
    async request(req) {
      const url = new URL(req.url);
      calls.add(req.method);
      const { headers, body } = encodeRequest(req);
      const options = { method: req.method, headers, agent: agentFor(url.protocol === 'https:', req.tls) };
      for (let attempt = 0; ; attempt++) {
        try {
          return vendorResponse(req, await exchange(url, options, body, req.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS));
        } catch (err) {
          const e = err as { reused?: boolean; code?: string };
          const stale = e.reused && (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ETUNNEL');
          if (stale && attempt === 0 && isIdempotent(req.method)) continue;
          if (e.code === 'ETUNNEL') throw transient('Unreachable', `request [${req.method}] ${redactUrl(req.url)} ${via} failed: ${(err as Error).message.slice(0, 300)}`, { cause: err });
          throw transportError(req, err, via);
        }
      }
    },
  };
}

// ---- the pod behind a Service ----

export interface ReadyPod {
  pod: string;
  /** The container port the Service port's targetPort names on that pod. */
  port: number;
  podIP: string;
}

interface ServiceObject {
  spec?: { selector?: Record<string, string>; ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] };
}

interface PodObject {
  metadata: { name: string; deletionTimestamp?: string };
  spec?: { containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

const readyCondition = (p: PodObject) => p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');

/**
 * A Running, Ready pod behind the Service and the container port its `port` (number or name; default its only
 * port) targets, as kubectl port-forward resolves `service/name`. The pod Ready the longest is chosen (then by name),
 * so consecutive syncs keep to one pod. Needs get on services and list on pods.
 */
export async function readyPodFor(opts: { connection: KubeConnection; namespace: string; service: string; port?: number | string; timeoutMs?: number }): Promise<ReadyPod> {
  const { namespace, service } = opts;
  const api = new KubeHttp(opts.connection, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'apim-sync-sync');
  const what = `Service ${namespace}/${service}`;
  const read = async <T>(path: string, query: Record<string, string>, grant: string): Promise<T> => {
    try {
      return await api.getJson<T>(path, query);
    } catch (err) {
      if (err instanceof KubeApiError) throw refusal(err.status, `finding a ready pod of ${what}`, err.message, grant);
      throw transient('Unreachable', `finding a ready pod of ${what}: the API server did not answer: ${(err as { code?: string }).code ?? (err as Error).message}`, { cause: err });
    }
  };
  const ns = encodeURIComponent(namespace);
  const svc = await read<ServiceObject>(`/api/v1/namespaces/${ns}/services/${encodeURIComponent(service)}`, {}, `get on services in namespace ${namespace}`);
  const ports = svc.spec?.ports ?? [];
  const svcPort = opts.port === undefined ? (ports.length === 1 ? ports[0] : undefined) : ports.find((p) => (typeof opts.port === 'number' ? p.port === opts.port : p.name === opts.port));
  if (!svcPort) throw permanent('InvalidConfiguration', `${what} has no port ${opts.port ?? '(it has several: name one)'}; its ports: ${ports.map((p) => p.name ?? p.port).join(', ') || 'none'}`);
  const selector = svc.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) throw permanent('InvalidConfiguration', `${what} has no selector: its pods cannot be found for a port-forward`);
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await read<{ items: PodObject[] }>(`/api/v1/namespaces/${ns}/pods`, { labelSelector }, `list on pods in namespace ${namespace}`);
  const target = svcPort.targetPort ?? svcPort.port;
  const candidates = pods.items
    .filter((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp && readyCondition(p))
    .map((p) => {
      const port = typeof target === 'number' ? target : p.spec?.containers?.flatMap((c) => c.ports ?? []).find((cp) => cp.name === target && (cp.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP'))?.containerPort;
      return { p, port, since: readyCondition(p)?.lastTransitionTime ?? '' };
    })
    .filter((c): c is typeof c & { port: number } => c.port !== undefined)
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.p.metadata.name < b.p.metadata.name ? -1 : 1));
  const chosen = candidates[0];
  if (!chosen) throw transient('GatewayNotReady', `${what}: no Running and Ready pod selected by ${labelSelector} has the port ${target} (${pods.items.length} selected)`);
  return { pod: chosen.p.metadata.name, port: chosen.port, podIP: chosen.p.status!.podIP! };
}
