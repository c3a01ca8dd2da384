import { describe, expect, it } from 'vitest';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import { restApi, secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle, resync } from '../support/wso2-lifecycle.ts';
import { createHash } from 'node:crypto';

let w: Wso2World;
useWso2World(async (world) => {
  w = world;
  await w.apply(restApi('subscribed-api'));
  await w.waitForCondition('RestApi', 'subscribed-api', 'Programmed', 'True');
});

const plans = (planName: string) => w.gateway.state.list('SubscriptionPlan').filter((p) => p.planName === planName);
const plan = (name: string, spec: Record<string, unknown> = {}, metadata = {}) => wso2('SubscriptionPlan', name, { planName: `${name}-plan`, status: 'ACTIVE', stopOnQuotaReach: true, throttleLimitCount: 1000, throttleLimitUnit: 'Min', ...spec }, metadata);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const subscriptionsOf = (token: string) => w.gateway.state.list('Subscription').filter((s) => s.tokenHash === sha256(token));
const subscription = (name: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('Subscription', name, { apiId: 'subscribed-api', status: 'ACTIVE', subscriptionToken: { valueFrom: { name: `${name}-token`, key: 'token' } }, ...spec }, metadata);
const tokenOf = (name: string) => `token-of-${name}-0123456789abcdef`;

describe('WSO2 SubscriptionPlan', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'SubscriptionPlan',
    make: (name, metadata) => plan(name, {}, metadata),
    copies: (name) => plans(`${name}-plan`).length,
    change: (name) => plan(name, { throttleLimitCount: 50 }),
    changed: (name) => plans(`${name}-plan`)[0]?.throttleLimitCount === 50,
    drift: (name) => w.gateway.state.patch('SubscriptionPlan', plans(`${name}-plan`)[0].id, { throttleLimitUnit: 'Day' }),
    drifted: (name) => plans(`${name}-plan`)[0]?.throttleLimitUnit === 'Day',
  });

  it('keeps the gateway id in status.id, and adopts a plan of its name that no resource manages instead of creating another', async () => {
    const obj = await (async () => {
      await w.apply(plan('with-id'));
      return w.waitForCondition('SubscriptionPlan', 'with-id', 'Programmed', 'True');
    })();
    expect(obj.status?.id).toBe(plans('with-id-plan')[0].id);

    // Created on the gateway directly (the control plane, an operator): found by name, not duplicated.
    const res = await fetch(`${w.gateway.baseUrl}/subscription-plans`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ planName: 'preexisting-plan' }) });
    expect(res.status).toBe(201);
    await w.apply(plan('preexisting'));
    const adopted = await w.waitForCondition('SubscriptionPlan', 'preexisting', 'Programmed', 'True');
    expect(plans('preexisting-plan')).toHaveLength(1);
    expect(adopted.status?.id).toBe(plans('preexisting-plan')[0].id);
  });

  it('refuses to take over a plan another resource manages, naming it', async () => {
    await w.apply(plan('first-owner', { planName: 'shared-plan' }));
    await w.waitForCondition('SubscriptionPlan', 'first-owner', 'Programmed', 'True');
    await w.apply(plan('second-owner', { planName: 'shared-plan' }));
    const refused = await w.waitForCondition('SubscriptionPlan', 'second-owner', 'Programmed', 'False', { reason: 'DeploymentFailed' });
    expect(conditionOf(refused, 'Programmed')?.message).toContain(`managed by SubscriptionPlan ${w.ns}/first-owner`);
    expect(plans('shared-plan')).toHaveLength(1);
  });
});

describe('WSO2 Subscription', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'Subscription',
    prepare: async (name) => void (await w.apply(secret(`${name}-token`, { token: tokenOf(name) }))),
    make: (name, metadata) => subscription(name, {}, metadata),
    copies: (name) => subscriptionsOf(tokenOf(name)).length,
    change: (name) => subscription(name, { status: 'INACTIVE' }),
    changed: (name) => subscriptionsOf(tokenOf(name))[0]?.status === 'INACTIVE',
    drift: (name) => w.gateway.state.patch('Subscription', subscriptionsOf(tokenOf(name))[0].id, { status: 'REVOKED' }),
    drifted: (name) => subscriptionsOf(tokenOf(name))[0]?.status === 'REVOKED',
  });

  it('resolves subscriptionPlanId naming a SubscriptionPlan resource to its gateway id once that plan is on the gateway', async () => {
    await w.apply(secret('planned-token', { token: tokenOf('planned') }));
    await w.apply(subscription('planned', { subscriptionPlanId: 'gold' }));
    // No such resource yet: taken as the gateway's plan id, as the operator does, which the gateway refuses.
    const refused = await w.waitForCondition('Subscription', 'planned', 'Programmed', 'False', { reason: 'Invalid' });
    expect(conditionOf(refused, 'Programmed')?.message).toContain('Subscription plan not found');
    // The plan appearing and becoming Programmed wakes the subscription (it is among its references).
    await w.apply(plan('gold'));
    const obj = await w.waitForCondition('Subscription', 'planned', 'Programmed', 'True');
    const [sub] = subscriptionsOf(tokenOf('planned'));
    expect(sub.subscriptionPlanId).toBe(plans('gold-plan')[0].id);
    expect(obj.status?.id).toBe(sub.id);
  });

  it('replaces the subscription when its token Secret rotates (the gateway cannot change a token), and never shows the token', async () => {
    await w.apply(secret('rotating-token', { token: tokenOf('rotating-1') }));
    await w.apply(subscription('rotating'));
    const first = await w.waitForCondition('Subscription', 'rotating', 'Programmed', 'True');
    await w.apply(secret('rotating-token', { token: tokenOf('rotating-2') }));
    await waitFor('the new token on the gateway', () => subscriptionsOf(tokenOf('rotating-2')).length === 1);
    await waitFor('the old one gone', () => subscriptionsOf(tokenOf('rotating-1')).length === 0);
    const second = await w.waitForCondition('Subscription', 'rotating', 'Programmed', 'True');
    await resync(w, 'Subscription', 'rotating');
    expect((await w.get('Subscription', 'rotating'))?.status?.id).not.toBe(first.status?.id);
    expect(second.status?.id).toBe(subscriptionsOf(tokenOf('rotating-2'))[0].id);
    expect(JSON.stringify(second.status) + w.logs.join('\n')).not.toContain('token-of-rotating');
  });

  it("adopts the subscription the gateway already holds for its API and token instead of failing on the gateway's 409", async () => {
    await w.apply(restApi('taken-api'));
    await w.waitForCondition('RestApi', 'taken-api', 'Programmed', 'True');
    await w.apply(secret('taken-token', { token: tokenOf('taken') }));
    const post = (token: string) =>
      fetch(`${w.gateway.baseUrl}/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ apiId: 'taken-api', subscriptionToken: token }),
      });
    expect((await post(tokenOf('taken'))).status).toBe(201);
    await w.apply(subscription('taken', { apiId: 'taken-api' }));
    const obj = await w.waitForCondition('Subscription', 'taken', 'Programmed', 'True');
    expect(subscriptionsOf(tokenOf('taken'))).toHaveLength(1);
    expect(obj.status?.id).toBe(subscriptionsOf(tokenOf('taken'))[0].id);

    // Two unmanaged subscriptions of that API: which one holds the token cannot be told, and the resource says so.
    await w.apply(secret('ambiguous-token', { token: tokenOf('ambiguous') }));
    expect((await post(tokenOf('ambiguous'))).status).toBe(201);
    expect((await post(tokenOf('someone-else'))).status).toBe(201);
    await w.apply(subscription('ambiguous', { apiId: 'taken-api' }));
    const refused = await w.waitForCondition('Subscription', 'ambiguous', 'Programmed', 'False', { reason: 'DeploymentFailed' });
    expect(conditionOf(refused, 'Programmed')?.message).toContain('several subscriptions of API taken-api');
    expect(subscriptionsOf(tokenOf('ambiguous'))).toHaveLength(1);
  });
});
