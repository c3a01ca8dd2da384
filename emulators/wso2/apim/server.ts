/**
 * HTTPS side of the APIM 4.7 emulator: DCR (`/client-registration/v0.17`), the token endpoint (`/oauth2/token`)
 * and Publisher v4 (`/api/am/publisher/v4`) on one listener. Order of checks, as APIM's interceptors: injected
 * fault → route → body → contract (violations recorded) → authentication and scopes (401/403 win over 400) → 400
 * for a request outside the contract → the operation.
 */
import type { IncomingMessage } from 'node:http';
import { exchangeListener } from '../../common/exchange.ts';
import { FaultInjector } from '../../common/faults.ts';
import type { Answer } from '../../common/http-io.ts';
import { listen } from '../../common/listening.ts';
import { recordViolation, type CallRecord, type ContractViolation } from '../../common/records.ts';
import { describeViolation, type Violation } from '../../openapi/index.ts';
import { ApiStore, DEFAULT_ENVIRONMENTS } from './apis-store.ts';
import { ClientRegistry } from './clients.ts';
import { registerClient } from './dcr.ts';
import { ApimError, badRequest, faultError, notImplemented, OAuthError, resourceNotFound, unauthorized } from './errors.ts';
import { parseMultipart, validatedForm } from './multipart.ts';
import { platformGatewayNotifier } from './platform-gateways.ts';
import { PUBLISHER_OPERATIONS } from './publisher.ts';
import { authorizeCall } from './publisher-auth.ts';
import { NotEmulated } from './publisher-request.ts';
import { apimContracts } from './specs.ts';
import { apiState, createForeignApi, subscribe } from './state-api.ts';
import { issueToken } from './token-endpoint.ts';
import { TokenStore } from './tokens.ts';
import type { Wso2ApimEmulator, Wso2ApimOptions } from './types.ts';
import { UserStore } from './users.ts';

type Area = 'dcr' | 'token' | 'publisher' | 'apim' | 'other';

const PUBLISHER_BASE = '/api/am/publisher/v4';

function areaOf(path: string): Area {
  if (path.startsWith('/client-registration/')) return 'dcr';
  if (path === '/oauth2/token' || path.startsWith('/oauth2/')) return 'token';
  if (path === PUBLISHER_BASE || path.startsWith(PUBLISHER_BASE + '/')) return 'publisher';
  if (path.startsWith('/api/am/')) return 'apim';
  return 'other';
}

export async function startWso2Apim(opts: Wso2ApimOptions = {}): Promise<Wso2ApimEmulator> {
  const contracts = apimContracts(opts.specsDir);
  const clock = opts.clock ?? Date.now;
  const admin = opts.admin ?? { username: 'admin', password: 'admin' };
  const users = new UserStore(admin, opts.users ?? [], contracts.knownScopes);
  const clients = new ClientRegistry();
  const tokens = new TokenStore(clock, {
    accessSeconds: opts.tokenLifetimeSeconds ?? 3600,
    refreshSeconds: opts.refreshTokenLifetimeSeconds ?? 86_400,
  });
  // With the control plane beside it, what an environment of a registered platform gateway runs is announced to it.
  const notifier = opts.controlPlane ? platformGatewayNotifier(opts.controlPlane) : undefined;
  const newStore = () => new ApiStore(clock, opts.maxRevisions ?? 5, opts.environments ?? DEFAULT_ENVIRONMENTS, notifier);
  let store = newStore();
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];
  const offContract = (method: string, path: string, problems: Violation[]) => {
    if (problems.length) recordViolation(violations, method, path, problems);
  };

  const requestListener = exchangeListener({
    faults,
    calls,
    maxCalls: opts.maxCalls,
    latencyMs: opts.latencyMs,
    tooLarge: () => new ApimError(413, 413, 'Request Entity Too Large', 'Request entity too large'),
    faultBody: (status, r) => faultBody(areaOf(r.path), status),
    answer: (r) => answerApim(r.req, areaOf(r.path), r.method, r.path, r.url.searchParams, r.body),
    errorAnswer: (e, r) => errorAnswer(areaOf(r.path), e),
    handOver: (path) => (areaOf(path) === 'other' ? opts.fallback?.request : undefined),
  });

  async function answerApim(req: IncomingMessage, area: Area, method: string, path: string, query: URLSearchParams, body: Promise<Buffer>): Promise<Answer> {
    const raw = await body;
    switch (area) {
      case 'token':
        return answerToken(req, method, path, query, raw);
      case 'dcr':
        return answerDcr(req, method, path, query, raw);
      case 'publisher':
        return answerPublisher(req, method, path, query, raw);
      default:
        offContract(method, path, [{ in: 'route', pointer: '', message: `no APIM REST API the emulator serves is mounted at ${path}` }]);
        throw resourceNotFound();
    }
  }

  function answerToken(req: IncomingMessage, method: string, path: string, query: URLSearchParams, raw: Buffer): Answer {
    const form = mediaType(req) === 'application/x-www-form-urlencoded' ? Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) : undefined;
    const body = raw.length ? (form ?? raw.toString('utf8')) : undefined;
    const { violations: problems } = contracts.token.validateRequest({ method, path, query, headers: req.headers, body });
    offContract(method, path, problems);
    if (!form) throw new OAuthError(400, 'invalid_request', problems.map(describeViolation).join('; ') || 'The token request must be application/x-www-form-urlencoded');
    const knownGrant = ['client_credentials', 'password', 'refresh_token'].includes(form.grant_type ?? '');
    if (problems.length && knownGrant) throw new OAuthError(400, 'invalid_request', problems.map(describeViolation).join('; '));
    return issueToken({ users, clients, tokens }, form, req.headers.authorization);
  }

  function answerDcr(req: IncomingMessage, method: string, path: string, query: URLSearchParams, raw: Buffer): Answer {
    const parsed = parseJsonBody(req, raw);
    const { violations: found } = contracts.dcr.validateRequest({ method, path, query, headers: req.headers, body: parsed.body });
    const problems = [...parsed.problems, ...found];
    offContract(method, path, problems);
    if (!contracts.dcr.matchRoute(method, path)) throw resourceNotFound();
    if (!users.authenticateBasic(req.headers.authorization)) throw unauthorized();
    if (problems.length) throw invalidRequest(problems);
    return registerClient({ users, clients }, req.headers.authorization, (parsed.body ?? {}) as Record<string, unknown>);
  }

  async function answerPublisher(req: IncomingMessage, method: string, path: string, query: URLSearchParams, raw: Buffer): Promise<Answer> {
    const match = contracts.publisher.matchRoute(method, path);
    if (!match) {
      offContract(method, path, contracts.publisher.validateRequest({ method, path }).violations);
      throw resourceNotFound();
    }
    let body: unknown;
    let validated: unknown;
    let files: Record<string, Uint8Array> = {};
    const problems: Violation[] = [];
    if (mediaType(req) === 'multipart/form-data' && raw.length) {
      const multipart = await parseMultipart(raw, String(req.headers['content-type']));
      if (multipart instanceof Error) problems.push({ in: 'body', pointer: '', message: multipart.message });
      else {
        body = multipart.fields;
        files = multipart.files;
        validated = validatedForm(multipart);
      }
    } else {
      const parsed = parseJsonBody(req, raw);
      problems.push(...parsed.problems);
      body = validated = parsed.body;
    }
    problems.push(...contracts.publisher.validateRequest({ method, path, query, headers: req.headers, body: validated }).violations);
    offContract(method, path, problems);
    const caller = authorizeCall(tokens, req.headers.authorization, contracts.publisherScopes.get(match.operationId ?? '') ?? []);
    if (problems.length) throw invalidRequest(problems);
    const handler = PUBLISHER_OPERATIONS[match.operationId ?? ''];
    const what = `Publisher operation ${match.operationId ?? `${method} ${match.pathTemplate}`} is not emulated`;
    if (!handler) {
      offContract(method, path, [{ in: 'route', pointer: '', message: what }]);
      throw notImplemented(what);
    }
    try {
      return handler({
        store,
        contracts,
        caller,
        params: match.pathParams,
        query,
        headers: req.headers,
        body,
        files,
        offContract: (found) => offContract(method, path, found),
      });
    } catch (e) {
      if (!(e instanceof NotEmulated)) throw e;
      offContract(method, path, [{ in: 'query', pointer: '', message: e.message }]);
      throw notImplemented(e.message);
    }
  }

  const listening = await listen(requestListener, { host: opts.host, port: opts.port, tls: true });
  listening.server.on('upgrade', (req, socket, head) => {
    if (opts.fallback?.upgrade && areaOf(new URL(req.url ?? '/', 'https://emulator').pathname) === 'other') opts.fallback.upgrade(req, socket, head);
    else socket.destroy();
  });

  return {
    url: listening.url,
    caPem: listening.caPem!,
    admin: { ...admin },
    requestListener,
    faults: { inject: (rule) => faults.inject(rule), clear: () => faults.clear() },
    calls,
    violations: () => violations.map((v) => ({ ...v, problems: [...v.problems] })),
    apis: () => store.all().map(apiState),
    api: (id) => {
      const stored = store.get(id);
      return stored && apiState(stored);
    },
    createApi: (input) => createForeignApi(store, input),
    subscribe: (apiId, count = 1) => subscribe(store, apiId, count),
    addEnvironment: (environment) => store.addEnvironment(environment),
    environments: () => store.environmentNames().map((name) => structuredClone(store.environment(name)!)),
    registerClient: (registration) => ({ ...clients.register(registration) }),
    clients: () => clients.all(),
    revokeToken: (token) => tokens.revoke(token),
    reset() {
      store = newStore();
      clients.clear();
      tokens.clear();
      faults.clear();
      violations.length = 0;
      calls.length = 0;
    },
    close: listening.close,
  };
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A JSON body (the REST APIs' media type), or the raw text for the validator to refuse its media type. */
function parseJsonBody(req: IncomingMessage, raw: Buffer): { body: unknown; problems: Violation[] } {
  if (raw.length === 0) return { body: undefined, problems: [] };
  const text = raw.toString('utf8');
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) return { body: text, problems: [] };
  try {
    return { body: JSON.parse(text) as unknown, problems: [] };
  } catch {
    return { body: undefined, problems: [{ in: 'body', pointer: '', message: 'request body is not valid JSON' }] };
  }
}

function invalidRequest(problems: Violation[]): ApimError {
  return badRequest(
    `Invalid request: ${problems.map(describeViolation).join(', ')}`,
    problems.map((p) => ({ code: '400', message: describeViolation(p) })),
  );
}

function errorAnswer(area: Area, e: unknown): Answer {
  if (e instanceof OAuthError) return { status: e.status, body: e.body(), headers: { 'cache-control': 'no-store', pragma: 'no-cache' } };
  const error = e instanceof ApimError ? e : new ApimError(500, 900967, 'General Error', `Server Error Occurred: ${(e as Error).message}`);
  if (area === 'token') return { status: error.status, body: new OAuthError(error.status, 'server_error', error.description).body() };
  return { status: error.status, body: error.body() };
}

function faultBody(area: Area, status: number): unknown {
  if (area !== 'token') return faultError(status).body();
  const error = status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request';
  return { error_description: `Injected fault (${status})`, error };
}
