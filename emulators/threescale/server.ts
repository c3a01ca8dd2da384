/**
 * HTTP side of the 3scale emulator: one listener for the master portal and one per tenant admin portal.
 * Order of checks: injected fault → route (spec operation) → access token → contract → handler.
 */
import type { IncomingMessage } from 'node:http';
import { exchangeListener, type EmulatedRequest } from '../common/exchange.ts';
import { FaultInjector } from '../common/faults.ts';
import type { Answer } from '../common/http-io.ts';
import { listen, type Listening } from '../common/listening.ts';
import { recordViolation } from '../common/records.ts';
import type { Violation } from '../openapi/index.ts';
import { authorizeAdmin, authorizeMaster, presentedToken } from './auth.ts';
import { accessDenied, badRequest, notFound, ThreescaleError } from './errors.ts';
import type { Ctx } from './handler.ts';
import { FORM, formFields, parseRawBody, type Params, type RawBody } from './params.ts';
import { ROUTES } from './routes.ts';
import { operationKey, servedSpecs, type OperationInfo, type ServedSpec } from './specs.ts';
import { createStateApi } from './state-api.ts';
import { World, type Tenant } from './store.ts';
import { createMaster, createTenant } from './tenants.ts';
import type { CallRecord, ContractViolation, ThreescaleEmulator, ThreescaleEmulatorOptions } from './types.ts';

export async function startThreescaleEmulator(opts: ThreescaleEmulatorOptions = {}): Promise<ThreescaleEmulator> {
  const specs = servedSpecs(opts.specsDir);
  const masterToken = opts.masterToken ?? 'master-token';
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];
  const listeners: Listening[] = [];

  /** Which tenant's admin portal (or the master's) a request reached: the port it came in on (looked up once per request). */
  const portals = new WeakMap<EmulatedRequest, { tenant: Tenant | undefined; isMaster: boolean }>();
  const portalOf = (r: EmulatedRequest) => {
    let portal = portals.get(r);
    if (!portal) {
      portal = r.localPort === masterPortal.port ? { tenant: world.master, isMaster: true } : { tenant: world.tenantByPort(r.localPort), isMaster: false };
      portals.set(r, portal);
    }
    return portal;
  };
  const listener = exchangeListener<Answer, CallRecord>({
    faults,
    calls,
    maxCalls: opts.maxCalls,
    latencyMs: opts.latencyMs,
    tooLarge: () => new ThreescaleError(413, { error: 'Request entity too large' }),
    faultBody,
    answer(r) {
      const { tenant, isMaster } = portalOf(r);
      return answer3scale(r.req, r.body, r.method, r.path, r.url.searchParams, tenant, isMaster);
    },
    errorAnswer(e) {
      const error = e instanceof ThreescaleError ? e : new ThreescaleError(500, { error: (e as Error).message });
      return { status: error.status, body: error.body };
    },
    callDetails(r) {
      const { tenant, isMaster } = portalOf(r);
      return { tenant: isMaster ? undefined : tenant?.name };
    },
  });
  async function open(port: number): Promise<Listening> {
    const listening = await listen(listener, { host: opts.host, port });
    listeners.push(listening);
    return listening;
  }

  const masterPortal = await open(opts.port ?? 0);
  const initialTenants: { name: string; adminToken: string; port: number; url: string }[] = [];
  for (const t of opts.tenants ?? []) {
    const { port, url } = await open(0);
    initialTenants.push({ ...t, port, url });
  }

  let world = newWorld();
  function newWorld(): World {
    const w = new World((self) => createMaster(self, masterPortal.url, masterToken));
    w.openPortal = () => open(0);
    for (const t of initialTenants) createTenant(w, t);
    return w;
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
    const body = formFields(raw);
    const token = presentedToken(query, body, req.headers.authorization);
    if (masterApi) authorizeMaster(masterToken, token);
    else authorizeAdmin(tenant, token, method, path);

    const result = served.contract.validateRequest({ method, path, ...railsRequest(op, query, raw, token, req.headers) });
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
    close: () => Promise.all(listeners.map((l) => l.close())).then(() => undefined),
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
 * Basic when absent (porta accepts either; the specs only document the parameter), and query and form
 * merged, then placed where the operation documents its parameters (form body, else query). The body's
 * media type is the request's own: a body that is no form (JSON, text, no Content-Type) where the operation
 * takes a form, or any body where it takes none, is left for the contract to refuse.
 */
function railsRequest(op: OperationInfo, query: URLSearchParams, raw: RawBody, token: string | undefined, headers: IncomingMessage['headers']) {
  const withToken = (params: Params): Params =>
    token !== undefined && params.access_token === undefined ? { ...params, access_token: token } : params;
  if (op.hasBody) {
    if (raw.kind === 'other') return { query, headers, body: raw.text };
    const form: Params = {};
    for (const [k, v] of query) if (!op.queryParams.has(k) && op.bodyProps.has(k)) form[k] = v;
    // parameters sent in the query string alone still reach the documented form, as porta merges them
    return { query, headers: { ...headers, 'content-type': FORM }, body: withToken({ ...form, ...formFields(raw) }) };
  }
  const withTokenQuery = new URLSearchParams(query);
  if (token !== undefined && !withTokenQuery.has('access_token')) withTokenQuery.set('access_token', token);
  return { query: withTokenQuery, headers, body: raw.kind === 'none' ? undefined : raw.kind === 'form' ? raw.fields : raw.text };
}


function faultBody(status: number): unknown {
  if (status === 404) return { status: 'Not found' };
  if (status === 403) return { error: 'Access denied' };
  if (status === 409) return '';
  if (status === 422) return { errors: { base: ['injected fault'] } };
  return { error: `injected fault (${status})` };
}
