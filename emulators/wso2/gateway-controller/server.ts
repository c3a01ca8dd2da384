/**
 * HTTP side of the gateway controller emulator. Order of checks, as the gateway's middleware chain:
 * injected fault → authentication (401) → route (Go ServeMux 404/405) → role (403) → the operation's
 * own checks (the gateway's 400s) → the published contract (400, recorded) → the operation.
 */
import type { IncomingMessage } from 'node:http';
import { exchangeListener } from '../../common/exchange.ts';
import { FaultInjector } from '../../common/faults.ts';
import { listen } from '../../common/listening.ts';
import { recordViolation } from '../../common/records.ts';
import { mediaKindOf } from '../../openapi/body-media.ts';
import type { Violation } from '../../openapi/index.ts';
import { Authenticator, authorize, DEFAULT_USERS } from './auth.ts';
import { builtInTemplates } from './builtin-templates.ts';
import { handlerContext, type GatewaySettings } from './context.ts';
import { BASE_PATH, managementContract } from './contract.ts';
import { failure, faultBody, GatewayError, methodNotAllowed, routeNotFound, type FieldError } from './errors.ts';
import { prefersYaml, send, type Answer } from './http-io.ts';
import { DEFAULT_POLICIES } from './installed-policies.ts';
import { OPERATIONS } from './operations.ts';
import { createStateApi } from './state-api.ts';
import { GatewayStore } from './store.ts';
import type { CallRecord, ContractViolation, Wso2GatewayController, Wso2GatewayControllerOptions } from './types.ts';

export async function startWso2GatewayController(opts: Wso2GatewayControllerOptions = {}): Promise<Wso2GatewayController> {
  const management = managementContract(opts.specsDir);
  const users = opts.users ?? DEFAULT_USERS;
  const bearerTokens = opts.bearerTokens ?? [];
  const authenticator = new Authenticator({ users, bearerTokens, auth: opts.auth });
  const settings: GatewaySettings = {
    gatewayId: opts.gatewayId ?? 'platform-gateway-id',
    policies: opts.policies ?? DEFAULT_POLICIES,
    defaultVhosts: opts.defaultVhosts ?? { main: '*', sandbox: 'sandbox-*' },
    apiKeysPerUserPerApi: opts.apiKeysPerUserPerApi ?? 10,
  };
  const store = new GatewayStore();
  const seed = () => {
    store.clear();
    for (const t of builtInTemplates()) store.templates.set(t.handle, t);
  };
  seed();
  const faults = new FaultInjector();
  const violations: ContractViolation[] = [];
  const calls: CallRecord[] = [];
  const offContract = (method: string, path: string, problems: Violation[]) => recordViolation(violations, method, path, problems);

  const listening = await listen(
    exchangeListener({
      faults,
      calls,
      maxCalls: opts.maxCalls,
      latencyMs: opts.latencyMs,
      tooLarge: () => failure(413, 'Request body too large'),
      faultBody,
      answer: async (r) => answerRequest(r.req, r.method, r.path, r.url.searchParams, await r.body),
      errorAnswer(e, r) {
        if (e instanceof GatewayError) return e.answer;
        // a fault of the emulator itself: answered as the gateway's panic handler does, and made visible to tests
        recordViolation(violations, r.method, r.path, [`emulator error: ${(e as Error).stack ?? String(e)}`]);
        return failure(500, 'Internal server error').answer;
      },
      send,
    }),
    opts,
  );

  function answerRequest(req: IncomingMessage, method: string, path: string, query: URLSearchParams, raw: Buffer): Answer {
    const principal = authenticator.authenticate(req.headers.authorization);
    const { contract, roles, yamlAnswers, document } = management;
    const match = contract.matchRoute(method, path);
    if (!match?.operationId) {
      const problems = contract.validateRequest({ method, path }).violations;
      offContract(method, path, problems);
      const allowed = /not allowed on this path \(allowed: ([^)]*)\)/.exec(problems[0]?.message ?? '');
      throw allowed ? methodNotAllowed(allowed[1]!.split(', ')) : routeNotFound();
    }
    const operationId = match.operationId;
    authorize(principal, roles.get(operationId) ?? []);

    const contentType = req.headers['content-type'];
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const body = bodyForContract(raw, mediaType);
    const result = contract.validateRequest({ method, path, query, headers: req.headers, body: body instanceof Error ? raw.toString('utf8') : body });
    if (body instanceof Error) result.violations = [...result.violations.filter((v) => v.in !== 'body'), { in: 'body', pointer: '', message: body.message }];
    const ctx = handlerContext(
      { params: match.pathParams, query, principal, store, settings, document, wantsYaml: prefersYaml(req.headers.accept) },
      raw,
      contentType,
    );
    const operation = OPERATIONS[operationId];
    if (!operation) {
      offContract(method, path, [{ in: 'route', pointer: '', message: `operation ${operationId} is not emulated` }]);
      throw failure(501, `operation ${operationId} is not emulated`);
    }
    if (result.violations.length) {
      offContract(method, path, result.violations);
      operation.validate?.(ctx); // the gateway's own refusal, naming the field, when it has one
      throw outsideContract(result.violations);
    }
    const answer = operation.run(ctx);
    return answer.status === 200 && ctx.wantsYaml && yamlAnswers.has(operationId) ? { ...answer, yaml: true } : answer;
  }

  const url = listening.url;

  return {
    url,
    baseUrl: url + BASE_PATH,
    credentials: { users: structuredClone(users), bearerTokens: [...bearerTokens], auth: opts.auth !== false },
    state: createStateApi(store),
    faults: { inject: (rule) => faults.inject(rule), clear: () => faults.clear() },
    calls,
    violations: () => structuredClone(violations),
    reset() {
      seed();
      faults.clear();
      violations.length = 0;
      calls.length = 0;
    },
    close: listening.close,
  };
}

/** The body as the contract reads it: YAML as text (the validator parses it), JSON parsed (an Error when it does not), else text. */
function bodyForContract(raw: Buffer, mediaType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (mediaKindOf(mediaType) === 'yaml') return text;
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return new Error('request body is not valid JSON');
    }
  }
  return text;
}

/** A request outside the published contract, answered in the gateway's error shape with each problem as a field. */
function outsideContract(problems: Violation[]): GatewayError {
  const errors: FieldError[] = problems.map((p) => ({ field: fieldOf(p), message: p.message }));
  const bodyOnly = problems.every((p) => p.in === 'body' && p.pointer !== '');
  return failure(400, bodyOnly ? 'Configuration validation failed' : 'Request does not conform to the management API specification', errors);
}

/** `/spec/operations/0/method` → `spec.operations[0].method`; a parameter by its name. */
function fieldOf(p: Violation): string {
  if (p.in !== 'body') return p.pointer.replace(/^\//, '') || p.in;
  return p.pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}
