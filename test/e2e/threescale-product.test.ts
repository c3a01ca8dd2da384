import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { sendPointer } from '../support/send-message.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { itCreatesNoDuplicateAfterACrash, itKeepsTheObjectWhenOrphaned, type ThreescaleCase } from '../support/threescale-lifecycle.ts';
import { seedCopyPath } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';

const BACKEND_SEED = seedCopyPath('01-backend-backend1.yaml');
const PRODUCT_SEED = seedCopyPath('02-product-product1.yaml');

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

type Row = Record<string, any>;
const remote = (systemName: string) => w.threescale.state.productBySystemName(TENANT, systemName);
const copies = (systemName: string) => w.threescale.state.list(TENANT, 'products').filter((p) => p.system_name === systemName).length;
const metricName = (productId: number) => {
  const names = new Map(w.threescale.state.metricsOf(TENANT, { product: productId }).map((m) => [m.id, String(m.system_name)]));
  return (id: unknown) => names.get(id as number);
};
const metricNames = (id: number) => w.threescale.state.metricsOf(TENANT, { product: id }).map((m) => String(m.system_name)).sort();
const ruleKeys = (id: number) => w.threescale.state.mappingRulesOf(TENANT, { product: id }).map((r) => `${r.http_method} ${r.pattern} ${metricName(id)(r.metric_id)} ${r.delta}`);
const plans = (id: number) => w.threescale.state.list(TENANT, 'plans', (p) => p.service_id === id) as Row[];
const plan = (id: number, systemName: string) => plans(id).find((p) => p.system_name === systemName);
const limits = (planId: number) => w.threescale.state.list(TENANT, 'limits', (l) => l.plan_id === planId) as Row[];
const prices = (planId: number) => w.threescale.state.list(TENANT, 'pricingRules', (r) => r.plan_id === planId) as Row[];
const usages = (id: number) => w.threescale.state.list(TENANT, 'backendUsages', (u) => u.service_id === id) as Row[];

function backend(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: THREESCALE, kind: 'Backend', metadata: { name }, spec: { name: `Backend ${name}`, privateBaseURL: 'https://api.example.com', ...spec } };
}
const lifecycle: ThreescaleCase = {
  world: () => w,
  kind: 'Product',
  condition: 'Synced',
  make: (name, metadata) => product(name, {}, metadata),
  copies: (name) => copies(`Product${name}`),
};

function product(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: THREESCALE, kind: 'Product', metadata: { name, ...metadata }, spec: { name: `Product ${name}`, ...spec } };
}

const FULL = {
  description: 'first',
  deployment: {
    apicastSelfManaged: {
      stagingPublicBaseURL: 'https://staging.example.com',
      productionPublicBaseURL: 'https://api.example.com',
      authentication: { userkey: { authUserKey: 'x-key', credentials: 'headers', gatewayResponse: { errorStatusAuthFailed: 401, errorAuthFailed: 'denied' } } },
    },
  },
  backendUsages: { backend1: { path: '/v1' } },
  metrics: { bytes: { friendlyName: 'Bytes', unit: 'byte' } },
  methods: { list: { friendlyName: 'List' }, read: { friendlyName: 'Read', description: 'reads' } },
  mappingRules: [
    { httpMethod: 'GET', pattern: '/items$', metricMethodRef: 'list', increment: 1 },
    { httpMethod: 'GET', pattern: '/items/{id}', metricMethodRef: 'read', increment: 2, last: true },
  ],
  applicationPlans: {
    basic: {
      name: 'Basic',
      published: true,
      setupFee: '5.00',
      costMonth: '10.00',
      limits: [
        { period: 'month', value: 1000, metricMethodRef: { systemName: 'hits' } },
        { period: 'day', value: 10, metricMethodRef: { systemName: 'hits', backend: 'backend1' } },
      ],
      pricingRules: [{ from: 1, to: 100, pricePerUnit: '0.50', metricMethodRef: { systemName: 'list' } }],
    },
    gold: { name: 'Gold', trialPeriod: 7 },
  },
  policies: [
    { name: 'headers', version: 'builtin', enabled: true, configuration: { request: [{ op: 'set', header: 'X-A', value_type: 'plain', value: '1' }] } },
    { name: 'apicast', version: 'builtin', enabled: true, configuration: {} },
  ],
};

describe('3scale Product', () => {
  it("syncs the operator guide's Backend and Product examples unchanged and reports Synced like the operator", async () => {
    await w.apply(parse(readFileSync(BACKEND_SEED, 'utf8')));
    await w.apply(parse(readFileSync(PRODUCT_SEED, 'utf8')));
    const obj = await w.waitForCondition('Product', 'product1', 'Synced', 'True');
    const p = remote('operatedproduct1');
    expect(p).toMatchObject({ name: 'OperatedProduct 1', annotations: { managed_by: 'apim-sync' } });
    expect(obj.status).toMatchObject({ productId: p?.id, providerAccountHost: w.adminURL, state: p?.state });
    const b = w.threescale.state.backendBySystemName(TENANT, 'backend1');
    expect(usages(p!.id as number)).toEqual([expect.objectContaining({ backend_id: b?.id, path: '/' })]);
    for (const [type, status] of [['Ready', 'True'], ['Invalid', 'False'], ['Failed', 'False'], ['Orphan', 'False']]) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status, observedGeneration: 1 }));
    }
    expect(obj.metadata.finalizers).toContain(FINALIZER);
  });

  it('npx apim-sync validate accepts the example', () => {
    expect(validatePaths([PRODUCT_SEED])).toEqual({ checked: 1, findings: [], notSynced: [] });
  });

  it('converges usages, deployment, metrics, methods, rules in order, plans with limits and pricing, and policies', async () => {
    await w.apply(product('life', FULL));
    const obj = await w.waitForCondition('Product', 'life', 'Synced', 'True');
    const p = remote('Productlife')!;
    const id = p.id as number;
    expect(p).toMatchObject({ description: 'first', deployment_option: 'self_managed', backend_version: '1' });
    expect(obj.status).toMatchObject({ productId: id });
    expect(usages(id)).toEqual([expect.objectContaining({ path: '/v1' })]);
    expect(w.threescale.state.proxy(TENANT, id)).toMatchObject({
      endpoint: 'https://api.example.com:443',
      sandbox_endpoint: 'https://staging.example.com:443',
      auth_user_key: 'x-key',
      credentials_location: 'headers',
      error_status_auth_failed: 401,
      error_auth_failed: 'denied',
    });
    expect(metricNames(id)).toEqual(['bytes', 'hits', 'list', 'read']);
    expect(ruleKeys(id)).toEqual(['GET /items$ list 1', 'GET /items/{id} read 2']);
    const basic = plan(id, 'basic')!;
    expect(basic).toMatchObject({ name: 'Basic', state: 'published', setup_fee: 5, cost_per_month: 10 });
    expect(plan(id, 'gold')).toMatchObject({ name: 'Gold', state: 'hidden', trial_period_days: 7 });
    expect(limits(basic.id).map((l) => `${l.period} ${l.value}`).sort()).toEqual(['day 10', 'month 1000']);
    expect(prices(basic.id)).toEqual([expect.objectContaining({ min: 1, max: 100, cost_per_unit: '0.5000' })]);
    expect(w.threescale.state.policies(TENANT, id)?.map((x) => x.name)).toEqual(['headers', 'apicast']);

    // A merge patch, as `kubectl apply` sends it: null removes a map entry.
    await w.apply(
      product('life', {
        description: 'second',
        metrics: { bytes: null, calls: { friendlyName: 'Calls', unit: 'call' } },
        methods: { list: null },
        mappingRules: [
          { httpMethod: 'POST', pattern: '/items', metricMethodRef: 'calls', increment: 1 },
          { httpMethod: 'GET', pattern: '/items/{id}', metricMethodRef: 'read', increment: 1 },
        ],
        applicationPlans: {
          basic: { name: 'Basic', published: false, limits: [{ period: 'month', value: 2000, metricMethodRef: { systemName: 'calls' } }], pricingRules: [] },
          gold: null,
          silver: { name: 'Silver', costMonth: '3.00' },
        },
        policies: null,
      }),
    );
    await waitFor('converged', () => remote('Productlife')?.description === 'second' && !plan(id, 'gold'));
    await w.waitForCondition('Product', 'life', 'Synced', 'True');
    expect(metricNames(id)).toEqual(['calls', 'hits', 'read']);
    expect(ruleKeys(id)).toEqual(['POST /items calls 1', 'GET /items/{id} read 1']);
    expect(plans(id).map((x) => x.system_name).sort()).toEqual(['basic', 'silver']);
    expect(plan(id, 'basic')).toMatchObject({ state: 'hidden' });
    expect(limits(basic.id).map((l) => `${l.period} ${l.value} ${metricName(id)(l.metric_id)}`)).toEqual(['month 2000 calls']);
    expect(prices(basic.id)).toEqual([]);
    expect(plan(id, 'silver')).toMatchObject({ cost_per_month: 3 });
    expect(w.threescale.state.policies(TENANT, id)?.map((x) => x.name)).toEqual(['apicast']);
    expect(copies('Productlife')).toBe(1);
  });

  it('reverts changes made in the admin portal on the next resync', async () => {
    const id = remote('Productlife')!.id as number;
    const basic = plan(id, 'basic')!;
    w.threescale.state.patch(TENANT, 'products', id, { description: 'edited in the admin portal' });
    w.threescale.state.remove(TENANT, 'limits', limits(basic.id)[0].id);
    w.threescale.state.setPolicies(TENANT, id, [{ name: 'cors', version: 'builtin', configuration: {}, enabled: true }]);
    await sendPointer(w.plane, (await w.get('Product', 'life'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => remote('Productlife')?.description === 'second' && limits(basic.id).length === 1 && w.threescale.state.policies(TENANT, id)?.[0]?.name === 'apicast');
  });

  it('a steady-state resync only reads, with fewer calls than the operator', async () => {
    await waitFor('queue drained', () => w.plane.drained());
    const before = w.threescale.calls.length;
    await sendPointer(w.plane, (await w.get('Product', 'life'))!, { reason: 'resync', cause: 'noop' });
    await waitFor('queue drained', () => w.plane.drained());
    const calls = w.threescale.calls.slice(before);
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);
    // The operator (anchor §c): services + backend_apis + 7 collections + 2 per plan + 1 per referenced backend.
    const planCount = 2;
    const operator = 9 + 2 * planCount + 1;
    expect(calls.length).toBe(7 + 2 * planCount);
    expect(calls.length).toBeLessThan(operator);
    expect(calls.every((c) => !/\/(application_plans|backend_apis)\/\d+\.json/.test(c.path) || c.path.includes('/limits') || c.path.includes('/pricing_rules'))).toBe(true);
  });

  it('deletes the 3scale product before the resource', async () => {
    await w.remove('Product', 'life');
    await w.waitForGone('Product', 'life');
    expect(remote('Productlife')).toBeUndefined();
  });

  itKeepsTheObjectWhenOrphaned(lifecycle, '3scale product');

  it('waits (Orphan) for a Backend named by its system name, and syncs when the Backend is synced', async () => {
    await w.apply(product('waiting', { backendUsages: { 'late-backend-sys': { path: '/late' } } }));
    const waiting = await w.waitForCondition('Product', 'waiting', 'Orphan', 'True');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Synced', status: 'False', message: expect.stringContaining('late-backend-sys') }));
    // Retries of the missing reference are over: only the watcher's event can bring the Product back.
    await waitFor('queue drained', () => w.plane.drained());
    await w.apply(backend('late', { systemName: 'late-backend-sys' }));
    await w.waitForCondition('Product', 'waiting', 'Synced', 'True');
    const b = w.threescale.state.backendBySystemName(TENANT, 'late-backend-sys');
    expect(usages(remote('Productwaiting')!.id as number)).toEqual([expect.objectContaining({ backend_id: b?.id, path: '/late' })]);
  });

  it('reports a field 3scale refuses (422) as Invalid naming the field', async () => {
    const deployment = { apicastHosted: { authentication: { appKeyAppID: { gatewayResponse: { errorStatusNoMatch: 999 } } } } };
    await w.apply(product('refused', { deployment }));
    const obj = await w.waitForCondition('Product', 'refused', 'Invalid', 'True');
    const invalid = (obj.status?.conditions as { type: string; message: string }[]).find((c) => c.type === 'Invalid');
    expect(invalid?.message).toContain('error_status_no_match');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Synced', status: 'False' }));
  });

  itCreatesNoDuplicateAfterACrash({ ...lifecycle, make: (name) => product(name, { metrics: { m: { friendlyName: 'M', unit: 'u' } } }) });
});
