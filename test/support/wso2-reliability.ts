import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';
import type { ReliabilityCase } from './reliability-cases.ts';
import { restApi, secret, startWso2World, wso2, type Wso2World, type Wso2WorldOptions } from './wso2-e2e.ts';

/**
 * The WSO2 kinds as the reliability tests use them: each with its create and update call, a spec change and where the
 * gateway shows it. RestApi stands for the envelope kinds (one client for all of them); the UUID-keyed kinds
 * (SubscriptionPlan, Subscription, Certificate) and ApiKey have clients of their own.
 */
export interface Wso2ReliabilityCase extends ReliabilityCase<Wso2World> {
  create: { method: string; path: RegExp };
  update: { method: string; path: RegExp };
  prepare(name: string): Promise<void>;
  change(name: string): Record<string, unknown>;
  changed(name: string): boolean;
  /** Its writes are idempotent (a PUT of the same key): a slow one carried out may be sent again. */
  idempotentWrites?: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** A subscription token or an API key value of the resource named `name` (never to be seen outside the gateway). */
export const tokenOf = (name: string) => `reliability-token-${name}-5e0c1f2a9b7d4c3e`;
const PEM = selfSignedCertificate(['reliability.example']).certPem;
const PEM_CHANGED = selfSignedCertificate(['changed.example']).certPem;
/** The API the subscriptions and keys of the cases belong to. */
export const PARENT_API = 'reliability-api';

function wso2ReliabilityCases(world: () => Wso2World): Wso2ReliabilityCase[] {
  const state = () => world().gateway.state;
  const none = async () => {};
  const withToken = async (name: string) => void (await world().apply(secret(`${name}-token`, { token: tokenOf(name) })));
  const plan = (name: string, throttleLimitCount = 100) => wso2('SubscriptionPlan', name, { planName: `${name}-plan`, throttleLimitCount, throttleLimitUnit: 'Min' });
  const subscription = (name: string, status = 'ACTIVE') => wso2('Subscription', name, { apiId: PARENT_API, status, subscriptionToken: { valueFrom: { name: `${name}-token`, key: 'token' } } });
  const certificate = (name: string, pem = PEM) => wso2('Certificate', name, { displayName: `${name}-ca`, certificate: { value: pem } });
  const apiKey = (name: string, expiresAt?: string) =>
    wso2('ApiKey', name, { parentRef: { kind: 'RestApi', name: PARENT_API }, apiKey: { valueFrom: { name: `${name}-token`, key: 'token' } }, ...(expiresAt ? { expiresAt } : {}) });
  const subscriptions = (name: string) => state().list('Subscription').filter((s) => s.tokenHash === sha256(tokenOf(name)));
  return [
    {
      world,
      kind: 'RestApi',
      condition: 'Programmed',
      make: (name) => restApi(name),
      copies: (name) => state().list('RestApi').filter((a) => a.handle === name).length,
      create: { method: 'POST', path: /^\/api\/management\/v1\/rest-apis$/ },
      update: { method: 'PUT', path: /^\/api\/management\/v1\/rest-apis\/[^/]+$/ },
      prepare: none,
      change: (name) => restApi(name, { context: `/${name}-changed` }),
      changed: (name) => state().get('RestApi', name)?.resource.spec.context === `/${name}-changed`,
    },
    {
      world,
      kind: 'SubscriptionPlan',
      condition: 'Programmed',
      make: (name) => plan(name),
      copies: (name) => state().list('SubscriptionPlan').filter((p) => p.planName === `${name}-plan`).length,
      create: { method: 'POST', path: /^\/api\/management\/v1\/subscription-plans$/ },
      update: { method: 'PUT', path: /^\/api\/management\/v1\/subscription-plans\/[^/]+$/ },
      prepare: none,
      change: (name) => plan(name, 7),
      changed: (name) => state().list('SubscriptionPlan').find((p) => p.planName === `${name}-plan`)?.throttleLimitCount === 7,
    },
    {
      world,
      kind: 'Subscription',
      condition: 'Programmed',
      make: (name) => subscription(name),
      copies: (name) => subscriptions(name).length,
      create: { method: 'POST', path: /^\/api\/management\/v1\/subscriptions$/ },
      update: { method: 'PUT', path: /^\/api\/management\/v1\/subscriptions\/[^/]+$/ },
      prepare: withToken,
      change: (name) => subscription(name, 'INACTIVE'),
      changed: (name) => subscriptions(name)[0]?.status === 'INACTIVE',
    },
    {
      world,
      kind: 'Certificate',
      condition: 'Programmed',
      make: (name) => certificate(name),
      copies: (name) => state().list('Certificate').filter((c) => c.name === `${name}-ca`).length,
      create: { method: 'POST', path: /^\/api\/management\/v1\/certificates$/ },
      // No PUT: a changed certificate is deleted and uploaded again, which is the write the faults hit.
      update: { method: 'POST', path: /^\/api\/management\/v1\/certificates$/ },
      prepare: none,
      change: (name) => certificate(name, PEM_CHANGED),
      changed: (name) => state().list('Certificate').find((c) => c.name === `${name}-ca`)?.pem.trim() === PEM_CHANGED.trim(),
    },
    {
      world,
      kind: 'ApiKey',
      condition: 'Programmed',
      make: (name) => apiKey(name),
      copies: (name) => state().list('ApiKey').filter((k) => k.name === name).length,
      create: { method: 'POST', path: /^\/api\/management\/v1\/rest-apis\/[^/]+\/api-keys$/ },
      update: { method: 'PUT', path: /^\/api\/management\/v1\/rest-apis\/[^/]+\/api-keys\/[^/]+$/ },
      prepare: withToken,
      change: (name) => apiKey(name, '2031-06-01T00:00:00Z'),
      changed: (name) => state().list('ApiKey').find((k) => k.name === name)?.expiresAt?.startsWith('2031-06-01') === true,
      // The gateway never shows a key, so a slow write carried out is not seen: the same key is written again.
      idempotentWrites: true,
    },
  ];
}

/**
 * One world for a reliability file with the cases; before each, `prepare` runs for the names the file uses, and the
 * API the subscriptions and keys belong to is Programmed. The emulator must have seen no out-of-contract request.
 */
export function useWso2Cases(names: string[], opts: Wso2WorldOptions = {}): { w: Wso2World; cases: Wso2ReliabilityCase[] } {
  const holder = { w: undefined as unknown as Wso2World, cases: [] as Wso2ReliabilityCase[] };
  holder.cases = wso2ReliabilityCases(() => holder.w);
  beforeAll(async () => {
    holder.w = await startWso2World(opts);
    await holder.w.apply(restApi(PARENT_API));
    await holder.w.waitForCondition('RestApi', PARENT_API, 'Programmed', 'True');
    for (const c of holder.cases) for (const name of names) await c.prepare(name);
  }, 60_000);
  afterAll(async () => {
    expect(holder.w?.gateway.violations() ?? []).toEqual([]);
    await holder.w?.close();
  });
  return holder;
}
