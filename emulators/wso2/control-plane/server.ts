/**
 * HTTPS side of the control plane emulator: well-known discovery, the internal REST API and the gateway
 * WebSocket on one listener.
 * REST order of checks: injected fault → down (503) → route (a spec operation) → `api-key` → contract → operation.
 * WebSocket: injected fault → down (503) → `api-key`: the Platform API answers 401 before the upgrade, APIM 4.7
 * upgrades and then closes with 4401 (product-apim's behaviour) → `connection.ack`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { exchangeListener } from '../../common/exchange.ts';
import { FaultInjector, type FaultRule } from '../../common/faults.ts';
import { refuseUpgrade, send } from '../../common/http-io.ts';
import { listen } from '../../common/listening.ts';
import { recordCall, recordViolation, type ContractViolation } from '../../common/records.ts';
import type { MatchedOperation, Violation } from '../../openapi/index.ts';
import { closeNow, ConnectionHub } from './connections.ts';
import { ControlPlane } from './control-plane.ts';
import type { Gateway } from './gateways.ts';
import { errorAnswer, OPERATIONS, type RestAnswer } from './rest.ts';
import { internalApiContract } from './specs.ts';
import type { CallRecord, ControlPlaneEmulator, ControlPlaneEmulatorOptions, ManifestRecord } from './types.ts';

const WELL_KNOWN = '/internal/gateway/.well-known';
const BASE_PATHS = { apim: '/internal/data/v1', platform: '/api/internal/v1' } as const;
/** platform-api's cap on one event (`MaxEventPayloadSize`); also the largest message accepted from a gateway. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startControlPlaneEmulator(opts: ControlPlaneEmulatorOptions): Promise<ControlPlaneEmulator> {
  const flavour = opts.flavour;
  const basePath = BASE_PATHS[flavour];
  const wsPath = `${basePath}/ws/gateways/connect`;
  const contract = internalApiContract(basePath, opts.specsDir);
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];
  const manifests: ManifestRecord[] = [];
  const activity = new EventEmitter();

  const hub = new ConnectionHub({
    pingIntervalMs: opts.pingIntervalMs ?? 20_000,
    pongTimeoutMs: opts.pongTimeoutMs ?? 30_000,
    activity,
    onMessage: (connection, text) => cp.receive(connection, text),
  });
  const cp = new ControlPlane(hub, activity, (problems) => violations.push({ method: 'WS', path: wsPath, problems }));

  const listening = await listen(
    exchangeListener<RestAnswer, CallRecord>({
      faults,
      calls,
      maxCalls: opts.maxCalls,
      latencyMs: opts.latencyMs,
      tooLarge: () => new Error('too large'),
      faultBody: (status) => errorBody(status, 'injected fault'),
      async answer(r) {
        // the whole body first, whatever the answer: a client is never cut off mid-request
        const raw = await r.body.catch(() => undefined);
        if (cp.down) return errorAnswer(503, 'control plane down for a while');
        if (!raw) return errorAnswer(413, 'Request body too large');
        return serve(r.req, r.method, r.path, r.url.searchParams, raw);
      },
      errorAnswer: (e) => errorAnswer(500, (e as Error).message),
      callDetails: (_, answer) => (answer?.gatewayId ? { gatewayId: answer.gatewayId } : {}),
      send: sendAnswer,
    }),
    { host: opts.host, port: opts.port, tls: true },
  );
  const { url, host } = listening;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  /** Sockets taken over by the upgrade handler: the HTTP server no longer closes them itself. */
  const upgraded = new Set<Socket>();
  listening.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => upgrade(req, socket, head));

  async function serve(req: IncomingMessage, method: string, path: string, query: URLSearchParams, raw: Buffer): Promise<RestAnswer> {
    if (path === WELL_KNOWN && method === 'GET') {
      // Only APIM answers discovery; the gateway falls back to the Platform API's paths on any failure.
      if (flavour === 'platform') return errorAnswer(404, 'Not Found');
      return { status: 200, body: { gatewayPath: basePath.slice(1), controlPlane: { type: 'APIM', version: opts.apimVersion ?? '4.7.0' } } };
    }
    if (path === wsPath) {
      const known = cp.gateways.authenticate(headerValue(req.headers['api-key']));
      return known ? errorAnswer(400, 'This endpoint only accepts WebSocket upgrades') : errorAnswer(401, 'Invalid or expired API key');
    }
    const match = contract.matchRoute(method, path);
    if (!match) {
      offContract(method, path, contract.validateRequest({ method, path }).violations);
      return errorAnswer(404, `no operation matches ${method} ${path}`);
    }
    const token = headerValue(req.headers['api-key']);
    if (!token) return errorAnswer(401, "API key is required. Provide 'api-key' header.");
    const gateway = cp.gateways.authenticate(token);
    if (!gateway) return errorAnswer(401, 'Invalid or expired API key');
    return { ...(await serveGateway(req, method, path, query, raw, gateway, match)), gatewayId: gateway.id };
  }

  /** An authenticated gateway's call of a spec operation. */
  async function serveGateway(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
    gateway: Gateway,
    match: MatchedOperation,
  ): Promise<RestAnswer> {
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        offContract(method, path, [{ in: 'body', pointer: '', message: `body is not JSON: ${(e as Error).message}` }]);
        return errorAnswer(400, 'Invalid request body');
      }
    }
    const result = contract.validateRequest({ method, path, query, headers: req.headers, body });
    if (result.violations.length) {
      const texts = offContract(method, path, result.violations);
      return errorAnswer(400, `Invalid request: ${texts.join(', ')}`);
    }
    const operation = OPERATIONS[match.operationId ?? ''];
    if (!operation) {
      const what = `${match.operationId} (${method} ${match.pathTemplate}) is not emulated`;
      recordViolation(violations, method, path, [what]);
      return errorAnswer(501, what);
    }
    return operation({ cp, gateway, pathParams: match.pathParams, query, headers: req.headers, body, manifests });
  }

  const offContract = (method: string, path: string, problems: Violation[]): string[] => recordViolation(violations, method, path, problems);

  function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const path = new URL(req.url ?? '/', 'https://emulator').pathname;
    const fault = faults.take('GET', path);
    const record = (call: CallRecord) => recordCall(calls, call, opts.maxCalls ?? 100_000);
    const refuse = (status: number, body: unknown): void => {
      record({ method: 'GET', path, status });
      activity.emit('refused', { status });
      refuseUpgrade(socket, status, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(body));
    };
    socket.on('error', () => socket.destroy());
    if (fault?.dropConnection) {
      record({ method: 'GET', path, status: 0 });
      socket.destroy();
      return;
    }
    if (fault?.status) return refuse(fault.status, fault.body ?? errorBody(fault.status, 'injected fault'));
    if (path !== wsPath) return refuse(404, errorBody(404, `no WebSocket endpoint at ${path}`));
    if (cp.down) return refuse(503, errorBody(503, 'control plane down for a while'));
    const gateway = cp.gateways.authenticate(headerValue(req.headers['api-key']));
    if (!gateway && flavour === 'platform') return refuse(401, errorBody(401, 'Unauthorized'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      record({ method: 'GET', path, status: 101, ...(gateway ? { gatewayId: gateway.id } : {}) });
      if (!gateway) {
        activity.emit('refused', { closeCode: 4401 });
        closeNow(ws, 4401, 'Unauthorized');
        return;
      }
      hub.attach(ws, gateway.id);
    });
  }

  return {
    flavour,
    url,
    host,
    restBase: url + basePath,
    wsUrl: `wss://${host}${wsPath}`,
    caPem: listening.caPem!,
    registerGateway: (name, token) => cp.gateways.register(name, token),
    gateways: () => cp.gateways.all().map((g) => ({ id: g.id, name: g.name })),
    regenerateToken: (gatewayId) => cp.gateways.regenerateToken(gatewayId),
    revokeToken: (token) => void cp.gateways.revokeToken(token),
    deploy: (gatewayId, artifact, options) => cp.deploy(gatewayId, artifact as Record<string, unknown> | string, options),
    undeploy: (gatewayId, artifactId) => cp.undeploy(gatewayId, artifactId),
    removeDeployment: (gatewayId, artifactId) => cp.removeDeployment(gatewayId, artifactId),
    delete: (artifactId) => cp.delete(artifactId),
    hasArtifact: (artifactId) => cp.deployments.artifact(artifactId) !== undefined,
    createApiKey: (artifactId, input) => cp.createApiKey(artifactId, input),
    updateApiKey: (artifactId, name, input) => cp.updateApiKey(artifactId, name, input),
    revokeApiKey: (artifactId, name, userId) => cp.revokeApiKey(artifactId, name, userId),
    createSubscription: (apiId, input) => cp.createSubscription(apiId, input),
    updateSubscription: (id, patch) => cp.updateSubscription(id, patch),
    deleteSubscription: (id) => cp.deleteSubscription(id),
    createPlan: (input) => cp.createPlan(input),
    updatePlan: (id, patch) => cp.updatePlan(id, patch),
    deletePlan: (id) => cp.deletePlan(id),
    dropConnections: (gatewayId) => hub.drop(gatewayId),
    stopPinging: () => hub.stopPinging(),
    resumePinging: () => hub.resumePinging(),
    setDown(down) {
      cp.down = down;
      // an outage takes the live connections with it, without a close frame
      if (down) hub.drop();
    },
    connections: (gatewayId) => hub.list(gatewayId),
    acks: () => [...cp.ackLog],
    events: (gatewayId) => cp.eventLog.filter((e) => !gatewayId || e.gatewayId === gatewayId),
    deploymentStatus: (deploymentId) => cp.deploymentStatus(deploymentId),
    manifests: () => [...manifests],
    activity,
    calls,
    violations: () => [...violations],
    faults: { inject: (rule: FaultRule) => faults.inject(rule), clear: () => faults.clear() },
    async close() {
      hub.drop();
      wss.close();
      for (const socket of upgraded) socket.destroy();
      await listening.close();
    },
  };
}

const errorBody = (status: number, description: string): unknown => errorAnswer(status, description).body;

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v) || undefined;

/** Gin's answers: JSON with its charset. */
function sendAnswer(res: ServerResponse, answer: RestAnswer): void {
  const json = answer.body !== undefined && !(answer.body instanceof Uint8Array);
  send(res, json ? { ...answer, headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers } } : answer);
}
