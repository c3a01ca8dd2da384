/**
 * The WSO2 control plane emulator's gateway WebSocket, in both flavours: connection.ack, server pings and the
 * pong timeout (on fake interval timers: no waiting), the events as the gateway's events.go parses them, and
 * deployment.ack moving a deployment's status as platform-api's HandleDeploymentAck does.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startControlPlaneEmulator, type AckRecord, type ControlPlaneEmulator, type Flavour } from '../../emulators/wso2/control-plane/index.ts';

const fixture = (name: string): Record<string, unknown> =>
  parseYaml(readFileSync(new URL(`../e2e/fixtures/wso2-operator/gateway-examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const PETSTORE = fixture('petstore-api.yaml');
const LLM_PROVIDER = fixture('llm-provider.yaml');
const LLM_PROXY = fixture('llm-proxy.yaml');
const MCP = fixture('mcp-proxy.yaml');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** A gateway's end of the connection: messages in arrival order, pings counted, acks sent as the gateway sends them. */
class GatewaySocket {
  readonly raw: string[] = [];
  pings = 0;
  private readonly waiting: ((m: any) => void)[] = [];
  private readonly queued: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const text = data.toString('utf8');
      this.raw.push(text);
      const m = JSON.parse(text);
      const w = this.waiting.shift();
      if (w) w(m);
      else this.queued.push(m);
    });
    ws.on('ping', () => this.pings++);
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(cp: ControlPlaneEmulator, token: string, o: { autoPong?: boolean } = {}): Promise<GatewaySocket> {
    const ws = new WebSocket(cp.wsUrl, { headers: { 'api-key': token }, ca: cp.caPem, autoPong: o.autoPong ?? true });
    const socket = new GatewaySocket(ws);
    await once(ws, 'open');
    return socket;
  }

  /** `p`, or a rejection as soon as the socket closes first (a test then fails at once instead of timing out). */
  unlessClosed<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.closed.then(({ code }) => Promise.reject(new Error(`connection closed (${code})`)))]);
  }

  next(): Promise<any> {
    const m = this.queued.shift();
    return m !== undefined ? Promise.resolve(m) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends a deployment.ack and resolves with how the control plane recorded it. */
  async ack(cp: ControlPlaneEmulator, payload: Record<string, unknown>): Promise<AckRecord> {
    const recorded = once(cp.activity, 'ack');
    this.ws.send(JSON.stringify({ type: 'deployment.ack', payload }));
    return (await recorded)[0] as AckRecord;
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.closed;
  }
}

const sorted = (o: object): string[] => Object.keys(o).sort();

describe.each<Flavour>(['apim', 'platform'])('%s gateway WebSocket', (flavour) => {
  let cp: ControlPlaneEmulator;
  let gw: { id: string; token: string };
  const sockets: GatewaySocket[] = [];
  const open = async (token = gw.token, o: { autoPong?: boolean } = {}): Promise<GatewaySocket> => {
    const s = await GatewaySocket.open(cp, token, o);
    sockets.push(s);
    return s;
  };

  beforeEach(async () => {
    cp = await startControlPlaneEmulator({ flavour, pingIntervalMs: 1000, pongTimeoutMs: 1500 });
    gw = cp.registerGateway('gw');
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of sockets.splice(0)) s.ws.terminate();
    await cp.close();
  });

  it('acknowledges a connection with the gateway and connection ids, and lists it', async () => {
    const connected = once(cp.activity, 'connection');
    const s = await open();
    const ack = await s.next();
    expect(sorted(ack)).toEqual(['connectionId', 'gatewayId', 'timestamp', 'type']);
    expect(ack).toMatchObject({ type: 'connection.ack', gatewayId: gw.id, connectionId: expect.stringMatching(UUID), timestamp: expect.stringMatching(RFC3339_SECONDS) });
    expect((await connected)[0]).toMatchObject({ gatewayId: gw.id, connectionId: ack.connectionId });
    expect(cp.connections(gw.id)).toEqual([{ gatewayId: gw.id, connectionId: ack.connectionId, connectedAt: expect.any(String) }]);
    const gone = once(cp.activity, 'disconnection');
    await s.close();
    expect((await gone)[0]).toMatchObject({ connectionId: ack.connectionId, code: 1005 });
    expect(cp.connections()).toEqual([]);
  });

  describe('heartbeat', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: Date.now() });
    });

    it('pings every interval and keeps a connection that answers with pongs', async () => {
      const s = await open();
      await s.next();
      for (let i = 1; i <= 4; i++) {
        const pinged = once(s.ws, 'ping');
        const ponged = once(cp.activity, 'pong');
        vi.advanceTimersByTime(1000);
        await s.unlessClosed(Promise.all([pinged, ponged]));
      }
      // 4 s without the pongs would have been over the 1.5 s timeout
      expect(s.pings).toBe(4);
      expect(cp.connections()).toHaveLength(1);
      expect(s.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('closes a connection that does not answer pings within the timeout (1000, normal closure)', async () => {
      const s = await open(gw.token, { autoPong: false });
      await s.next();
      const pinged = once(s.ws, 'ping');
      vi.advanceTimersByTime(1000);
      await s.unlessClosed(pinged);
      vi.advanceTimersByTime(1000);
      expect(await s.closed).toEqual({ code: 1000, reason: 'normal closure' });
      expect(cp.connections()).toEqual([]);
    });

    it('stops pinging (and timing out) until resumed', async () => {
      const s = await open(gw.token, { autoPong: false });
      await s.next();
      cp.stopPinging();
      vi.advanceTimersByTime(10_000);
      // an event written after those ticks arrives after anything they could have sent
      cp.deploy(gw.id, PETSTORE);
      expect((await s.unlessClosed(s.next())).type).toBe('api.deployed');
      expect(s.pings).toBe(0);
      expect(cp.connections()).toHaveLength(1);
      cp.resumePinging();
      const pinged = once(s.ws, 'ping');
      vi.advanceTimersByTime(1000);
      await s.unlessClosed(pinged);
      vi.advanceTimersByTime(1000);
      expect((await s.closed).code).toBe(1000);
    });
  });

  it('sends deployed, undeployed and deleted events for each kind with the payload fields events.go reads', async () => {
    const s = await open();
    await s.next();
    for (const [artifact, prefix, idField] of [
      [PETSTORE, 'api', 'apiId'],
      [LLM_PROVIDER, 'llmprovider', 'providerId'],
      [LLM_PROXY, 'llmproxy', 'proxyId'],
      [MCP, 'mcpproxy', 'proxyId'],
    ] as const) {
      const deployed = cp.deploy(gw.id, artifact);
      const e1 = await s.next();
      expect(sorted(e1)).toEqual(['correlationId', 'payload', 'timestamp', 'type']);
      expect(e1).toEqual({
        type: `${prefix}.deployed`,
        payload: { [idField]: deployed.artifactId, deploymentId: deployed.deploymentId, performedAt: deployed.performedAt },
        timestamp: expect.stringMatching(RFC3339_SECONDS),
        correlationId: expect.stringMatching(UUID),
      });
      const undeployed = cp.undeploy(gw.id, deployed.artifactId);
      expect(undeployed.deploymentId).toBe(deployed.deploymentId);
      expect(await s.next()).toMatchObject({
        type: `${prefix}.undeployed`,
        payload: { [idField]: deployed.artifactId, deploymentId: deployed.deploymentId, performedAt: undeployed.performedAt },
      });
      cp.delete(deployed.artifactId);
      const e3 = await s.next();
      expect(e3).toMatchObject({ type: `${prefix}.deleted`, payload: { [idField]: deployed.artifactId } });
      expect(sorted(e3.payload)).toEqual([idField]);
    }
    expect(cp.events(gw.id).map((e) => e.deliveredTo)).toEqual(Array(12).fill(1));
  });

  it('sends API key events with hashes and the masked key only, and the actor as top-level userId', async () => {
    const api = cp.deploy(gw.id, PETSTORE);
    const s = await open();
    await s.next();
    const key = cp.createApiKey(api.artifactId, { name: 'acme-key', userId: 'alice', issuer: 'api-platform-devportal', expiresAt: '2030-01-01T00:00:00Z' });
    const created = await s.next();
    expect(created).toMatchObject({ type: 'apikey.created', userId: 'alice' });
    expect(sorted(created.payload)).toEqual(['apiId', 'apiKeyHashes', 'createdAt', 'expiresAt', 'issuer', 'maskedApiKey', 'name', 'updatedAt', 'uuid']);
    expect(created.payload).toMatchObject({ uuid: key.uuid, apiId: api.artifactId, name: 'acme-key', maskedApiKey: key.maskedApiKey });
    expect(JSON.parse(created.payload.apiKeyHashes)).toEqual({ sha256: createHash('sha256').update(key.apiKey).digest('hex') });

    const updated = cp.updateApiKey(api.artifactId, 'acme-key', { userId: 'alice' });
    const e2 = await s.next();
    expect(e2).toMatchObject({ type: 'apikey.updated', userId: 'alice', payload: { apiId: api.artifactId, keyName: 'acme-key', maskedApiKey: updated.maskedApiKey } });
    expect(JSON.parse(e2.payload.apiKeyHashes).sha256).toBe(createHash('sha256').update(updated.apiKey).digest('hex'));

    cp.revokeApiKey(api.artifactId, 'acme-key', 'bob');
    expect(await s.next()).toEqual(expect.objectContaining({ type: 'apikey.revoked', userId: 'bob', payload: { apiId: api.artifactId, keyName: 'acme-key' } }));
    for (const text of s.raw) {
      expect(text).not.toContain(key.apiKey);
      expect(text).not.toContain(updated.apiKey);
    }
  });

  it('sends subscription events to the gateways of the API and plan events to every gateway', async () => {
    const other = cp.registerGateway('other');
    const api = cp.deploy(gw.id, PETSTORE);
    const s = await open();
    const o = await open(other.token);
    await s.next();
    await o.next();

    const plan = cp.createPlan({ planName: 'Gold', throttleLimitCount: 10, throttleLimitUnit: 'Min', stopOnQuotaReach: true });
    const planEvent = { type: 'subscriptionPlan.created', payload: { planId: plan.id, handle: 'gold', planName: 'Gold', stopOnQuotaReach: true, throttleLimitCount: 10, throttleLimitUnit: 'Min', status: 'ACTIVE' } };
    expect(await s.next()).toMatchObject(planEvent);
    expect(await o.next()).toMatchObject(planEvent);

    const sub = cp.createSubscription(api.artifactId, { subscriptionPlanId: plan.id });
    expect(await s.next()).toMatchObject({
      type: 'subscription.created',
      payload: { apiId: api.artifactId, subscriptionId: sub.id, subscriptionToken: sub.subscriptionToken, subscriptionPlanId: plan.id, status: 'ACTIVE' },
    });
    cp.updateSubscription(sub.id, { status: 'INACTIVE' });
    expect(await s.next()).toMatchObject({ type: 'subscription.updated', payload: { subscriptionId: sub.id, status: 'INACTIVE' } });
    cp.deleteSubscription(sub.id);
    const deleted = await s.next();
    expect(deleted.type).toBe('subscription.deleted');
    expect(sorted(deleted.payload)).toEqual(['apiId', 'subscriptionId', 'subscriptionToken']);

    cp.updatePlan(plan.id, { status: 'INACTIVE' });
    cp.deletePlan(plan.id);
    expect(await s.next()).toMatchObject({ type: 'subscriptionPlan.updated', payload: { planId: plan.id, status: 'INACTIVE' } });
    expect(await s.next()).toEqual(expect.objectContaining({ type: 'subscriptionPlan.deleted', payload: { planId: plan.id, handle: 'gold', planName: 'Gold' } }));
    // the other gateway saw the plan's events only
    expect([(await o.next()).type, (await o.next()).type]).toEqual(['subscriptionPlan.updated', 'subscriptionPlan.deleted']);
    expect(cp.events(other.id).map((e) => e.envelope.type)).toEqual(['subscriptionPlan.created', 'subscriptionPlan.updated', 'subscriptionPlan.deleted']);
  });

  it('delivers to every connection of a gateway and loses what is sent while it has none', async () => {
    const lost = cp.deploy(gw.id, PETSTORE);
    expect(cp.events(gw.id)).toEqual([expect.objectContaining({ deliveredTo: 0, envelope: expect.objectContaining({ type: 'api.deployed' }) })]);
    const a = await open();
    const b = await open();
    await a.next();
    await b.next();
    cp.undeploy(gw.id, lost.artifactId);
    expect((await a.next()).type).toBe('api.undeployed');
    expect((await b.next()).type).toBe('api.undeployed');
    expect(cp.events(gw.id).at(-1)!.deliveredTo).toBe(2);
  });

  it('drops the connections of one gateway without a close frame', async () => {
    const other = cp.registerGateway('other');
    const s = await open();
    const o = await open(other.token);
    await s.next();
    await o.next();
    expect(cp.dropConnections(gw.id)).toBe(1);
    expect((await s.closed).code).toBe(1006);
    expect(cp.connections().map((c) => c.gatewayId)).toEqual([other.id]);
  });

  it('applies a success ack (DEPLOYING → DEPLOYED) and discards a repeated one', async () => {
    const s = await open();
    await s.next();
    const d = cp.deploy(gw.id, PETSTORE);
    await s.next();
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'DEPLOYING', desired: 'DEPLOYED', gatewayId: gw.id, kind: 'RestApi' });
    const ack = { deploymentId: d.deploymentId, artifactId: d.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: d.performedAt };
    expect(await s.ack(cp, ack)).toMatchObject({ gatewayId: gw.id, outcome: 'applied', detail: 'DEPLOYED', payload: ack });
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'DEPLOYED' });
    expect(await s.ack(cp, ack)).toMatchObject({ outcome: 'discarded', detail: 'status is DEPLOYED, not DEPLOYING' });
    expect(cp.acks()).toHaveLength(2);
    expect(cp.violations()).toEqual([]);
  });

  it('discards a stale ack (an earlier performedAt) and keeps the newer deployment DEPLOYING', async () => {
    const s = await open();
    await s.next();
    const first = cp.deploy(gw.id, PETSTORE);
    const second = cp.deploy(gw.id, PETSTORE);
    const stale = { deploymentId: first.deploymentId, artifactId: first.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: first.performedAt };
    expect(await s.ack(cp, stale)).toMatchObject({ outcome: 'discarded', detail: expect.stringContaining('stale') });
    expect(cp.deploymentStatus(second.deploymentId)).toMatchObject({ status: 'DEPLOYING' });
    expect(cp.deploymentStatus(first.deploymentId)).toMatchObject({ status: 'ARCHIVED' });
    // Go marshals performedAt with nanoseconds and the sender's offset: the same instant still matches
    const at = new Date(second.performedAt);
    const goStyle = new Date(at.getTime() + 2 * 3600_000).toISOString().replace('Z', '000000+02:00');
    expect(await s.ack(cp, { ...stale, deploymentId: second.deploymentId, performedAt: goStyle })).toMatchObject({ outcome: 'applied' });
    expect(cp.deploymentStatus(second.deploymentId)).toMatchObject({ status: 'DEPLOYED' });
  });

  it('applies a failure ack over any status as FAILED with its error code; undeploy acks need UNDEPLOYING', async () => {
    const s = await open();
    await s.next();
    const d = cp.deploy(gw.id, LLM_PROVIDER);
    const base = { deploymentId: d.deploymentId, artifactId: d.artifactId, resourceType: 'llmprovider', performedAt: d.performedAt };
    expect(await s.ack(cp, { ...base, action: 'deploy', status: 'success' })).toMatchObject({ outcome: 'applied' });
    expect(await s.ack(cp, { ...base, action: 'deploy', status: 'failed', errorCode: 'GATEWAY_PROCESSING_ERROR' })).toMatchObject({ outcome: 'applied', detail: 'FAILED' });
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'FAILED', errorCode: 'GATEWAY_PROCESSING_ERROR' });

    const u = cp.undeploy(gw.id, d.artifactId);
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'UNDEPLOYING', desired: 'UNDEPLOYED', performedAt: u.performedAt });
    expect(await s.ack(cp, { ...base, action: 'undeploy', status: 'success' })).toMatchObject({ outcome: 'discarded' }); // the deploy's performedAt
    expect(await s.ack(cp, { ...base, performedAt: u.performedAt, action: 'undeploy', status: 'success' })).toMatchObject({ outcome: 'applied', detail: 'UNDEPLOYED' });
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'UNDEPLOYED' });
  });

  it("discards an ack for another gateway's deployment", async () => {
    const other = cp.registerGateway('other');
    const theirs = cp.deploy(other.id, PETSTORE);
    const s = await open();
    await s.next();
    const ack = { deploymentId: theirs.deploymentId, artifactId: theirs.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: theirs.performedAt };
    expect(await s.ack(cp, ack)).toMatchObject({ outcome: 'discarded', detail: 'no deployment of this artifact on this gateway' });
    expect(cp.deploymentStatus(theirs.deploymentId)).toMatchObject({ status: 'DEPLOYING' });
  });

  it('records a malformed ack, a mismatched resourceType and an unknown message as violations', async () => {
    const s = await open();
    await s.next();
    const d = cp.deploy(gw.id, MCP);
    await s.next();
    expect(await s.ack(cp, { deploymentId: d.deploymentId, artifactId: d.artifactId, action: 'deploy', status: 'done', performedAt: 'yesterday' })).toMatchObject({ outcome: 'invalid' });
    expect(cp.deploymentStatus(d.deploymentId)).toMatchObject({ status: 'DEPLOYING' });
    expect(await s.ack(cp, { deploymentId: d.deploymentId, artifactId: d.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: d.performedAt })).toMatchObject({ outcome: 'applied' });
    const problems = cp.violations().flatMap((v) => v.problems);
    expect(problems).toEqual([
      expect.stringContaining('/payload/resourceType'),
      expect.stringContaining('/payload/status'),
      expect.stringContaining('/payload/performedAt'),
      'deployment.ack /payload/resourceType: api for a Mcp (expected mcpproxy)',
    ]);
    const before = cp.violations().length;
    s.ws.send(JSON.stringify({ type: 'gateway.hello' }));
    // a round trip through the control plane: the hello was read before this ack
    await s.ack(cp, { deploymentId: d.deploymentId, artifactId: d.artifactId, resourceType: 'mcpproxy', action: 'deploy', status: 'success', performedAt: d.performedAt });
    expect(cp.violations().slice(before)).toEqual([{ method: 'WS', path: new URL(cp.wsUrl).pathname, problems: ['unknown message type "gateway.hello"'] }]);
  });
});
