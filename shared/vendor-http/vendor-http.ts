import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type * as Tls from 'node:tls';
import { http, https } from '../node-http.ts';
import { isIP, type LookupFunction } from 'node:net';
import { CallCounter } from '../kube/call-counter.ts';
import { permanent, transient, SyncError } from '../engine/errors.ts';
import { refusal, type AddressPolicy } from './address-policy.ts';
import { encodeRequest, exchange, vendorResponse } from './http-exchange.ts';
import { DEFAULT_GET_RETRY, getRetryDelayMs, type GetRetryPolicy } from './get-retry.ts';

export interface VendorRequest {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string | string[]>;
  /** Any other body, with its media type (a WSO2 gateway's `application/yaml`, a multipart upload). */
  body?: { data: string | Uint8Array; contentType: string };
  timeoutMs?: number;
  /** `buffer`: the answer's bytes, unparsed (an archive); default: JSON when it is JSON, else text. */
  responseType?: 'buffer';
  /** TLS of this call: a vendor's own trust (a control plane's `insecure_skip_verify`, or the CA its resource names). */
  tls?: VendorTls;
}

export interface VendorTls {
  insecureSkipVerify?: boolean;
  /** PEM certificates trusted besides the system's. */
  ca?: string[];
}

/** What a vendor client needs to send a call: VendorHttp, or a path through the cluster's API server (shared/kube). */
export interface VendorTransport {
  request(req: VendorRequest): Promise<VendorResponse>;
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * The only way vendor folders reach a vendor: a timeout on every call, the address policy enforced at connect time
 * (so DNS rebinding cannot bypass it), a GET retried a couple of times on a 429, 502/503/504, reset or timeout
 * (get-retry.ts), transport failures turned into transient sync errors, and every attempt counted as a call.
 * Built on node:http(s), which Lambda loads anyway, to keep the function's cold start small.
 */
export class VendorHttp implements VendorTransport {
  readonly calls = new CallCounter();
  private readonly policy: AddressPolicy;
  private readonly timeoutMs: number;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  /** Keep-alive agents of calls with their own TLS settings, one per distinct setting. */
  private readonly tlsAgents = new Map<string, HttpsAgent>();
  private readonly agentOptions: { keepAlive: boolean; maxSockets: number; lookup: LookupFunction };
  private readonly extraCa: string[];

  private readonly connectTo: Record<string, string>;
  private readonly getRetry: GetRetryPolicy;

  /**
   * `connectTo` (as curl's --connect-to): `host:port` → `host:port` to connect to instead, the request keeping its
   * URL, Host header and TLS server name; `ca`: certificates trusted besides the system's. Both for the sandbox and
   * tests, whose stand-ins answer for public hosts (a document URL an example names).
   */
  constructor(opts: { policy: AddressPolicy; timeoutMs?: number; connections?: number; connectTo?: Record<string, string>; ca?: string[]; getRetry?: Partial<GetRetryPolicy> }) {
    this.policy = opts.policy;
    this.getRetry = { ...DEFAULT_GET_RETRY, ...opts.getRetry };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.connectTo = opts.connectTo ?? {};
    const lookup = guardedLookup(opts.policy);
    const common = { keepAlive: true, maxSockets: opts.connections ?? 32, lookup };
    this.agentOptions = common;
    this.extraCa = opts.ca ?? [];
    const ca = opts.ca?.length ? { ca: [...rootCertificates(), ...opts.ca] } : {};
    this.agents = { http: new http.Agent(common), https: new https.Agent({ ...common, ...ca }) };
  }

  async request(req: VendorRequest): Promise<VendorResponse> {
    const url = new URL(req.url);
    this.checkLiteralHost(url);
    const target = this.target(url);
    const { headers, body } = encodeRequest(req);
    const agent = url.protocol === 'https:' ? this.httpsAgent(req.tls) : this.agents.http;
    const options = { method: req.method, headers: target ? { ...headers, host: url.host } : headers, agent, ...target };
    let timeouts = 0;
    for (let attempt = 1; ; attempt++) {
      // Each attempt is a vendor call, in the process's count and the sync's usage record alike.
      this.calls.add(req.method);
      let wait: number | undefined;
      try {
        const answer = await exchange(url, options, body, req.timeoutMs ?? this.timeoutMs);
        wait = req.method === 'GET' ? getRetryDelayMs(this.getRetry, attempt, { status: answer.status, retryAfterSeconds: retryAfterSeconds(answer.headers['retry-after']) }, timeouts) : undefined;
        if (wait === undefined) return vendorResponse(req, answer);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ETIMEDOUT') timeouts++;
        wait = req.method === 'GET' ? getRetryDelayMs(this.getRetry, attempt, { code }, timeouts) : undefined;
        if (wait === undefined) throw transportError(req, err);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
    for (const a of this.tlsAgents.values()) a.destroy();
  }

  /** The https agent of a call: the shared one, or one kept for its TLS settings. */
  private httpsAgent(tls: VendorTls | undefined): HttpsAgent {
    if (!tls || (!tls.insecureSkipVerify && !tls.ca?.length)) return this.agents.https;
    const key = JSON.stringify([tls.insecureSkipVerify ?? false, tls.ca ?? []]);
    let agent = this.tlsAgents.get(key);
    if (!agent) {
      const ca = [...rootCertificates(), ...this.extraCa, ...(tls.ca ?? [])];
      agent = new https.Agent({ ...this.agentOptions, ca, rejectUnauthorized: !tls.insecureSkipVerify });
      this.tlsAgents.set(key, agent);
    }
    return agent;
  }

  /** Where to connect for url: its own host and port (undefined), or what connectTo names for them. */
  private target(url: URL): { hostname: string; port: number; servername: string } | undefined {
    const to = this.connectTo[`${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`];
    if (!to) return undefined;
    const at = to.lastIndexOf(':');
    const hostname = to.slice(0, at).replace(/^\[|\]$/g, '');
    this.checkLiteralHost(new URL(`http://${isIP(hostname) === 6 ? `[${hostname}]` : hostname}`));
    return { hostname, port: Number(to.slice(at + 1)), servername: url.hostname };
  }

  private checkLiteralHost(url: URL): void {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host)) return;
    const why = refusal(host, this.policy);
    if (why) throw permanent('AddressRefused', `address refused: ${why}; allow it in the sync function's configuration if intended`);
  }
}

const rootCertificates = () => (process.getBuiltinModule('node:tls') as typeof Tls).rootCertificates;

/** Resolves as usual, then refuses the connection if any address the name resolves to is not allowed. */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.map((a) => refusal(a.address, policy)).find(Boolean);
      if (refused) return callback(Object.assign(new Error(`address refused: ${hostname} resolves to ${refused}`), { code: 'EADDRREFUSED' }), '', 0);
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

/**
 * A call that got no answer, as a sync error: refused by the address policy (permanent), else transient, naming the
 * call, the way it took (`via`, for a path through a cluster's API server) and how it failed (never a header or a
 * body). A SyncError raised on the way (the API server's refusal of a tunnel) stands.
 */
export function transportError(req: VendorRequest, err: unknown, via?: string): SyncError {
  if (err instanceof SyncError) return err;
  const e = err as { code?: string; message?: string };
  const where = `request [${req.method}] ${redactUrl(req.url)}${via ? ` ${via}` : ''}`;
  if (e.code === 'EADDRREFUSED') return permanent('AddressRefused', `${where} refused: ${(e.message ?? '').replace(/^address refused: /, '')}`);
  const timedOut = e.code === 'ETIMEDOUT';
  return transient(timedOut ? 'Timeout' : 'Unreachable', `${where} failed: ${timedOut ? 'timed out' : (e.code ?? e.message ?? 'network error')}`, { cause: err });
}

/** URLs never carry credentials in apim-sync, but a user may have put some in a baseUrl. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url;
  }
}

/** Default mapping of a vendor HTTP error (GKO's): 400 and 401 are permanent; 403/404/409/429/5xx are retried. */
export function httpFailure(req: Pick<VendorRequest, 'method' | 'url'>, res: VendorResponse, reason = 'ControlPlaneError'): SyncError {
  const body = typeof res.body === 'string' ? res.body : Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body ?? '');
  const detail = (res.body as { message?: string } | undefined)?.message;
  const message = `request [${req.method}] ${redactUrl(req.url)} failed with status ${res.status}${detail ? ` (${detail})` : ''}: ${body.slice(0, 500)}`;
  if (res.status === 429 || res.status >= 500 || [403, 404, 408, 409].includes(res.status)) {
    return transient(reason, message, { retryAfterSeconds: retryAfterSeconds(res.headers['retry-after']) });
  }
  return permanent(reason, message);
}

/** A Retry-After header (seconds or an HTTP date) in seconds from now; undefined when absent or unreadable. */
export function retryAfterSeconds(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : undefined;
}
