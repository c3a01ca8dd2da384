import type * as Tls from 'node:tls';
import type { WebSocket as WsSocket } from 'ws';
import { https } from '../../shared/node-http.ts';
import { permanentRefusal, readMessage } from './cp-messages.ts';
import type { LinkSettings } from './link-settings.ts';

/** The protocol's fixed times (the gateway's client.go), injectable so tests run in milliseconds. */
export interface ConnectionTimings {
  /** Well-known discovery; 5 s. */
  discoveryTimeoutMs: number;
  /** WebSocket handshake; 10 s. */
  handshakeTimeoutMs: number;
  /** From the upgrade to `connection.ack`; 5 s. */
  ackTimeoutMs: number;
  /** Without a ping for this long the connection is lost; 35 s (the server pings every 20 s, times out at 30 s). */
  heartbeatTimeoutMs: number;
  /** How often that is checked; 5 s. */
  heartbeatCheckMs: number;
}

export const GATEWAY_TIMINGS: ConnectionTimings = { discoveryTimeoutMs: 5_000, handshakeTimeoutMs: 10_000, ackTimeoutMs: 5_000, heartbeatTimeoutMs: 35_000, heartbeatCheckMs: 5_000 };

/** Why a connection attempt failed: `permanent` when the control plane refused it (the configuration must change). */
export class ConnectError extends Error {
  override name = 'ConnectError';
  readonly permanent: boolean;
  constructor(message: string, permanent = false) {
    super(message);
    this.permanent = permanent;
  }
}

/** How an established connection ended. */
export type ConnectionEnd = { permanent: false; cause: 'closed' | 'heartbeat' | 'error' | 'stopped'; code?: number } | { permanent: true; cause: 'refused'; detail: string };

export interface ConnectionHandlers {
  /** A text message after `connection.ack` (never logged here: payloads may hold key hashes and tokens). */
  message(text: string): void;
  ping(): void;
}

export const PLATFORM_BASE = '/api/internal/v1';

/** `ws` is loaded with the first connection: a watcher without a control plane never holds it. */
let wsModule: Promise<typeof import('ws')> | undefined;
const loadWs = () => (wsModule ??= import('ws'));

const rootCertificates = () => (process.getBuiltinModule('node:tls') as typeof Tls).rootCertificates;

/** TLS of every call to one control plane: verification unless insecure_skip_verify, the named CA trusted besides the system's. */
function tlsOptions(s: LinkSettings) {
  return { rejectUnauthorized: !s.insecureSkipVerify, ...(s.ca ? { ca: [...rootCertificates(), s.ca] } : {}) };
}

/**
 * The gateway's discovery: `GET https://{host}/internal/gateway/.well-known`; a `gatewayPath` is APIM's base,
 * anything else (an error, a timeout, another answer) means the Platform API's.
 */
export function discoverBase(s: LinkSettings, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const fallback = () => resolve(PLATFORM_BASE);
    const req = https.get(`https://${s.host}/internal/gateway/.well-known`, { ...tlsOptions(s), timeout: timeoutMs, headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 64 * 1024) return res.destroy();
        chunks.push(c);
      });
      res.on('error', fallback);
      res.on('end', () => {
        if (res.statusCode !== 200) return fallback();
        try {
          const path = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { gatewayPath?: unknown }).gatewayPath;
          const trimmed = typeof path === 'string' ? path.trim().replace(/^\/+|\/+$/g, '') : '';
          resolve(trimmed ? `/${trimmed}` : PLATFORM_BASE);
        } catch {
          fallback();
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', fallback);
  });
}

/**
 * One WebSocket connection to a control plane on behalf of a gateway: dialled with the `api-key` header, answered
 * with `connection.ack` within ackTimeoutMs, kept while pings arrive (ws answers them with pongs). Every listener is
 * attached before the handshake, so a message arriving with the ack is never lost. `ended` resolves once, however
 * it ends.
 */
export class ControlPlaneConnection {
  gatewayId = '';
  connectionId = '';
  readonly ended: Promise<ConnectionEnd>;
  private readonly ws: WsSocket;
  private readonly timings: ConnectionTimings;
  private heartbeat: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private lastPing = Date.now();
  /** `connection.ack` received. */
  private acked = false;
  /** Our pings awaiting their pong, by payload, in the order sent. */
  private readonly reads = new Map<string, (read: boolean) => void>();
  private pings = 0;
  private done = false;
  private finish!: (end: ConnectionEnd) => void;
  private settleOpen!: { resolve(): void; reject(err: ConnectError): void };

  /**
   * Discovery done: handshake and ack; throws ConnectError (permanent for 401/403/404/409/422 and close 4401). The
   * signal abandons the attempt (the watcher stops, or the settings changed).
   */
  static async open(s: LinkSettings, base: string, timings: ConnectionTimings, handlers: ConnectionHandlers, signal?: AbortSignal): Promise<ControlPlaneConnection> {
    const { WebSocket } = await loadWs();
    const ws = new WebSocket(`wss://${s.host}${base}/ws/gateways/connect`, {
      headers: { 'api-key': s.token },
      handshakeTimeout: timings.handshakeTimeoutMs,
      maxPayload: 2 * 1024 * 1024,
      ...tlsOptions(s),
    });
    const c = new ControlPlaneConnection(ws, timings, handlers);
    const abandon = () => c.close();
    signal?.addEventListener('abort', abandon, { once: true });
    try {
      await c.opened;
    } finally {
      signal?.removeEventListener('abort', abandon);
    }
    return c;
  }

  private readonly opened: Promise<void>;

  private constructor(ws: WsSocket, timings: ConnectionTimings, handlers: ConnectionHandlers) {
    this.ws = ws;
    this.timings = timings;
    this.ended = new Promise((resolve) => (this.finish = resolve));
    this.opened = new Promise((resolve, reject) => (this.settleOpen = { resolve, reject }));
    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      const refused = permanentRefusal(status);
      res.resume();
      req.destroy();
      this.fail(new ConnectError(refused ?? `the control plane answered the upgrade with ${status}`, Boolean(refused)));
    });
    ws.on('open', () => {
      this.ackTimer = setTimeout(() => this.fail(new ConnectError(`no connection.ack within ${timings.ackTimeoutMs} ms`)), timings.ackTimeoutMs);
    });
    ws.on('ping', () => {
      this.lastPing = Date.now();
      if (this.acked) handlers.ping();
    });
    ws.on('pong', (data) => {
      const id = data.toString();
      if (!this.reads.has(id)) return;
      // Pongs come in order: this one answers every ping sent before it too.
      for (const [sent, resolve] of this.reads) {
        this.reads.delete(sent);
        resolve(true);
        if (sent === id) break;
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary || this.done) return;
      const text = data.toString();
      if (this.acked) return handlers.message(text);
      const m = readMessage(text);
      if (m.kind !== 'ack') return this.fail(new ConnectError('the first message was not connection.ack'));
      this.acked = true;
      this.gatewayId = m.gatewayId;
      this.connectionId = m.connectionId;
      clearTimeout(this.ackTimer);
      this.lastPing = Date.now();
      this.heartbeat = setInterval(() => this.checkHeartbeat(), timings.heartbeatCheckMs);
      this.heartbeat.unref();
      this.settleOpen.resolve();
    });
    ws.on('close', (code) => {
      const refused = permanentRefusal(code);
      if (!this.acked) return this.fail(new ConnectError(refused ?? `closed before connection.ack (${code})`, Boolean(refused)));
      this.end(refused ? { permanent: true, cause: 'refused', detail: refused } : { permanent: false, cause: 'closed', code });
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (!this.acked) return this.fail(new ConnectError(`connection failed: ${err.code ?? err.message}`));
      this.end({ permanent: false, cause: 'error' });
    });
  }

  /** Sends a text message; false when the connection is not open (the caller keeps what it could not send). */
  send(text: string): boolean {
    if (this.done || !this.acked || this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(text);
    return true;
  }

  /**
   * Resolves true once the control plane has read every message sent before this call: a ping sent after them is
   * answered. Its read loop handles each message (a `deployment.ack`) before it reads the next frame, and answers a
   * ping when it reads it (platform-api's handler/websocket.go; RFC 6455 §5.5.2). False if the connection ends first.
   */
  confirmRead(): Promise<boolean> {
    if (this.done || !this.acked || this.ws.readyState !== this.ws.OPEN) return Promise.resolve(false);
    const id = String(++this.pings);
    return new Promise((resolve) => {
      this.reads.set(id, resolve);
      this.ws.ping(id);
    });
  }

  /** Closes with 1000 (the gateway's "Client closing connection"); `ended` resolves with `stopped`. */
  close(): void {
    this.end({ permanent: false, cause: 'stopped' });
    if (!this.acked) this.settleOpen.reject(new ConnectError('stopped'));
    this.ws.close(1000, 'apim-sync watcher closing');
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private checkHeartbeat(): void {
    if (Date.now() - this.lastPing <= this.timings.heartbeatTimeoutMs) return;
    this.end({ permanent: false, cause: 'heartbeat' });
    this.ws.terminate();
  }

  /** A failure before the ack: the attempt failed (nothing was established). */
  private fail(err: ConnectError): void {
    if (this.done) return;
    clearTimeout(this.ackTimer);
    this.end({ permanent: false, cause: 'error' });
    this.settleOpen.reject(err);
    this.ws.terminate();
  }

  private end(e: ConnectionEnd): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.ackTimer);
    for (const resolve of this.reads.values()) resolve(false);
    this.reads.clear();
    this.finish(e);
  }
}
