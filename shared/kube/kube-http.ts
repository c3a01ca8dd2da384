import type { IncomingMessage } from 'node:http';
import { http, https } from '../node-http.ts';
import type { KubeConnection } from './connection.ts';

/** A non-2xx answer of the API server, with the Status reason (never the body of an object). */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly status: number;
  readonly reason?: string;
  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * The Kubernetes REST API over plain node:http(s): JSON reads and writes, and watch streams. Nothing of client-node
 * is loaded, which keeps the watcher's memory and the sync function's cold start small.
 */
export class KubeHttp {
  private readonly conn: KubeConnection;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;

  constructor(conn: KubeConnection, requestTimeoutMs = 60_000, userAgent = 'apim-sync') {
    this.conn = conn;
    this.requestTimeoutMs = requestTimeoutMs;
    this.userAgent = userAgent;
  }

  /**
   * A JSON document; 404 and every other non-2xx status throw KubeApiError. `accept` replaces `application/json`, e.g.
   * to ask for metadata only (`…;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json`).
   */
  async getJson<T>(path: string, query: Query, signal?: AbortSignal, accept?: string): Promise<T> {
    return this.send<T>('GET', path, query, undefined, signal, accept);
  }

  /** Any verb with an optional JSON body (merge patches say so in contentType); non-2xx statuses throw KubeApiError. */
  async send<T>(method: string, path: string, query: Query = {}, body?: { json: unknown; contentType?: string }, signal?: AbortSignal, accept?: string): Promise<T> {
    const payload = body ? JSON.stringify(body.json) : undefined;
    const headers: Record<string, string> = payload ? { 'Content-Type': body?.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {};
    if (accept) headers.Accept = accept;
    const res = await this.request(path, query, this.requestTimeoutMs, signal, method, headers, payload);
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw apiError(status, text, path, method);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Opens a watch and calls onLine for each newline-terminated JSON event, as it arrives (never buffering the stream).
   * Resolves when the server ends the stream; rejects on a non-200 status, a network error or idleMs without bytes.
   * `accept` as for getJson (a metadata-only watch asks for `as=PartialObjectMetadata`).
   */
  async stream(path: string, query: Query, onLine: (line: string) => void, idleMs: number, signal?: AbortSignal, accept?: string): Promise<void> {
    const res = await this.request(path, query, idleMs, signal, 'GET', accept ? { Accept: accept } : {});
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 0, await readBody(res), path);
    res.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      let partial = '';
      let settled = false;
      const settle = (err?: unknown) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      };
      res.on('data', (chunk: string) => {
        if (settled) return;
        let start = 0;
        for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
          const line = partial + chunk.slice(start, nl);
          partial = '';
          start = nl + 1;
          if (!line.trim()) continue;
          try {
            onLine(line);
          } catch (err) {
            // Settled before destroy(): destroying emits 'aborted'/'close', which must not replace this error.
            settle(err);
            res.destroy();
            return;
          }
        }
        partial += chunk.slice(start);
      });
      res.on('end', () => settle());
      res.on('aborted', () => settle(new Error('watch stream aborted')));
      res.on('error', (err) => settle(err));
      res.on('close', () => settle(res.complete ? undefined : new Error('watch stream closed')));
    });
  }

  private async request(
    path: string,
    query: Query,
    timeoutMs: number,
    signal?: AbortSignal,
    method = 'GET',
    extraHeaders: Record<string, string> = {},
    payload?: string,
  ): Promise<IncomingMessage> {
    const url = new URL(path.replace(/^\//, ''), this.conn.server.href.endsWith('/') ? this.conn.server : `${this.conn.server.href}/`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = { Accept: 'application/json', 'User-Agent': this.userAgent, ...extraHeaders, ...(await this.conn.headers()) };
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.conn.agent, signal }, resolve);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from the API server within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function apiError(status: number, text: string, path: string, method = 'GET'): KubeApiError {
  let message = `${method} ${path}: HTTP ${status}`;
  let reason: string | undefined;
  try {
    const s = JSON.parse(text) as { message?: string; reason?: string };
    if (s.message) message += `: ${s.message.slice(0, 300)}`;
    reason = s.reason;
  } catch {
    // not a Status object; the body is not logged
  }
  return new KubeApiError(status, message, reason);
}
