/** HTTP server of the Gravitee APIM emulator: faults, auth, contract validation, routing to handlers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { FaultInjector } from '../common/faults.ts';
import { recordViolation } from '../common/records.ts';
import { drain, parseBody, readBody, send, type Answer } from './http-io.ts';
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
  const maxCalls = opts.maxCalls ?? 100_000;
  const latencyMs = opts.latencyMs ?? 0;

  const record = (method: string, path: string, status: number) => {
    calls.push({ method, path, status });
    // trimmed in batches: dropping one entry per request would move the whole array every time
    if (calls.length > maxCalls + 1024) calls.splice(0, calls.length - maxCalls);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;

    const fault = faults.take(method, path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.dropConnection) {
      record(method, path, 0);
      req.socket.destroy();
      return;
    }
    let answer: Answer;
    if (fault?.status) {
      await drain(req);
      const area = areaOfPath(path);
      answer = {
        status: fault.status,
        body: fault.body ?? errorBody(area, faultError(fault.status)),
        headers: fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined,
      };
    } else {
      answer = await answerRequest(req, method, path, url.searchParams);
    }
    if (latencyMs > 0) await sleep(latencyMs);
    record(method, path, answer.status);
    send(res, answer);
  }

  async function answerRequest(req: IncomingMessage, method: string, path: string, query: URLSearchParams): Promise<Answer> {
    const { routed, candidates } = router.route(method, path, query);
    const area: ApiArea = routed?.served.area ?? candidates[0]?.served.area ?? areaOfPath(path);
    try {
      const raw = await readBody(req);
      if (credentials.authenticate(req.headers.authorization) === undefined) throw unauthorized();
      if (!routed) {
        const problems = candidates.length
          ? candidates[0]!.served.contract.validateRequest({ method, path: candidates[0]!.path }).violations
          : [{ in: 'route', pointer: '', message: `no Gravitee API is mounted at ${path}` } satisfies Violation];
        throw contractViolation(method, path, problems, false);
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

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: errorBody('management-v2', new ApimError(500, String(e), 'technical')) });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Error style of a path that matched no contract: Management v1 for `/management/organizations/…`. */
function areaOfPath(path: string): ApiArea {
  return /\/management\/organizations\//.test(path) ? 'management-v1' : path.includes('/automation') ? 'automation' : 'management-v2';
}

