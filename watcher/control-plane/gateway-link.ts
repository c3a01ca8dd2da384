import type { KubeHttp } from '../../shared/kube/kube-http.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { VendorEvent } from '../../shared/queue/envelope.ts';
import { ARTIFACT_KINDS, EDITED, gatewaySelector, markOfResource, type EchoOutcome } from '../../vendors/wso2/control-plane/metadata.ts';
import { APIGatewayType, RestApiType, WSO2_API_VERSION } from '../../vendors/wso2/resource-types.ts';
import { resourcePath } from '../../shared/kube/resources.ts';
import { sleep } from '../backoff.ts';
import { errorFields, type WatcherLog } from '../log.ts';
import type { WatcherMetrics } from '../metrics.ts';
import { ackKey, ackOfEcho, ackOfResource, acksOfGateway, bottomUpStateOf, echoesOfGateway, type BottomUpState, type DeploymentAck } from './ack-decision.ts';
import { ConnectError, ControlPlaneConnection, discoverBase, PLATFORM_BASE, type ConnectionTimings } from './connection.ts';
import { readMessage } from './cp-messages.ts';
import { readByName, readLinkSettings, type LinkSettings } from './link-settings.ts';
import { reconnectDelay } from './reconnect-delay.ts';

export type LinkState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'refused';

/** Replacements of a gateway's configured intervals (tests run in milliseconds). */
export interface IntervalOverrides {
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  pollingIntervalMs?: number;
}

export interface LinkDeps {
  http: KubeHttp;
  /** Queues a pointer to the APIGateway carrying this event (ids only); `cause` keeps distinct occurrences apart. */
  forward(event: VendorEvent, cause: string): void;
  metrics: WatcherMetrics;
  log: WatcherLog;
  timings: ConnectionTimings;
  overrides: IntervalOverrides;
  /** What the watcher last saw of a RestApi declared in the cluster (`<namespace>/<name>`) that APIM knows. */
  bottomUpState(resource: string): BottomUpState | undefined;
}

/**
 * The control-plane connection of one APIGateway, held on behalf of its gateway for as long as the APIGateway exists
 * and has a control plane: reconnects with the gateway's backoff, retries a refused one slowly (never a crash loop),
 * relays what the control plane says as pointers, and answers deployments with `deployment.ack`.
 */
export class GatewayLink {
  readonly namespace: string;
  readonly name: string;
  state: LinkState = 'idle';
  /** ConfigMap and Secret keys its settings came from. */
  dataKeys: ReadonlySet<string> = new Set();
  private readonly deps: LinkDeps;
  private readonly abort = new AbortController();
  private gateway: { uid: string; generation: number | undefined } | undefined;
  private latest: KubeObject | undefined;
  private settings: LinkSettings | undefined;
  private conn: ControlPlaneConnection | undefined;
  private retry = 0;
  private wake: (() => void) | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  /**
   * By artifact, the last ack the control plane was seen to read (`ackKey|status`), since the watcher started and for
   * this host: a new connection does not send it again. Forgotten when the artifact owes nothing any more.
   */
  private readonly read = new Map<string, string>();
  /** Acks sent on the current connection that the control plane has not been seen to read yet, by artifact. */
  private readonly unread = new Map<string, string>();
  /** The connection whose reads are being confirmed (one ping at a time). */
  private confirming: ControlPlaneConnection | undefined;
  private refusal: string | undefined;
  /** APIM's announcements of this gateway's own APIs, from its status, acked once their RestApi runs. */
  private echoes: EchoOutcome[] = [];
  private discovered: { fingerprint: string; base: string } | undefined;
  private attempt: AbortController | undefined;
  private readonly loop: Promise<void>;

  constructor(gateway: KubeObject, deps: LinkDeps) {
    this.namespace = gateway.metadata.namespace ?? '';
    this.name = gateway.metadata.name;
    this.deps = deps;
    this.update(gateway);
    this.loop = this.run();
  }

  private get fields() {
    return { gateway: this.name, namespace: this.namespace, host: this.settings?.host };
  }

  /** A new version of the APIGateway: its settings are read again when its spec moved; its recorded outcomes are acked. */
  update(gateway: KubeObject): void {
    const id = { uid: gateway.metadata.uid ?? '', generation: gateway.metadata.generation };
    const moved = !this.gateway || this.gateway.uid !== id.uid || this.gateway.generation !== id.generation;
    this.gateway = id;
    // Only what the settings are read from: not its status, not managedFields.
    const { name, namespace, uid, generation, annotations } = gateway.metadata;
    this.latest = { apiVersion: gateway.apiVersion, kind: gateway.kind, metadata: { name, namespace, uid, generation, annotations }, spec: gateway.spec };
    if (moved) this.refresh();
    for (const ack of acksOfGateway(gateway)) this.sendAck(ack);
    this.echoes = echoesOfGateway(gateway);
    for (const echo of this.echoes) this.ackEcho(echo, this.deps.bottomUpState(echo.resource));
  }

  /** A ConfigMap or Secret its settings came from changed. */
  dataChanged(): void {
    this.refresh();
  }

  /** A control-plane resource of this gateway changed: acked when settled for its deployment. */
  resourceSeen(obj: KubeObject): void {
    const ack = ackOfResource(obj);
    if (ack) this.sendAck(ack);
  }

  /** A RestApi declared in the cluster changed: APIM's announcements of it are acked once it runs. */
  bottomUpSeen(resource: string, state: BottomUpState | undefined): void {
    for (const echo of this.echoes) if (echo.resource === resource) this.ackEcho(echo, state);
  }

  /** A control-plane resource of this gateway was edited: the function writes it again from its artifact. */
  resourceEdited(obj: KubeObject): void {
    const id = markOfResource(obj)?.artifactId;
    if (!id) return;
    this.deps.log.info('control-plane resource edited; asking for it to be written again', { ...this.fields, kind: obj.kind, name: obj.metadata.name });
    this.deps.forward({ type: EDITED, id, detail: obj.kind }, `edited:${obj.metadata.uid ?? ''}:${obj.metadata.generation ?? ''}`);
  }

  private ackEcho(echo: EchoOutcome, state: BottomUpState | undefined): void {
    const ack = ackOfEcho(echo, state);
    if (ack) this.sendAck(ack);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.conn?.close();
    this.wake?.();
    await this.loop;
  }

  /** Reads the settings again (one read at a time; a change during a read reads once more). */
  private refresh(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.readSettings();
      } while (this.readAgain && !this.abort.signal.aborted);
    })().finally(() => (this.reading = undefined));
  }

  private async readSettings(): Promise<void> {
    const gateway = this.latest;
    if (!gateway) return;
    for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
      try {
        const read = await readLinkSettings(this.deps.http, gateway, this.abort.signal);
        this.dataKeys = new Set(read.dataKeys);
        if (read.problem) this.deps.log.warn('control-plane connection not possible until the configuration changes', { ...this.fields, problem: read.problem });
        this.apply(read.settings);
        return;
      } catch (err) {
        this.deps.log.warn('could not read the control-plane settings; retrying', { ...this.fields, ...errorFields(err) });
        await sleep(Math.min(30_000, 200 * 2 ** Math.min(attempt, 8)), this.abort.signal);
      }
    }
  }

  /** New settings: a different connection is made at once (backoff reset); the same ones change nothing. */
  private apply(next: LinkSettings | undefined): void {
    if (next?.fingerprint === this.settings?.fingerprint) return;
    // What one control plane read says nothing of another's.
    if (next?.host !== this.settings?.host) this.read.clear();
    const hadOne = Boolean(this.settings);
    this.settings = next;
    this.retry = 0;
    if (hadOne || next) this.deps.log.info(next ? 'control-plane settings changed; connecting with them' : 'control plane no longer configured; disconnecting', this.fields);
    this.conn?.close();
    this.attempt?.abort();
    this.wake?.();
  }

  private intervals(s: LinkSettings) {
    const o = this.deps.overrides;
    return { initial: o.reconnectInitialMs ?? s.reconnectInitialMs, max: o.reconnectMaxMs ?? s.reconnectMaxMs, polling: o.pollingIntervalMs ?? s.pollingIntervalMs };
  }

  /** Waits for ms, or less when woken (new settings, stop). */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      const s = this.settings;
      if (!s) {
        this.state = 'idle';
        await this.pause(2 ** 31 - 1);
        continue;
      }
      const { initial, max } = this.intervals(s);
      this.state = 'connecting';
      let conn: ControlPlaneConnection;
      try {
        // An attempt is abandoned when the watcher stops or other settings arrive.
        this.attempt = new AbortController();
        const signal = AbortSignal.any([this.abort.signal, this.attempt.signal]);
        const base = this.discovered?.fingerprint === s.fingerprint ? this.discovered.base : await discoverBase(s, this.deps.timings.discoveryTimeoutMs, signal);
        if (base !== PLATFORM_BASE) this.discovered = { fingerprint: s.fingerprint, base };
        if (this.abort.signal.aborted || this.settings !== s) continue;
        conn = await ControlPlaneConnection.open(s, base, this.deps.timings, { message: (text) => this.received(text), ping: () => {} }, signal);
      } catch (err) {
        if (this.abort.signal.aborted || this.settings !== s) continue;
        const e = err instanceof ConnectError ? err : new ConnectError((err as Error).message);
        if (e.permanent) {
          this.refused(e.message);
          this.deps.metrics.controlPlaneReconnects.inc({ cause: 'refused' });
          await this.pause(max);
        } else {
          const delay = reconnectDelay(this.retry++, initial, max);
          this.state = 'backoff';
          this.deps.log.warn('control-plane connection failed; will retry', { ...this.fields, error: e.message, retryInMs: delay, retry: this.retry });
          this.deps.metrics.controlPlaneReconnects.inc({ cause: 'failed' });
          await this.pause(delay);
        }
        continue;
      }
      if (this.abort.signal.aborted || this.settings !== s) {
        conn.close();
        continue;
      }
      const end = await this.connected(conn, s);
      if (end.permanent) {
        this.refused(end.detail);
        this.deps.metrics.controlPlaneReconnects.inc({ cause: 'refused' });
        await this.pause(max);
      } else if (end.cause !== 'stopped') {
        // As the gateway: a lost connection is dialled again at once; failures after that back off.
        this.deps.log.warn('control-plane connection lost; reconnecting', { ...this.fields, cause: end.cause, ...(end.code ? { code: end.code } : {}) });
        this.deps.metrics.controlPlaneReconnects.inc({ cause: end.cause });
      }
    }
    this.state = 'idle';
  }

  /** A connection is up: the function hears of it, resyncs, and gets every ack it is owed; it lasts until it ends. */
  private async connected(conn: ControlPlaneConnection, s: LinkSettings) {
    this.conn = conn;
    this.state = 'connected';
    this.retry = 0;
    this.refusal = undefined;
    // Sent on the connection that ended and not seen read: owed again, and found again by ackSettled.
    this.unread.clear();
    this.deps.log.info('control-plane connected', { ...this.fields, gatewayId: conn.gatewayId, connectionId: conn.connectionId });
    this.deps.forward({ type: 'connection.restored' }, `connected:${conn.connectionId}`);
    // Resync on every (re)connect: what changed while it was away is found by the full diff (wso2/api-platform#1495).
    this.deps.forward({ type: 'resync' }, `connected:${conn.connectionId}`);
    let polls = 0;
    const polling = setInterval(() => this.deps.forward({ type: 'resync' }, `poll:${conn.connectionId}:${++polls}`), this.intervals(s).polling);
    polling.unref();
    void this.ackSettled(conn);
    try {
      return await conn.ended;
    } finally {
      clearInterval(polling);
      this.conn = undefined;
    }
  }

  /**
   * Acks owed to the control plane, found anew on each connection (after its ack): every settled control-plane
   * resource of this gateway and every outcome in its status. Those the control plane was seen to read on an earlier
   * connection are not sent again, so a reconnect sends what settled meanwhile or was lost with the connection; the
   * first connection after a start sends them all (the control plane ignores a repeat: its performedAt guard).
   */
  private async ackSettled(conn: ControlPlaneConnection): Promise<void> {
    try {
      const lists = await Promise.all(
        ARTIFACT_KINDS.map((k) =>
          this.deps.http.getJson<{ items?: KubeObject[] }>(resourcePath({ apiVersion: WSO2_API_VERSION, kind: k.kind }, this.namespace), { labelSelector: gatewaySelector(this.name) }, this.abort.signal),
        ),
      );
      const owed = lists.flatMap((l, i) => (l.items ?? []).map((o) => ackOfResource({ ...o, apiVersion: WSO2_API_VERSION, kind: ARTIFACT_KINDS[i].kind })));
      const gw = await readByName(this.deps.http, APIGatewayType, this.namespace, this.name, this.abort.signal);
      if (!gw) return;
      owed.push(...acksOfGateway(gw));
      // Echoes whose RestApi the watcher has not seen (listed before this component loaded) are read.
      for (const echo of echoesOfGateway(gw)) {
        let state = this.deps.bottomUpState(echo.resource);
        if (!state) {
          const [ns, name] = echo.resource.split('/', 2);
          const api = await readByName(this.deps.http, RestApiType, ns, name, this.abort.signal);
          state = api ? bottomUpStateOf({ ...api, kind: RestApiType.kind }) : undefined;
        }
        owed.push(ackOfEcho(echo, state));
      }
      if (this.conn !== conn) return;
      const acks = owed.filter((a): a is DeploymentAck => a !== undefined);
      const owing = new Set(acks.map((a) => a.artifactId));
      for (const artifactId of this.read.keys()) if (!owing.has(artifactId)) this.read.delete(artifactId);
      for (const ack of acks) this.sendAck(ack);
    } catch (err) {
      // Live events still ack what settles from now on; the next connection lists again.
      if (!this.abort.signal.aborted) this.deps.log.warn('could not list what to ack on connect', { ...this.fields, ...errorFields(err) });
    }
  }

  private sendAck(ack: DeploymentAck): void {
    const conn = this.conn;
    const sent = `${ackKey(ack)}|${ack.status}`;
    if (!conn || this.read.get(ack.artifactId) === sent || this.unread.get(ack.artifactId) === sent) return;
    if (!conn.send(JSON.stringify({ type: 'deployment.ack', payload: ack }))) return;
    this.unread.set(ack.artifactId, sent);
    this.deps.metrics.controlPlaneAcks.inc({ status: ack.status });
    this.deps.log.info('deployment.ack sent', { ...this.fields, deploymentId: ack.deploymentId, artifactId: ack.artifactId, action: ack.action, status: ack.status });
    this.confirmReads(conn);
  }

  /**
   * Moves the acks sent on this connection to `read` once the control plane has read them (a ping after them
   * answered). One ping at a time, sent after the acks of the same burst, so a thousand acks cost a few pings.
   */
  private confirmReads(conn: ControlPlaneConnection): void {
    if (this.confirming === conn) return;
    this.confirming = conn;
    setImmediate(async () => {
      const sent = [...this.unread];
      const read = await conn.confirmRead();
      if (this.confirming === conn) this.confirming = undefined;
      if (!read || this.conn !== conn) return;
      for (const [artifactId, ack] of sent) {
        if (this.unread.get(artifactId) !== ack) continue;
        this.unread.delete(artifactId);
        this.read.set(artifactId, ack);
        this.deps.metrics.controlPlaneAcksRead++;
      }
      if (this.unread.size) this.confirmReads(conn);
    });
  }

  private received(text: string): void {
    const m = readMessage(text);
    if (m.kind === 'event') {
      this.deps.metrics.controlPlaneEvents.inc({ type: m.event.type });
      this.deps.log.debug('control-plane event forwarded', { ...this.fields, type: m.event.type, id: m.event.id });
      this.deps.forward(m.event, m.cause);
    } else if (m.kind === 'ignored') {
      this.deps.metrics.controlPlaneEvents.inc({ type: m.type || 'unreadable' });
      this.deps.log.debug('control-plane message not forwarded', { ...this.fields, type: m.type, why: m.why });
    }
  }

  /** Refused for good until the configuration changes: said once per cause, then retried at reconnect_max. */
  private refused(detail: string): void {
    this.state = 'refused';
    this.deps.log.warn('the control plane refused the connection; retrying slowly', { ...this.fields, detail });
    if (this.refusal === detail) return;
    this.refusal = detail;
    this.deps.forward({ type: 'connection.refused', detail: detail.slice(0, 300) }, `refused:${Date.now()}`);
  }
}
