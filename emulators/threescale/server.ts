/**
 * HTTP side of the 3scale emulator: one listener for the master portal and one per tenant admin portal.
 * Order of checks: injected fault → route (spec operation) → access token → contract → handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultInjector } from '../common/faults.ts';
import { recordViolation } from '../common/records.ts';
import type { Violation } from '../openapi/index.ts';
import { authorizeAdmin, authorizeMaster, presentedToken } from './auth.ts';
import { accessDenied, badRequest, notFound, ThreescaleError } from './errors.ts';
import type { Ctx } from './handler.ts';
import { drain, readBody, send, type Answer } from './http-io.ts';
import { bodyParams, parseRawBody, type Params } from './params.ts';
import { ROUTES } from './routes.ts';
import { operationKey, servedSpecs, type OperationInfo, type ServedSpec } from './specs.ts';
import { createStateApi } from './state-api.ts';
import { World, type Tenant } from './store.ts';
import { createMaster, createTenant } from './tenants.ts';
import type { CallRecord, ContractViolation, ThreescaleEmulator, ThreescaleEmulatorOptions } from './types.ts';

export async function startThreescaleEmulator(opts: ThreescaleEmulatorOptions = {}): Promise<ThreescaleEmulator> {
  const specs = servedSpecs(opts.specsDir);
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const masterToken = opts.masterToken ?? 'master-token';
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];
  const maxCalls = opts.maxCalls ?? 100_000;
  const latencyMs = opts.latencyMs ?? 0;
  const servers: Server[] = [];

  /** Opens a listener; `portal` tells which tenant (or the master) a request reached. */
  async function listen(port: number): Promise<{ port: number; url: string }> {
    const server = createServer((req, res) => {
      handle(req, res, (req.socket.localPort ?? 0)).catch((e: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { error: String(e) } });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
    const actual = (server.address() as AddressInfo).port;
    return { port: actual, url: `http://${urlHost}:${actual}` };
  }

  const masterPortal = await listen(opts.port ?? 0);
  const initialTenants: { name: string; adminToken: string; port: number; url: string }[] = [];
  for (const t of opts.tenants ?? []) initialTenants.push({ ...t, ...(await listen(0)) });

  let world = newWorld();
  function newWorld(): World {
    const w = new World((self) => createMaster(self, masterPortal.url, masterToken));
    w.openPortal = () => listen(0);
    for (const t of initialTenants) createTenant(w, t);
    return w;
  }

  const record = (call: CallRecord) => {
    calls.push(call);
    if (calls.length > maxCalls + 1024) calls.splice(0, calls.length - maxCalls);
  };

  async function handle(req: IncomingMessage, res: ServerResponse, localPort: number): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    const isMaster = localPort === masterPortal.port;
    const tenant = isMaster ? world.master : world.tenantByPort(localPort);
    const tenantName = isMaster ? undefined : tenant?.name;

    const fault = faults.take(method, path);
    // Read before any delay: a slow answer is still carried out, as by porta when the client has given up waiting.
    const body = fault?.status || fault?.dropConnection ? undefined : readBody(req);
    body?.catch(() => {});
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.dropConnection) {
      record({ method, path, status: 0, tenant: tenantName });
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    if (fault?.status) {
      await drain(req);
      answer = {
        status: fault.status,
        body: fault.body ?? faultBody(fault.status),
        headers: fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined,
      };
    } else {
      try {
        answer = await answer3scale(req, body!, method, path, url.searchParams, tenant, isMaster);
      } catch (e) {
        const error = e instanceof ThreescaleError ? e : new ThreescaleError(500, { error: (e as Error).message });
        answer = { status: error.status, body: error.body };
      }
    }
    if (latencyMs > 0) await sleep(latencyMs);
    record({ method, path, status: answer.status, tenant: tenantName });
    send(res, answer);
  }

  async function answer3scale(
    req: IncomingMessage,
    rawBody: Promise<Buffer>,
    method: string,
    path: string,
    query: URLSearchParams,
    tenant: Tenant | undefined,
    isMaster: boolean,
  ): Promise<Answer> {
    const raw = parseRawBody(await rawBody, req.headers['content-type']);
    // a portal of a tenant removed by reset() or purged after its deletion period
    if (!tenant) throw notFound();
    const masterApi = path.startsWith('/master/api/');
    if (masterApi && !isMaster) throw notFound();
    // a tenant scheduled for deletion (or suspended) has no admin portal any more
    if (!isMaster && tenant.account.state !== 'approved') throw accessDenied();

    const served = specFor(specs, path);
    const match = served.contract.matchRoute(method, path);
    if (!match) {
      const problems = served.contract.validateRequest({ method, path }).violations;
      throw offContract(method, path, problems);
    }
    const op = served.operations.get(operationKey(match.method, match.pathTemplate))!;
    if (raw.kind === 'invalid') throw offContract(method, path, [{ in: 'body', pointer: '', message: raw.message }]);
    const body = bodyParams(raw, op);
    const token = presentedToken(query, body, req.headers.authorization);
    if (masterApi) authorizeMaster(masterToken, token);
    else authorizeAdmin(tenant, token, method, path);

    const toValidate = railsRequest(op, query, body, token);
    const result = served.contract.validateRequest({ method, path, headers: req.headers, ...toValidate });
    if (result.violations.length) throw offContract(method, path, result.violations);
    if (!path.endsWith('.json')) {
      const what = `${method} ${path}: only the .json format is emulated`;
      violations.push({ method, path, problems: [what] });
      return { status: 406, body: { error: what } };
    }
    const handler = ROUTES[op.key];
    if (!handler) {
      const what = `${op.key} is not emulated`;
      violations.push({ method, path, problems: [what] });
      return { status: 501, body: { error: what } };
    }
    const params: Params = {};
    for (const [k, v] of query) params[k] = v;
    Object.assign(params, body);
    delete params.access_token;
    const ctx: Ctx = { world, tenant, master: isMaster, path: match.pathParams, params };
    return handler(ctx);
  }

  function offContract(method: string, path: string, problems: Violation[]): ThreescaleError {
    const texts = recordViolation(violations, method, path, problems);
    return badRequest(`Invalid request: ${texts.join(', ')}`);
  }

  const stateApi = createStateApi(() => world);

  return {
    url: masterPortal.url,
    adminUrl(name: string): string {
      const t = world.tenants.get(name);
      if (!t) throw new Error(`unknown tenant ${name}`);
      return t.url;
    },
    faults: { inject: (rule) => faults.inject(rule), clear: () => faults.clear() },
    violations,
    calls,
    state: stateApi,
    reset() {
      world = newWorld();
      faults.clear();
      violations.length = 0;
      calls.length = 0;
    },
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve, reject) => {
              server.close((e) => (e ? reject(e) : resolve()));
              server.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}

/** The spec a path belongs to (they do not overlap). */
function specFor(specs: ServedSpec[], path: string): ServedSpec {
  if (path.startsWith('/master/api/')) return specs[1]!;
  if (path.startsWith('/admin/api/registry/')) return specs[2]!;
  return specs[0]!;
}

/**
 * The request as porta's parameter handling sees it, for validation: `access_token` supplied from HTTP
 * Basic when absent (porta accepts either; the specs only document the parameter), and query and body
 * merged, then placed where the operation documents its parameters (form body, else query).
 */
function railsRequest(op: OperationInfo, query: URLSearchParams, body: Params, token: string | undefined) {
  const withToken = (params: Params): Params =>
    token !== undefined && params.access_token === undefined ? { ...params, access_token: token } : params;
  if (op.hasBody) {
    const form: Params = {};
    for (const [k, v] of query) if (!op.queryParams.has(k) && op.bodyProps.has(k)) form[k] = v;
    return {
      query,
      body: withToken({ ...form, ...body }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  const merged = new URLSearchParams(query);
  for (const [k, v] of Object.entries(withToken(body))) if (!merged.has(k) && v !== null) merged.set(k, v);
  return { query: merged, body: undefined };
}

function faultBody(status: number): unknown {
  if (status === 404) return { status: 'Not found' };
  if (status === 403) return { error: 'Access denied' };
  if (status === 409) return '';
  if (status === 422) return { errors: { base: ['injected fault'] } };
  return { error: `injected fault (${status})` };
}
