/**
 * HTTPS side of the control plane emulator: well-known discovery, the internal REST API and the gateway
 * WebSocket on one TLS listener with a self-signed certificate made at start.
 * REST order of checks: injected fault → down (503) → route (a spec operation) → `api-key` → contract → operation.
 * WebSocket: injected fault → down (503) → `api-key`: the Platform API answers 401 before the upgrade, APIM 4.7
 * upgrades and then closes with 4401 (product-apim's behaviour) → `connection.ack`.
 */
import { EventEmitter } from 'node:events';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { FaultInjector, type FaultRule } from '../../common/faults.ts';
import { readBody } from '../../common/http-io.ts';
import { recordViolation, type ContractViolation } from '../../common/records.ts';
import { selfSignedCertificate } from '../../kube-api-server/tls.ts';
import type { Violation } from '../../openapi/index.ts';
import { closeNow, ConnectionHub } from './connections.ts';
import { ControlPlane } from './control-plane.ts';
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
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const latencyMs = opts.latencyMs ?? 0;
  const maxCalls = opts.maxCalls ?? 100_000;
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

  const record = (call: CallRecord): void => {
    calls.push(call);
    if (calls.length > maxCalls + 1024) calls.splice(0, calls.length - maxCalls);
  };

  const cert = selfSignedCertificate([urlHost.replace(/^\[|\]$/g, ''), 'localhost']);
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) writeAnswer(res, errorAnswer(500, (e as Error).message));
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  /** Sockets taken over by the upgrade handler: the HTTP server no longer closes them itself. */
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => upgrade(req, socket, head));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'https://emulator');
    const path = url.pathname;
    const fault = faults.take(method, path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.dropConnection) {
      record({ method, path, status: 0 });
      req.socket.destroy();
      return;
    }
    // the whole body first, whatever the answer: a client is never cut off mid-request
    const raw = await readBody(req, () => new Error('too large')).catch(() => undefined);
    let answer: RestAnswer;
    let gatewayId: string | undefined;
    if (fault?.status) {
      answer = { status: fault.status, json: fault.body ?? errorBody(fault.status, 'injected fault') };
    } else if (cp.down) {
      answer = errorAnswer(503, 'control plane down for a while');
    } else if (!raw) {
      answer = errorAnswer(413, 'Request body too large');
    } else {
      const served = await serve(req, method, path, url.searchParams, raw);
      answer = served.answer;
      gatewayId = served.gatewayId;
    }
    if (latencyMs > 0) await sleep(latencyMs);
    record({ method, path, status: answer.status, ...(gatewayId ? { gatewayId } : {}) });
    const headers: Record<string, string> = fault?.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
    writeAnswer(res, answer, headers);
  }

  async function serve(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    raw: Buffer,
  ): Promise<{ answer: RestAnswer; gatewayId?: string }> {
    if (path === WELL_KNOWN && method === 'GET') {
      // Only APIM answers discovery; the gateway falls back to the Platform API's paths on any failure.
      if (flavour === 'platform') return { answer: errorAnswer(404, 'Not Found') };
      return { answer: { status: 200, json: { gatewayPath: basePath.slice(1), controlPlane: { type: 'APIM', version: opts.apimVersion ?? '4.7.0' } } } };
    }
    if (path === wsPath) {
      const known = cp.gateways.authenticate(headerValue(req.headers['api-key']));
      return { answer: known ? errorAnswer(400, 'This endpoint only accepts WebSocket upgrades') : errorAnswer(401, 'Invalid or expired API key') };
    }
    const match = contract.matchRoute(method, path);
    if (!match) {
      offContract(method, path, contract.validateRequest({ method, path }).violations);
      return { answer: errorAnswer(404, `no operation matches ${method} ${path}`) };
    }
    const token = headerValue(req.headers['api-key']);
    if (!token) return { answer: errorAnswer(401, "API key is required. Provide 'api-key' header.") };
    const gateway = cp.gateways.authenticate(token);
    if (!gateway) return { answer: errorAnswer(401, 'Invalid or expired API key') };

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        offContract(method, path, [{ in: 'body', pointer: '', message: `body is not JSON: ${(e as Error).message}` }]);
        return { answer: errorAnswer(400, 'Invalid request body'), gatewayId: gateway.id };
      }
    }
    const result = contract.validateRequest({ method, path, query, headers: req.headers, body });
    if (result.violations.length) {
      const texts = offContract(method, path, result.violations);
      return { answer: errorAnswer(400, `Invalid request: ${texts.join(', ')}`), gatewayId: gateway.id };
    }
    const operation = OPERATIONS[match.operationId ?? ''];
    if (!operation) {
      const what = `${match.operationId} (${method} ${match.pathTemplate}) is not emulated`;
      violations.push({ method, path, problems: [what] });
      return { answer: errorAnswer(501, what), gatewayId: gateway.id };
    }
    const answer = await operation({ cp, gateway, pathParams: match.pathParams, query, headers: req.headers, body, manifests });
    return { answer, gatewayId: gateway.id };
  }

  const offContract = (method: string, path: string, problems: Violation[]): string[] => recordViolation(violations, method, path, problems);

  function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const path = new URL(req.url ?? '/', 'https://emulator').pathname;
    const fault = faults.take('GET', path);
    const refuse = (status: number, body: unknown): void => {
      record({ method: 'GET', path, status });
      activity.emit('refused', { status });
      refuseUpgrade(socket, status, body);
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${urlHost}:${port}`;

  return {
    flavour,
    url,
    host: `${urlHost}:${port}`,
    restBase: url + basePath,
    wsUrl: `wss://${urlHost}:${port}${wsPath}`,
    caPem: cert.certPem,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const errorBody = (status: number, description: string): unknown => (errorAnswer(status, description) as { json: unknown }).json;

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v) || undefined;

function writeAnswer(res: ServerResponse, answer: RestAnswer, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string> = { ...extraHeaders };
  let payload: Buffer | undefined;
  if ('binary' in answer) {
    payload = answer.binary;
    headers['content-type'] = answer.contentType;
    headers['content-disposition'] = `attachment; filename="${answer.filename}"`;
  } else if (answer.json !== undefined && answer.status !== 204) {
    payload = Buffer.from(JSON.stringify(answer.json));
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}

/** An HTTP answer instead of the 101, written on the raw socket (the upgrade bypasses the request handler). */
function refuseUpgrade(socket: Socket, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n` +
      'Connection: close\r\n\r\n' +
      payload,
  );
}
