/** HTTP server of the Gravitee APIM emulator: faults, auth, contract validation, routing to handlers. */
import { exchangeListener, type EmulatedRequest } from '../common/exchange.ts';
import { FaultInjector } from '../common/faults.ts';
import type { Answer } from '../common/http-io.ts';
import { listen } from '../common/listening.ts';
import { recordViolation } from '../common/records.ts';
import type { Violation } from '../openapi/index.ts';
import { CredentialStore, DEFAULT_USERS } from './auth.ts';
import { servedContracts } from './contracts.ts';
import {
  ApimError,
  environmentNotFound,
  errorBody,
  faultError,
  organizationNotFound,
  unauthorized,
  type ApiArea,
} from './errors.ts';
import { parseBody } from './request-body.ts';
import { Router, type Routed } from './routing.ts';
import { createStateApi } from './state-api.ts';
import { StateStore } from './store.ts';
import type { CallRecord, ContractViolation, GraviteeEmulator, GraviteeEmulatorOptions } from './types.ts';

export async function startGraviteeEmulator(opts: GraviteeEmulatorOptions = {}): Promise<GraviteeEmulator> {
  const organizations = opts.organizations ?? { DEFAULT: ['DEFAULT'] };
  const initialCredentials = { users: opts.users ?? DEFAULT_USERS, tokens: opts.tokens ?? [] };
  const credentials = new CredentialStore(initialCredentials);
  const faults = new FaultInjector();
  const store = new StateStore();
  const router = new Router(servedContracts(opts.specsDir), opts.pathPrefixes ?? []);
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];

  const listening = await listen(
    exchangeListener({
      faults,
      calls,
      maxCalls: opts.maxCalls,
      latencyMs: opts.latencyMs,
      tooLarge: () => new ApimError(413, 'Request entity too large', 'payload.tooLarge'),
      faultBody: (status, r) => errorBody(areaOfPath(r.path), faultError(status)),
      answer: answerRequest,
      errorAnswer: (e) => ({ status: 500, body: errorBody('management-v2', new ApimError(500, String(e), 'technical')) }),
    }),
    opts,
  );

  async function answerRequest({ req, method, path, url, body: rawBody }: EmulatedRequest): Promise<Answer> {
    const query = url.searchParams;
    const { routed, candidates } = router.route(method, path, query);
    const area: ApiArea = routed?.served.area ?? candidates[0]?.served.area ?? areaOfPath(path);
    try {
      const raw = await rawBody;
      if (credentials.authenticate(req.headers.authorization) === undefined) throw unauthorized();
      if (!routed) {
        const checks = candidates.map((c) => ({ served: c.served, result: c.served.contract.validateRequest({ method, path: c.path }) }));
        const checked = checks.find((c) => c.result.allowedMethods) ?? checks[0];
        const problems = checked?.result.violations ?? [{ in: 'route', pointer: '', message: `no Gravitee API is mounted at ${path}` } satisfies Violation];
        const refused = contractViolation(method, path, problems, false);
        // a path APIM serves under other methods: JAX-RS answers 405 with the methods it has
        const allowed = checked?.result.allowedMethods;
        if (checked && allowed) {
          const notAllowed = new ApimError(405, 'HTTP 405 Method Not Allowed', 'methodNotAllowed', undefined, refused.details);
          return { status: 405, headers: { allow: allowed.join(', ') }, body: errorBody(checked.served.area, notAllowed) };
        }
        throw refused;
      }
      const body = parseBody(raw, req.headers['content-type']);
      if (body instanceof Error) throw contractViolation(method, path, [{ in: 'body', pointer: '', message: body.message }], false);
      const result = routed.served.contract.validateRequest({ method, path: routed.path, query, headers: req.headers, body });
      if (result.violations.length) throw contractViolation(method, path, result.violations, method === 'PUT');
      return dispatch(routed, method, path, query, body);
    } catch (e) {
      const error = e instanceof ApimError ? e : new ApimError(500, (e as Error).message, 'technical');
      return { status: error.status, body: errorBody(area, error) };
    }
  }

  function contractViolation(method: string, path: string, problems: Violation[], isImport: boolean): ApimError {
    const texts = recordViolation(violations, method, path, problems);
    const details = problems.map((p) => ({ message: p.message, location: `${p.in}${p.pointer}` }));
    const message = isImport ? `Unable to import because of errors [${texts.join(',')}]` : `Invalid request: ${texts.join(', ')}`;
    return new ApimError(400, message, 'invalid', undefined, details);
  }

  function dispatch(routed: Routed, method: string, path: string, query: URLSearchParams, body: unknown): Answer {
    const { served, operation } = routed;
    const handler = operation.operationId ? served.handlers[operation.operationId] : undefined;
    if (!handler) {
      const what = `${served.name} operation ${operation.operationId ?? operation.pathTemplate} is not emulated`;
      violations.push({ method, path, problems: [what] });
      throw new ApimError(501, what, 'notImplemented');
    }
    const org = operation.pathParams.orgId ?? 'DEFAULT';
    const env = operation.pathParams.envId;
    const envs = organizations[org];
    if (!envs) throw organizationNotFound(org);
    if (env !== undefined && !envs.includes(env)) throw environmentNotFound(env);
    return handler({ org, env: env ?? envs[0] ?? 'DEFAULT', params: operation.pathParams, query, body, data: store.env(org, env ?? envs[0] ?? 'DEFAULT') });
  }

  return {
    url: listening.url,
    faults: { inject: (rule) => faults.inject(rule), clear: () => faults.clear() },
    violations,
    calls,
    state: createStateApi(store),
    setCredentials: (c) => credentials.set(c),
    reset() {
      store.reset();
      faults.clear();
      violations.length = 0;
      calls.length = 0;
      credentials.set(initialCredentials);
    },
    close: listening.close,
  };
}

/** Error style of a path that matched no contract: Management v1 for `/management/organizations/…`. */
function areaOfPath(path: string): ApiArea {
  return /\/management\/organizations\//.test(path) ? 'management-v1' : path.includes('/automation') ? 'automation' : 'management-v2';
}

