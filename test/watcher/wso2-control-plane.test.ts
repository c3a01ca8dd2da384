import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlaneEmulator, type ControlPlaneEmulator, type Flavour } from '../../emulators/wso2/control-plane/index.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import type { WatchedKind } from '../../shared/engine/kind.ts';
import { messageGroupId, parseSyncMessage, type SyncMessage } from '../../shared/queue/envelope.ts';
import { artifactDigest, CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, EDITED } from '../../vendors/wso2/control-plane/metadata.ts';
import { APIGatewayType, LlmProviderType, LlmProxyType, McpType, RestApiType, WSO2_API_VERSION } from '../../vendors/wso2/resource-types.ts';
import type { QueueTransport } from '../../watcher/queue-sender.ts';
import { startWatcher, type Watcher } from '../../watcher/watcher.ts';
import { waitFor } from './helpers.ts';

// The WSO2 CRDs apim-sync installs, and the kinds the control-plane component reads, without references: what is
// tested here is the connection, not the sync.
const CRDS = ['apigateways', 'restapis', 'llmproviders', 'llmproxies', 'mcps'].map((p) => new URL(`../../infra/crds/gateway.api-platform.wso2.com_${p}.yaml`, import.meta.url).pathname);
const KINDS: WatchedKind[] = [APIGatewayType, RestApiType, LlmProviderType, LlmProxyType, McpType].map((t) => ({ ...t, references: () => [] }));
/** The protocol's times, in milliseconds: a ping every 30 ms, lost after 300 ms without one. */
const FAST = { heartbeatTimeoutMs: 300, heartbeatCheckMs: 25, ackTimeoutMs: 2_000, discoveryTimeoutMs: 2_000, reconnectInitialMs: 20, reconnectMaxMs: 400, pollingIntervalMs: 60_000 };

let server: KubeApiServer;
let base: string;
const watchers: Watcher[] = [];
const planes: ControlPlaneEmulator[] = [];
const relays: Relay[] = [];
let nsCount = 0;

beforeAll(async () => {
  server = await startKubeApiServer({ crdFiles: CRDS, bookmarkIntervalMs: 200 });
  base = server.url;
});
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.stop()));
  await Promise.all(relays.splice(0).map((r) => r.close()));
  for (const cp of planes.splice(0)) {
    expect(cp.violations()).toEqual([]);
    await cp.close();
  }
});
afterAll(async () => {
  await server.close();
});

async function kube(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
  const res = await fetch(`${base}${path}`, { method, headers: body ? { 'content-type': contentType } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const wso2 = (ns: string, plural: string, name = '') => `/apis/${WSO2_API_VERSION}/namespaces/${ns}/${plural}${name ? `/${name}` : ''}`;
const core = (ns: string, plural: string, name = '') => `/api/v1/namespaces/${ns}/${plural}${name ? `/${name}` : ''}`;

interface World {
  ns: string;
  cp: ControlPlaneEmulator;
  gatewayId: string;
  token: string;
  watcher: Watcher;
  sent: SyncMessage[];
  bodies: string[];
  logs: string[];
  /** vendor-event messages of the APIGateway, by event type. */
  events(type?: string): SyncMessage[];
  /** Stops the watcher and starts another with the same options, as a pod restart would (nothing kept in memory). */
  restartWatcher(): Promise<void>;
  /** With `relay`: the TCP relay the watcher reaches the control plane through. */
  relay?: Relay;
}

interface Relay {
  /** `host:port` of the relay, with the control plane's host name (its certificate names it). */
  host: string;
  /** While true, what the watcher sends is dropped: the control plane never reads it. */
  swallow: boolean;
  /** Cuts every connection, as a network failure would (no close frame). */
  cut(): void;
  close(): Promise<void>;
}

/** A TCP relay in front of the control plane (TLS passes through it untouched). */
async function startRelay(target: string): Promise<Relay> {
  const at = target.lastIndexOf(':');
  const [hostname, port] = [target.slice(0, at), Number(target.slice(at + 1))];
  const sockets = new Set<Socket>();
  const relay = { swallow: false } as Relay;
  const server = createServer((client) => {
    const upstream = connect(port, hostname);
    const end = () => [client, upstream].forEach((s) => (s.destroy(), sockets.delete(s)));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', end).on('error', end);
    }
    client.on('data', (chunk) => relay.swallow || upstream.write(chunk));
    upstream.pipe(client);
  });
  server.listen(0, hostname);
  await once(server, 'listening');
  return Object.assign(relay, {
    host: `${hostname}:${(server.address() as { port: number }).port}`,
    cut: () => [...sockets].forEach((s) => s.destroy()),
    close: () => (relay.cut(), new Promise<void>((resolve) => server.close(() => resolve()))),
  });
}

/**
 * A namespace with an APIGateway connected to a control plane emulator: its token in a Secret, the emulator's CA
 * named by `spec.controlPlane.tls.certSecretRef`, and a watcher with millisecond timings whose queue is recorded.
 */
async function world(flavour: Flavour, opts: { values?: string; pingIntervalMs?: number; pollingIntervalMs?: number; relay?: boolean } = {}): Promise<World> {
  const ns = `cp-${flavour}-${++nsCount}`;
  const cp = await startControlPlaneEmulator({ flavour, pingIntervalMs: opts.pingIntervalMs ?? 30, pongTimeoutMs: 1_000 });
  planes.push(cp);
  const relay = opts.relay ? await startRelay(cp.host) : undefined;
  if (relay) relays.push(relay);
  const { id: gatewayId, token } = cp.registerGateway(`gw-${ns}`);
  await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await kube('POST', core(ns, 'secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cp-token', namespace: ns }, stringData: { token } });
  await kube('POST', core(ns, 'secrets'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cp-ca', namespace: ns }, stringData: { 'ca.crt': cp.caPem } });
  if (opts.values) {
    await kube('POST', core(ns, 'configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gw-values', namespace: ns }, data: { 'values.yaml': opts.values } });
  }
  await kube('POST', wso2(ns, 'apigateways'), {
    apiVersion: WSO2_API_VERSION,
    kind: 'APIGateway',
    metadata: { name: 'gw', namespace: ns },
    spec: {
      apiSelector: { scope: 'Namespaced' },
      ...(opts.values ? { configRef: { name: 'gw-values' } } : {}),
      controlPlane: { host: relay?.host ?? cp.host, tokenSecretRef: { name: 'cp-token', key: 'token' }, tls: { certSecretRef: { name: 'cp-ca', key: 'ca.crt' } } },
    },
  });
  const sent: SyncMessage[] = [];
  const bodies: string[] = [];
  const transport: QueueTransport = {
    async ping() {},
    async sendBatch(entries) {
      for (const e of entries) {
        bodies.push(e.body);
        sent.push(parseSyncMessage(e.body));
      }
      return { failed: [] };
    },
  };
  const logs: string[] = [];
  const startOne = async () => {
    const watcher = await startWatcher({
      clusterId: 'c1',
      kubeConfig: { server: base },
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo',
      transport,
      namespaces: [ns],
      kinds: KINDS,
      resyncIntervalSeconds: 0,
      httpAddr: false,
      log: (e) => logs.push(JSON.stringify(e)),
      controlPlane: { ...FAST, ...(opts.pollingIntervalMs ? { pollingIntervalMs: opts.pollingIntervalMs } : {}) },
    });
    watchers.push(watcher);
    await watcher.ready;
    return watcher;
  };
  const events = (type?: string) => sent.filter((m) => m.reason === 'vendor-event' && m.kind === 'APIGateway' && m.namespace === ns && (!type || m.event?.type === type));
  const w: World = {
    ns,
    cp,
    gatewayId,
    token,
    watcher: await startOne(),
    sent,
    bodies,
    logs,
    events,
    async restartWatcher() {
      await w.watcher.stop();
      w.watcher = await startOne();
    },
    ...(relay ? { relay } : {}),
  };
  return w;
}

const connected = (w: World) => waitFor('a control-plane connection', () => w.cp.connections(w.gatewayId)[0]);

/** A control-plane resource as the sync function writes it: labels, annotations, owner, for one deployment. */
function cpResource(w: World, name: string, mark: { artifactId: string; deploymentId: string; performedAt: string }, undeployed = false) {
  return {
    apiVersion: WSO2_API_VERSION,
    kind: 'RestApi',
    metadata: {
      name,
      namespace: w.ns,
      labels: { [CP_LABELS.origin]: CP_ORIGIN, [CP_LABELS.gatewayName]: 'gw', [CP_LABELS.artifactId]: mark.artifactId },
      annotations: {
        [CP_ANNOTATIONS.gateway]: `${w.ns}/gw`,
        [CP_ANNOTATIONS.deploymentId]: mark.deploymentId,
        [CP_ANNOTATIONS.deployedAt]: mark.performedAt,
        [CP_ANNOTATIONS.artifactId]: mark.artifactId,
        ...(undeployed ? { [CP_ANNOTATIONS.deploymentState]: 'undeployed' } : {}),
      },
    },
    spec: { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend:8080' } }, operations: [{ method: 'GET', path: '/x' }] },
  };
}

/** The status a sync writes: conditions at a generation, and the deployment (`deploymentId|deployedAt|state`) it pushed. */
function programmed(generation: number, status: 'True' | 'False', reason: string, mark: { deploymentId: string; performedAt: string }, state = 'deployed') {
  return {
    controlPlaneDeployment: `${mark.deploymentId}|${mark.performedAt}|${state}`,
    conditions: ['Programmed', 'Ready'].map((type) => ({ type, status, reason, message: reason, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: generation })),
  };
}

const artifact = (name: string) => ({
  apiVersion: WSO2_API_VERSION,
  kind: 'RestApi',
  metadata: { name },
  spec: { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend:8080' } }, operations: [{ method: 'GET', path: '/x' }] },
});

describe.each(['platform', 'apim'] as const)('WSO2 control-plane connection (%s)', (flavour) => {
  it('connects on behalf of the APIGateway, answers pings, and tells the function to resync', async () => {
    const w = await world(flavour);
    const c = await connected(w);
    expect(c.gatewayId).toBe(w.gatewayId);
    // Pongs keep it alive across many ping intervals (the emulator drops a connection without them).
    for (let i = 0; i < 5; i++) await once(w.cp.activity, 'pong');
    expect(w.cp.connections(w.gatewayId).map((x) => x.connectionId)).toEqual([c.connectionId]);
    await waitFor('connection.restored and resync pointers', () => w.events('connection.restored').length === 1 && w.events('resync').length === 1);
    const [resync] = w.events('resync');
    expect(resync).toMatchObject({ apiVersion: WSO2_API_VERSION, kind: 'APIGateway', namespace: w.ns, name: 'gw', reason: 'vendor-event', event: { type: 'resync' } });
    expect(w.watcher.metricsText()).toMatch(/apim_sync_watcher_control_plane_connections\{state="connected"\} 1/);
  });

  it('resyncs every polling_interval while connected, each round its own message', async () => {
    const w = await world(flavour, { pollingIntervalMs: 100 });
    await connected(w);
    await waitFor('three polls after the connect', () => w.events('resync').length >= 4);
    const causes = w.events('resync').map((m) => m.cause ?? '');
    expect(new Set(causes).size).toBe(causes.length);
    expect(causes.filter((c) => c.startsWith('poll:')).length).toBeGreaterThanOrEqual(3);
  });

  it('forwards every control-plane event as a pointer to the APIGateway, ids only', async () => {
    const w = await world(flavour);
    await connected(w);
    const d = w.cp.deploy(w.gatewayId, artifact('petstore'));
    const [deployed] = await waitFor('api.deployed pointer', () => (w.events('api.deployed').length ? w.events('api.deployed') : undefined));
    expect(deployed.event).toEqual({ type: 'api.deployed', id: d.artifactId, deploymentId: d.deploymentId, performedAt: d.performedAt });
    const plan = w.cp.createPlan({ planName: 'Gold', throttleLimitCount: 10, throttleLimitUnit: 'Min' });
    const sub = w.cp.createSubscription(d.artifactId, { subscriptionPlanId: plan.id });
    const key = w.cp.createApiKey(d.artifactId, { name: 'key-one' });
    const u = w.cp.undeploy(w.gatewayId, d.artifactId);
    w.cp.delete(d.artifactId);
    await waitFor('every event forwarded', () => w.events('api.deleted').length === 1 && w.events('apikey.created').length === 1);
    expect(w.events('subscriptionPlan.created')[0].event).toEqual({ type: 'subscriptionPlan.created', id: plan.id });
    expect(w.events('subscription.created')[0].event).toEqual({ type: 'subscription.created', id: d.artifactId });
    expect(w.events('apikey.created')[0].event).toEqual({ type: 'apikey.created', id: d.artifactId });
    expect(w.events('api.undeployed')[0].event).toEqual({ type: 'api.undeployed', id: d.artifactId, deploymentId: d.deploymentId, performedAt: u.performedAt });
    expect(w.events('api.deleted')[0].event).toEqual({ type: 'api.deleted', id: d.artifactId });
    // One FIFO group per artifact: its changes stay ordered, those of other artifacts run beside them.
    const groups = new Set(['api.deployed', 'api.undeployed', 'api.deleted'].map((t) => messageGroupId(w.events(t)[0])));
    expect([...groups]).toEqual([`c1/APIGateway.gateway.api-platform.wso2.com/${w.ns}/gw/${d.artifactId}`]);
    const all = [...w.bodies].join('\n');
    for (const secret of [w.token, sub.subscriptionToken, key.apiKey, ...Object.values(w.cp.events().map((e) => e.envelope.payload.apiKeyHashes).filter(Boolean))]) expect(all).not.toContain(secret);
    expect(w.logs.join('\n')).not.toContain(w.token);
    expect(w.logs.join('\n')).not.toContain(sub.subscriptionToken);
    expect(w.watcher.metricsText()).toMatch(/apim_sync_watcher_control_plane_events_total\{type="api.deployed"\} 1/);
  });

  it('reconnects when pings stop (35 s without one, here 300 ms) and resyncs again', async () => {
    const w = await world(flavour);
    const first = await connected(w);
    await waitFor('first resync', () => w.events('resync').length === 1);
    w.cp.stopPinging();
    const second = await waitFor('a new connection', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== first.connectionId));
    w.cp.resumePinging();
    expect(second.gatewayId).toBe(w.gatewayId);
    await waitFor('a resync for the new connection', () => w.events('resync').length === 2);
    const causes = w.events('resync').map((m) => m.cause);
    expect(new Set(causes).size).toBe(2);
    expect(w.watcher.metricsText()).toMatch(/apim_sync_watcher_control_plane_reconnects_total\{cause="heartbeat"\} 1/);
  });

  it('reconnects after a dropped connection, backing off while the control plane is down', async () => {
    const w = await world(flavour);
    const first = await connected(w);
    w.cp.setDown(true);
    await waitFor('refused while down', () => w.cp.calls.filter((c) => c.status === 503).length >= 2);
    w.cp.setDown(false);
    const again = await waitFor('reconnected', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== first.connectionId));
    expect(again).toBeDefined();
    await waitFor('resync after reconnect', () => w.events('resync').length === 2);
    expect(w.events('connection.refused')).toEqual([]);
  });
});

describe('WSO2 control-plane refusals', () => {
  it('a revoked token (401 at the handshake) is not a crash loop: slow retries, connection.refused, recovery with a new token', async () => {
    const w = await world('platform');
    await connected(w);
    w.cp.revokeToken(w.token);
    w.cp.dropConnections(w.gatewayId);
    const [refused] = await waitFor('connection.refused', () => (w.events('connection.refused').length ? w.events('connection.refused') : undefined));
    expect(refused.event).toEqual({ type: 'connection.refused', detail: expect.stringMatching(/^401 Unauthorized/) });
    expect(w.watcher.metricsText()).toMatch(/apim_sync_watcher_control_plane_connections\{state="refused"\} 1/);
    // Retried at reconnect_max, never faster: a second refusal is logged, not sent again.
    await waitFor('a second, slow attempt', () => w.logs.filter((l) => l.includes('refused the connection; retrying slowly')).length >= 2);
    expect(w.events('connection.refused')).toHaveLength(1);
    const attempts = w.cp.calls.filter((c) => c.status === 401).length;
    expect(attempts).toBeLessThanOrEqual(4);
    // A new token in the Secret: connected at once, and the function hears it.
    const fresh = w.cp.regenerateToken(w.gatewayId);
    await kube('PATCH', core(w.ns, 'secrets', 'cp-token'), { stringData: { token: fresh } }, 'application/merge-patch+json');
    await connected(w);
    await waitFor('connection.restored after the refusal', () => w.events('connection.restored').length === 2);
    expect([...w.bodies, ...w.logs].join('\n')).not.toContain(fresh);
  });

  it('APIM closes an unauthorized connection with 4401: refused, with that code in the detail', async () => {
    const w = await world('apim');
    await connected(w);
    w.cp.revokeToken(w.token);
    w.cp.dropConnections(w.gatewayId);
    const [refused] = await waitFor('connection.refused', () => (w.events('connection.refused').length ? w.events('connection.refused') : undefined));
    expect(refused.event?.detail).toMatch(/^4401 /);
  });

  it('404 at the handshake is permanent too; the APIGateway deleted closes the connection', async () => {
    const w = await world('platform');
    await connected(w);
    w.cp.faults.inject({ method: 'GET', path: /ws\/gateways\/connect$/, status: 404 });
    w.cp.dropConnections(w.gatewayId);
    await waitFor('connection.refused', () => w.events('connection.refused')[0]?.event?.detail?.startsWith('404 '));
    w.cp.faults.clear();
    await kube('DELETE', wso2(w.ns, 'apigateways', 'gw'));
    await waitFor('closed', () => w.logs.some((l) => l.includes('APIGateway gone or going')));
    expect(w.cp.connections(w.gatewayId)).toEqual([]);
  });
});

/** A new deployment of `name` and its control-plane resource, whose sync wrote `Programmed` as `status`/`reason` say. */
async function settled(w: World, name: string, status: 'True' | 'False' = 'True', reason = 'Programmed') {
  const d = w.cp.deploy(w.gatewayId, artifact(name));
  const created = await kube('POST', wso2(w.ns, 'restapis'), cpResource(w, name, d));
  await kube('PATCH', `${wso2(w.ns, 'restapis', name)}/status`, { status: programmed(created.metadata.generation, status, reason, d) }, 'application/merge-patch+json');
  return { ...d, generation: created.metadata.generation as number };
}

/** The acks the control plane got for a deployment. */
const acksOf = (w: World, d: { deploymentId: string }) => w.cp.acks().filter((a) => (a.payload as { deploymentId?: string }).deploymentId === d.deploymentId);

describe('WSO2 deployment.ack', () => {
  it('acks a control-plane resource once it is Programmed at its generation, and a rejection the function recorded', async () => {
    const w = await world('platform');
    await connected(w);
    const d = w.cp.deploy(w.gatewayId, artifact('orders'));
    const created = await kube('POST', wso2(w.ns, 'restapis'), cpResource(w, 'orders', d));
    // Not settled yet: Pending is no answer.
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'orders')}/status`, { status: programmed(created.metadata.generation, 'False', 'Pending', d) }, 'application/merge-patch+json');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'orders')}/status`, { status: programmed(created.metadata.generation, 'True', 'Programmed', d) }, 'application/merge-patch+json');
    const ack = await waitFor('success ack', () => w.cp.acks().find((a) => (a.payload as { deploymentId?: string }).deploymentId === d.deploymentId));
    expect(ack).toMatchObject({ outcome: 'applied', detail: 'DEPLOYED', payload: { artifactId: d.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: d.performedAt } });
    expect(w.cp.deploymentStatus(d.deploymentId)?.status).toBe('DEPLOYED');

    // A malformed artifact has no resource: the function records it on the APIGateway, the watcher acks it failed.
    const bad = w.cp.deploy(w.gatewayId, 'kind: RestApi\nmetadata: [unclosed', { kind: 'RestApi' });
    await kube('PATCH', `${wso2(w.ns, 'apigateways', 'gw')}/status`, {
      status: { controlPlane: { rejected: [{ deploymentId: bad.deploymentId, artifactId: bad.artifactId, kind: 'RestApi', action: 'deploy', performedAt: bad.performedAt, errorCode: 'GATEWAY_PROCESSING_ERROR', message: 'not valid YAML' }] } },
    }, 'application/merge-patch+json');
    await waitFor('failed ack', () => w.cp.deploymentStatus(bad.deploymentId)?.status === 'FAILED');
    expect(w.cp.deploymentStatus(bad.deploymentId)?.errorCode).toBe('GATEWAY_PROCESSING_ERROR');
    // Each operation is acked once per connection, however often its status is written.
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'orders')}/status`, { status: { conditions: [] } }, 'application/merge-patch+json');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'orders')}/status`, { status: programmed(created.metadata.generation, 'True', 'Programmed', d) }, 'application/merge-patch+json');
    await kube('PATCH', wso2(w.ns, 'apigateways', 'gw'), { metadata: { labels: { touched: 'yes' } } }, 'application/merge-patch+json');
    // A later resource's ack comes through the same watch, after those status writes were seen.
    const later = await settled(w, 'later');
    await waitFor('the later ack', () => w.cp.deploymentStatus(later.deploymentId)?.status === 'DEPLOYED');
    expect(acksOf(w, d)).toHaveLength(1);
    expect(acksOf(w, bad)).toHaveLength(1);
  });

  it('a new connection sends the acks the control plane was not seen to read (what settled meanwhile); a restarted watcher sends them all', async () => {
    const w = await world('platform');
    const first = await connected(w);
    const read = () => Number(/apim_sync_watcher_control_plane_acks_read_total (\d+)/.exec(w.watcher.metricsText())?.[1]);
    const before = await settled(w, 'before');
    await waitFor('acked, and seen read (a ping after it answered)', () => acksOf(w, before).length === 1 && read() === 1);
    // The connection cut while a resource settles: its ack waits for the next connection.
    w.cp.setDown(true);
    await waitFor('disconnected', () => w.cp.connections(w.gatewayId).length === 0);
    const meanwhile = await settled(w, 'meanwhile');
    w.cp.setDown(false);
    const second = await waitFor('reconnected', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== first.connectionId));
    await waitFor('what settled meanwhile acked and read on the new connection', () => acksOf(w, meanwhile).some((a) => a.connectionId === second.connectionId) && read() >= 2);
    expect(acksOf(w, meanwhile)).toMatchObject([{ outcome: 'applied', connectionId: second.connectionId }]);
    // Read before the connection was cut: not sent again (it would have gone before the ping that confirmed the other).
    expect(acksOf(w, before)).toHaveLength(1);
    expect(w.watcher.metricsText()).toMatch(/apim_sync_watcher_control_plane_acks_total\{status="success"\} 2\n/);
    // A restarted watcher cannot know what its predecessor sent: its first connection sends every ack owed.
    await w.restartWatcher();
    const third = await waitFor('the new watcher connected', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== second.connectionId));
    await waitFor('both acked again', () => acksOf(w, before).length === 2 && acksOf(w, meanwhile).length === 2);
    expect([...acksOf(w, before), ...acksOf(w, meanwhile)].filter((a) => a.connectionId === third.connectionId).map((a) => a.outcome)).toEqual(['discarded', 'discarded']);
    expect(w.cp.deploymentStatus(before.deploymentId)?.status).toBe('DEPLOYED');
    expect(w.cp.deploymentStatus(meanwhile.deploymentId)?.status).toBe('DEPLOYED');
  });

  it('an ack the connection died with before the control plane read it is sent again on the next connection', async () => {
    const w = await world('platform', { relay: true });
    const first = await connected(w);
    const metric = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(w.watcher.metricsText())?.[1]);
    const read = await settled(w, 'read');
    await waitFor('the first ack read', () => acksOf(w, read).length === 1 && metric('apim_sync_watcher_control_plane_acks_read_total') === 1);
    // What the watcher sends now never arrives: the ack leaves it, the control plane never reads it.
    w.relay!.swallow = true;
    const lost = await settled(w, 'lost');
    await waitFor('the second ack sent', () => metric('apim_sync_watcher_control_plane_acks_total\\{status="success"\\}') === 2);
    w.relay!.cut();
    w.relay!.swallow = false;
    expect(acksOf(w, lost)).toEqual([]);
    const second = await waitFor('reconnected', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== first.connectionId));
    await waitFor('the lost ack sent again, and read', () => acksOf(w, lost).length === 1 && metric('apim_sync_watcher_control_plane_acks_read_total') >= 2);
    expect(acksOf(w, lost)).toMatchObject([{ outcome: 'applied', connectionId: second.connectionId }]);
    expect(w.cp.deploymentStatus(lost.deploymentId)?.status).toBe('DEPLOYED');
    expect(acksOf(w, read)).toHaveLength(1);
  });

  it('a failed deployment (Programmed=False, Invalid) is acked failed; an undeployment is acked as undeploy', async () => {
    const w = await world('apim');
    await connected(w);
    const d = await settled(w, 'broken', 'False', 'Invalid');
    await waitFor('failed', () => w.cp.deploymentStatus(d.deploymentId)?.status === 'FAILED');

    const ok = await settled(w, 'fine');
    await waitFor('deployed', () => w.cp.deploymentStatus(ok.deploymentId)?.status === 'DEPLOYED');
    const u = w.cp.undeploy(w.gatewayId, ok.artifactId);
    // What the function does on api.undeployed: the marks change; the spec, hence the generation, does not.
    await kube('PATCH', wso2(w.ns, 'restapis', 'fine'), { metadata: { annotations: { [CP_ANNOTATIONS.deploymentState]: 'undeployed', [CP_ANNOTATIONS.deployedAt]: u.performedAt } } }, 'application/merge-patch+json');
    // The watcher re-syncs the resource itself: a change of annotations alone moves no generation.
    await waitFor('the resource forwarded', () => w.sent.some((m) => m.kind === 'RestApi' && m.name === 'fine' && m.reason === 'spec-changed'));
    // Programmed=True at the current generation, but for the deployment before: no answer yet.
    expect(w.cp.deploymentStatus(ok.deploymentId)?.status).toBe('UNDEPLOYING');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'fine')}/status`, { status: programmed(ok.generation, 'True', 'Programmed', { deploymentId: ok.deploymentId, performedAt: u.performedAt }, 'undeployed') }, 'application/merge-patch+json');
    await waitFor('undeployed', () => w.cp.deploymentStatus(ok.deploymentId)?.status === 'UNDEPLOYED');
    expect(w.cp.acks().at(-1)?.payload).toMatchObject({ action: 'undeploy', status: 'success', performedAt: u.performedAt });
  });
});

describe('WSO2 echoes: APIM announcing back a RestApi the gateway synced up', () => {
  const bottomUpStatus = (generation: number, apiId: string | undefined, programmed: 'True' | 'False') => ({
    ...(apiId ? { controlPlane: { type: 'APIM', apiId } } : {}),
    conditions: [{ type: 'Programmed', status: programmed, reason: programmed === 'True' ? 'Programmed' : 'Retrying', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: generation }],
  });
  const recordEcho = (w: World, d: { artifactId: string; deploymentId: string; performedAt: string }, name: string) =>
    kube('PATCH', `${wso2(w.ns, 'apigateways', 'gw')}/status`, {
      status: { controlPlane: { echoes: [{ deploymentId: d.deploymentId, artifactId: d.artifactId, kind: 'RestApi', performedAt: d.performedAt, resource: `${w.ns}/${name}` }] } },
    }, 'application/merge-patch+json');

  it('acks an echo success once its RestApi runs its current generation with that APIM id, whichever comes first', async () => {
    const w = await world('apim');
    await connected(w);
    // Recorded before the RestApi says APIM knows it (an announcement that arrived early).
    const early = w.cp.deploy(w.gatewayId, artifact('early-echo'));
    const api = await kube('POST', wso2(w.ns, 'restapis'), { ...artifact('early'), metadata: { name: 'early', namespace: w.ns } });
    await recordEcho(w, early, 'early');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'early')}/status`, { status: bottomUpStatus(api.metadata.generation, early.artifactId, 'False') }, 'application/merge-patch+json');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'early')}/status`, { status: bottomUpStatus(api.metadata.generation, 'another-apim-id', 'True') }, 'application/merge-patch+json');
    // A control-plane resource acked after those writes (the same watch, in order): by then they were seen, unacked.
    const sentinel = w.cp.deploy(w.gatewayId, artifact('sentinel'));
    const made = await kube('POST', wso2(w.ns, 'restapis'), cpResource(w, 'sentinel', sentinel));
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'sentinel')}/status`, { status: programmed(made.metadata.generation, 'True', 'Programmed', sentinel) }, 'application/merge-patch+json');
    await waitFor('the sentinel acked', () => w.cp.deploymentStatus(sentinel.deploymentId)?.status === 'DEPLOYED');
    expect(w.cp.deploymentStatus(early.deploymentId)?.status).toBe('DEPLOYING');
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'early')}/status`, { status: bottomUpStatus(api.metadata.generation, early.artifactId, 'True') }, 'application/merge-patch+json');
    await waitFor('acked once it runs', () => w.cp.deploymentStatus(early.deploymentId)?.status === 'DEPLOYED');
    expect(w.cp.acks().at(-1)?.payload).toMatchObject({ artifactId: early.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: early.performedAt });

    // Recorded after the RestApi runs (the usual order): acked when the APIGateway's status shows it.
    const late = w.cp.deploy(w.gatewayId, artifact('late-echo'));
    const lateApi = await kube('POST', wso2(w.ns, 'restapis'), { ...artifact('late'), metadata: { name: 'late', namespace: w.ns } });
    await kube('PATCH', `${wso2(w.ns, 'restapis', 'late')}/status`, { status: bottomUpStatus(lateApi.metadata.generation, late.artifactId, 'True') }, 'application/merge-patch+json');
    await recordEcho(w, late, 'late');
    await waitFor('acked from the APIGateway', () => w.cp.deploymentStatus(late.deploymentId)?.status === 'DEPLOYED');
  });
});

describe('WSO2 edits of control-plane resources', () => {
  it('asks the function to write a resource again when its generation moves and its content no longer matches its unchanged digest', async () => {
    const w = await world('platform');
    await connected(w);
    const d = w.cp.deploy(w.gatewayId, artifact('edited'));
    const resource = cpResource(w, 'edited', d);
    const digest = artifactDigest(resource.spec, resource.metadata, { labels: [], annotations: [] });
    await kube('POST', wso2(w.ns, 'restapis'), { ...resource, metadata: { ...resource.metadata, annotations: { ...resource.metadata.annotations, [CP_ANNOTATIONS.artifactDigest]: digest } } });
    const edits = () => w.events(EDITED);
    // A label alone moves no generation; the function's own write brings its digest along: neither is an edit.
    await kube('PATCH', wso2(w.ns, 'restapis', 'edited'), { metadata: { labels: { extra: 'x' } } }, 'application/merge-patch+json');
    await kube('PATCH', wso2(w.ns, 'restapis', 'edited'), {
      metadata: { annotations: { [CP_ANNOTATIONS.artifactDigest]: artifactDigest({ ...resource.spec, context: '/v2' }, resource.metadata, { labels: [], annotations: [] }) } },
      spec: { context: '/v2' },
    }, 'application/merge-patch+json');
    await kube('PATCH', wso2(w.ns, 'restapis', 'edited'), { spec: { context: '/hand-edited' } }, 'application/merge-patch+json');
    const [edit] = await waitFor('resource.edited', () => (edits().length ? edits() : undefined));
    expect(edit).toMatchObject({ kind: 'APIGateway', name: 'gw', reason: 'vendor-event', event: { type: EDITED, id: d.artifactId, detail: 'RestApi' } });
    expect(messageGroupId(edit)).toBe(`c1/APIGateway.gateway.api-platform.wso2.com/${w.ns}/gw/${d.artifactId}`);
    // Written back as the artifact had it (the digest matches again): no further request.
    await kube('PATCH', wso2(w.ns, 'restapis', 'edited'), { spec: { context: '/v2' } }, 'application/merge-patch+json');
    await kube('PATCH', wso2(w.ns, 'restapis', 'edited'), { spec: { context: '/again' } }, 'application/merge-patch+json');
    await waitFor('the second edit', () => edits().length >= 2);
    // Seen in order: had the label, the function's write or the revert been taken for edits, they would be here.
    expect(edits()).toHaveLength(2);
    expect(new Set(edits().map((m) => m.cause)).size).toBe(2);
  });
});

describe('WSO2 control-plane settings', () => {
  it('reads the connection from the values block (configRef) and reconnects when it changes', async () => {
    const values = (initial: string) => `gateway:\n  config:\n    controller:\n      controlplane:\n        reconnect_initial: ${initial}\n        reconnect_max: 5s\n        polling_interval: 15m\n`;
    const w = await world('platform', { values: values('1s') });
    const first = await connected(w);
    await kube('PATCH', core(w.ns, 'configmaps', 'gw-values'), { data: { 'values.yaml': values('2s') } }, 'application/merge-patch+json');
    const second = await waitFor('reconnected with the new settings', () => w.cp.connections(w.gatewayId).find((c) => c.connectionId !== first.connectionId));
    expect(second).toBeDefined();
    expect(w.logs.some((l) => l.includes('control-plane settings changed'))).toBe(true);
  });

  it('loads nothing for APIGateways without a control plane', async () => {
    const ns = `cp-none-${++nsCount}`;
    await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await kube('POST', wso2(ns, 'apigateways'), { apiVersion: WSO2_API_VERSION, kind: 'APIGateway', metadata: { name: 'plain', namespace: ns }, spec: { apiSelector: { scope: 'Namespaced' } } });
    const logs: string[] = [];
    const watcher = await startWatcher({
      clusterId: 'c1',
      kubeConfig: { server: base },
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo',
      transport: { ping: async () => {}, sendBatch: async () => ({ failed: [] }) },
      namespaces: [ns],
      kinds: KINDS,
      resyncIntervalSeconds: 0,
      httpAddr: false,
      log: (e) => logs.push(JSON.stringify(e)),
    });
    watchers.push(watcher);
    await watcher.ready;
    expect(logs.some((l) => l.includes('control-plane component loaded'))).toBe(false);
    expect(watcher.metricsText()).not.toMatch(/apim_sync_watcher_control_plane_connections\{/);
  });
});
