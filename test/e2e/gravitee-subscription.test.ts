import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { ADMIN, apiV2, apiV4, application, gkoDevContext, gravitee, managementContext, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoDocuments, gkoExample, jwtUseCaseExpired } from '../support/gko-examples.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const COLLECTION = 'subscriptions';
const KEY = 'e2e-custom-api-key-0123456789abcdef';
const API_KEY_PLAN = { 'api-key': { name: 'API key plan', description: 'needs a key', security: { type: 'API_KEY' } } };

let w: GraviteeWorld;
useGraviteeWorld(async (world) => {
  w = world;
  await w.apply(apiV4('sub-api', 'ctx', { plans: API_KEY_PLAN }));
  await w.apply(application('sub-app', 'ctx'));
  await w.waitForCondition('ApiV4Definition', 'sub-api', 'Accepted', 'True');
  await w.waitForCondition('Application', 'sub-app', 'Accepted', 'True');
});

const remote = (name: string, api = 'sub-api', org = 'acme', env = 'dev') => w.apim.state.object(org, env, COLLECTION, w.hrid(name), w.hrid(api));
const rfc3339 = (s: unknown) => new Date(String(s)).toISOString().replace(/\.\d+Z$/, 'Z');

const subscription = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee('Subscription', name, { api: { name: 'sub-api' }, application: { name: 'sub-app' }, plan: 'api-key', endingAt: '2040-12-25T09:12:28Z', ...extra }, meta);

const eventMessages = async (name: string) => (await w.events(name)).map((e) => e.message ?? '');

describe('Subscription lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'Subscription',
    world: () => w,
    make: subscription,
    remote: (name) => remote(name),
    change: { field: 'endingAt', value: '2041-01-01T00:00:00Z' },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid(name), { endingAt: '2039-06-01T00:00:00Z' }, w.hrid('sub-api')),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', COLLECTION, w.hrid(name), w.hrid('sub-api')),
    status: (_obj, r) => ({ id: r.id, startedAt: rfc3339(r.startingAt), endingAt: '2040-12-25T09:12:28Z', processingStatus: 'Completed' }),
  });
});

describe('Subscription particulars', () => {
  it('waits for its Application and API created later, counts itself on both, and holds the API until it goes', async () => {
    await w.apply(subscription('late-sub', { api: { name: 'late-api' }, application: { name: 'late-app' } }));
    let waiting = await w.waitForCondition('Subscription', 'late-sub', 'ResolvedRefs', 'False');
    expect(conditionOf(waiting, 'Accepted')?.message).toContain(`spec.api: ApiV4Definition ${w.ns}/late-api not found`);
    await w.apply(apiV4('late-api', 'ctx', { plans: API_KEY_PLAN }));
    waiting = await waitFor('waiting for the application', async () => {
      const o = await w.get('Subscription', 'late-sub');
      return conditionOf(o, 'Accepted')?.message?.includes('spec.application') ? o : undefined;
    });
    expect(conditionOf(waiting, 'ResolvedRefs')?.status).toBe('False');
    await w.apply(application('late-app', 'ctx'));
    const synced = await w.waitForCondition('Subscription', 'late-sub', 'Accepted', 'True');
    expect(synced.status?.id).toBe(remote('late-sub', 'late-api')?.id);
    expect(remote('late-sub', 'late-api')).toMatchObject({ applicationHrid: w.hrid('late-app'), planHrid: 'api-key', endingAt: '2040-12-25T09:12:28Z' });

    const counted = (kind: string, name: string, n: number) =>
      waitFor(`${kind} ${name} counts ${n}`, async () => ((await w.get(kind, name))?.status?.subscriptions === n ? true : undefined));
    await counted('ApiV4Definition', 'late-api', 1);
    await counted('Application', 'late-app', 1);

    await w.remove('ApiV4Definition', 'late-api');
    const blocked = await w.waitForCondition('ApiV4Definition', 'late-api', 'Ready', 'False', { reason: 'DeletionBlocked', generation: false });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`Subscription ${w.ns}/late-sub`);
    expect(w.apim.state.api('acme', 'dev', w.hrid('late-api'))).toBeDefined();
    await w.remove('Subscription', 'late-sub');
    await w.waitForGone('Subscription', 'late-sub');
    await w.waitForGone('ApiV4Definition', 'late-api');
    expect(w.apim.state.api('acme', 'dev', w.hrid('late-api'))).toBeUndefined();
    await counted('Application', 'late-app', 0);
    await w.remove('Application', 'late-app');
    await w.waitForGone('Application', 'late-app');
  });

  it('sends its API keys to APIM and nowhere else: not in status, events or logs, not even when APIM quotes them', async () => {
    await w.apply(apiV4('keyed-api', 'ctx', { plans: API_KEY_PLAN }));
    await w.apply(subscription('keyed-sub', { api: { name: 'keyed-api' }, apiKeys: [{ key: KEY, expireAt: '2040-01-01T00:00:00Z' }] }));
    const synced = await w.waitForCondition('Subscription', 'keyed-sub', 'Accepted', 'True');
    expect(remote('keyed-sub', 'keyed-api')?.apiKeys).toEqual([{ key: KEY, expireAt: '2040-01-01T00:00:00Z' }]);

    // An APIM that quotes the request in its refusal (cut off mid-key, as an error message keeps a body's start).
    w.apim.faults.inject({ method: 'PUT', path: /subscriptions$/, status: 400, times: 1, body: { httpStatus: 400, technicalCode: 'invalid', message: `key ${KEY} refused`, details: [{ message: 'x'.repeat(340), invalidValue: KEY }] } });
    await w.apply(subscription('keyed-sub', { api: { name: 'keyed-api' }, endingAt: '2040-06-01T00:00:00Z', apiKeys: [{ key: KEY, expireAt: '2040-01-01T00:00:00Z' }] }));
    const refused = await w.waitForCondition('Subscription', 'keyed-sub', 'Accepted', 'False');
    expect(conditionOf(refused, 'Accepted')?.message).toContain('key [redacted] refused');
    await w.apply(subscription('keyed-sub', { api: { name: 'keyed-api' }, endingAt: '2040-07-01T00:00:00Z', apiKeys: [{ key: KEY, expireAt: '2040-01-01T00:00:00Z' }] }));
    await w.waitForCondition('Subscription', 'keyed-sub', 'Accepted', 'True');

    const leaks = (text: string) => text.includes(KEY.slice(0, 8));
    expect(leaks(JSON.stringify((await w.get('Subscription', 'keyed-sub'))?.status))).toBe(false);
    expect(leaks(JSON.stringify(synced.status))).toBe(false);
    expect((await eventMessages('keyed-sub')).filter(leaks)).toEqual([]);
    expect(w.logs.filter(leaks)).toEqual([]);
    await w.remove('Subscription', 'keyed-sub');
    await w.waitForGone('Subscription', 'keyed-sub');
    await w.remove('ApiV4Definition', 'keyed-api');
  });

  it('answers bad input with a False condition naming the field, writing nothing to APIM', async () => {
    await w.apply(apiV4('keyless-api', 'ctx'));
    await w.apply(managementContext('other-ctx', w.apim.url, { credentials: ADMIN }));
    await w.apply(application('other-app', 'other-ctx'));
    const cases: [string, Json, string][] = [
      ['no-such-plan', { plan: 'gold' }, `spec.plan: ApiV4Definition ${w.ns}/sub-api has no plan [gold] (its plans: api-key)`],
      ['keyless-plan', { api: { name: 'keyless-api' }, plan: 'KeyLess' }, 'spec.plan: plan [KeyLess] is KEY_LESS'],
      ['other-context', { application: { name: 'other-app' } }, 'spec.application: Application'],
      ['past-end', { endingAt: '2020-01-01T00:00:00Z' }, 'spec.endingAt: 2020-01-01T00:00:00Z should be at least one minute from now'],
      ['bad-kind', { api: { name: 'sub-api', kind: 'Ingress' } }, 'spec.api.kind: must be ApiV4Definition or ApiDefinition'],
      ['same-key-twice', { apiKeys: [{ key: KEY }, { key: KEY }] }, 'spec.apiKeys[1].key: the same key as apiKeys[0]'],
    ];
    for (const [name, extra, message] of cases) await w.apply(subscription(name, extra));
    for (const [name, , message] of cases) {
      const refused = await w.waitForCondition('Subscription', name, 'Accepted', 'False');
      expect(conditionOf(refused, 'Accepted')?.message).toContain(message);
      expect(refused.status?.processingStatus).toBe('Failed');
      expect(w.apim.state.objects('acme', 'dev', COLLECTION).find((s) => s.hrid === w.hrid(name))).toBeUndefined();
    }
    expect(JSON.stringify((await w.get('Subscription', 'same-key-twice'))?.status)).not.toContain(KEY);
    for (const [name] of cases) await w.remove('Subscription', name);
  });

  it("refuses changing the plan of an existing subscription, which APIM keeps, and recovers when reverted", async () => {
    await w.apply(apiV4('two-plans', 'ctx', { plans: { ...API_KEY_PLAN, other: { name: 'Other key plan', security: { type: 'API_KEY' } } } }));
    await w.apply(subscription('plan-change', { api: { name: 'two-plans' } }));
    await w.waitForCondition('Subscription', 'plan-change', 'Accepted', 'True');
    await w.apply(subscription('plan-change', { api: { name: 'two-plans' }, plan: 'other' }));
    const refused = await w.waitForCondition('Subscription', 'plan-change', 'Accepted', 'False');
    expect(conditionOf(refused, 'Accepted')?.message).toContain("spec.plan: APIM keeps a subscription's plan (this one is on [api-key])");
    expect(remote('plan-change', 'two-plans')?.planHrid).toBe('api-key');
    await w.apply(subscription('plan-change', { api: { name: 'two-plans' }, plan: 'api-key' }));
    await w.waitForCondition('Subscription', 'plan-change', 'Accepted', 'True');
  });

  it('subscribes to a v2 ApiDefinition by its UUID and its plan id, as GKO does', async () => {
    await w.apply(apiV2('v2-api', 'ctx', { plans: [{ name: 'keyed', description: 'key plan', security: 'API_KEY' }] }));
    const api = await w.waitForCondition('ApiDefinition', 'v2-api', 'Accepted', 'True');
    await w.apply(subscription('v2-sub', { api: { name: 'v2-api', kind: 'ApiDefinition' }, plan: 'keyed' }));
    const synced = await w.waitForCondition('Subscription', 'v2-sub', 'Accepted', 'True');
    const stored = w.apim.state.object('acme', 'dev', COLLECTION, w.hrid('v2-sub'), api.status?.id as string);
    expect(stored).toMatchObject({ id: synced.status?.id, planHrid: Object.values(api.status?.plans as Json)[0] });
    await waitFor('v2 API counts it', async () => ((await w.get('ApiDefinition', 'v2-api'))?.status?.subscriptions === 1 ? true : undefined));
    await w.remove('Subscription', 'v2-sub');
    await w.waitForGone('Subscription', 'v2-sub');
    expect(w.apim.state.object('acme', 'dev', COLLECTION, w.hrid('v2-sub'), api.status?.id as string)).toBeUndefined();
  });

  it("applies GKO's subscription examples unchanged with the resources they need, through a dev-ctx context", async () => {
    await w.apply(gkoDevContext(w.apim.url));
    const apply = async (paths: string[]) => {
      for (const path of paths) for (const doc of gkoDocuments(path)) await w.apply(doc);
    };
    const accepted = (name: string) => w.waitForCondition('Subscription', name, 'Accepted', 'True');
    await apply([
      'apim/api_definition/v4/api-v4-with-jwt-plan.yml',
      'apim/application/application-with-client-id.yml',
      'apim/subscription/subscription.yml',
      'apim/api_definition/v4/api-v4-with-api-key-plan.yml',
      'apim/application/application.yml',
      'apim/subscription/subscription-with-api-key.yml',
      'usecase/subscribe-to-mtls-plan/resources/api.yml',
      'apim/application/application-with-client-certs-and-dates.yml',
      'apim/subscription/subscription-mtls-with-cert-dates.yml',
    ]);
    for (const name of ['echo-subscription', 'api-key-subscription', 'mtls-cert-dates-subscription']) {
      const obj: KubeObject = await accepted(name);
      expect(w.apim.state.objects('DEFAULT', 'DEFAULT', COLLECTION).find((s) => s.id === obj.status?.id)).toBeDefined();
    }
    expect(JSON.stringify((await w.get('Subscription', 'api-key-subscription'))?.status)).not.toContain('my-custom-api-key');

    // The API-key use case publishes its Secret only; GKO's test subscribes with the key it holds, as here.
    await apply(['usecase/subscribe-to-api-key-plan/resources/custom-api-key-secret.yml']);
    const fromSecret = { api: { name: 'api-v4-with-api-key' }, application: { name: 'simple-application-with-client-id' }, plan: 'API_KEY', endingAt: undefined };
    await w.apply(subscription('custom-key-subscription', { ...fromSecret, apiKeys: [{ key: '[[ secret `custom-api-key-secret/customApiKey` ]]' }] }));
    const custom = await accepted('custom-key-subscription');
    expect(w.apim.state.objects('DEFAULT', 'DEFAULT', COLLECTION).find((s) => s.id === custom.status?.id)?.apiKeys).toEqual([{ key: 'my-custom-api-key-at-least-32-chars' }]);

    // No plan: the CRD requires one, so the API server refuses it, as with GKO.
    await expect(w.apply(gkoExample('apim/subscription/subscription-with-metadata.yml'))).rejects.toThrow(/spec\.plan/);

    // The two use cases each name their application echo-client: one after the other.
    await apply(['usecase/subscribe-to-jwt-plan/resources/jwt-key.yml', 'usecase/subscribe-to-jwt-plan/resources/api.yml', 'usecase/subscribe-to-jwt-plan/resources/application.yml', 'usecase/subscribe-to-jwt-plan/resources/subscription.yml']);
    if (jwtUseCaseExpired()) await w.waitForCondition('Subscription', 'echo-client-subscription', 'Accepted', 'False');
    else await accepted('echo-client-subscription');
    await w.remove('Subscription', 'echo-client-subscription');
    await w.waitForGone('Subscription', 'echo-client-subscription');
    await w.remove('Application', 'echo-client');
    await w.waitForGone('Application', 'echo-client');
    await apply(['usecase/subscribe-to-mtls-plan/resources/tls-client.yml', 'usecase/subscribe-to-mtls-plan/resources/application.yml', 'usecase/subscribe-to-mtls-plan/resources/subscription.yml']);
    const mtls = await accepted('echo-client-subscription');
    expect(w.apim.state.object('DEFAULT', 'DEFAULT', COLLECTION, w.hrid('echo-client-subscription'), w.hrid('mtls-demo'))).toMatchObject({ id: mtls.status?.id, planHrid: 'MTLS' });
    // The API recounts in a sync of its own, which the Subscription's sync triggers.
    await waitFor('mtls-demo counts 2', async () => ((await w.get('ApiV4Definition', 'mtls-demo'))?.status?.subscriptions === 2 ? true : undefined));
  });
});
