import { describe, expect, it } from 'vitest';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { sendPointer } from '../support/send-message.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

let w: ThreescaleWorld;
  // One attempt per missing reference: the waits below must be resolved by the watcher's triggers, not by retries.
useThreescaleWorld((world) => {
  w = world;
}, { retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 1 } });

type Row = Record<string, any>;
const apps = (name: string) => w.threescale.state.list(TENANT, 'applications', (a) => a.name === name) as Row[];
const planId = (productId: number, systemName: string) => (w.threescale.state.list(TENANT, 'plans', (p) => p.service_id === productId && p.system_name === systemName) as Row[])[0]?.id;
const productId = async (name: string) => (await w.get('Product', name))!.status!.productId as number;

const product = (name: string) => ({
  apiVersion: THREESCALE,
  kind: 'Product',
  metadata: { name },
  spec: { name: `Product ${name}`, applicationPlans: { basic: { name: 'Basic', published: true }, premium: { name: 'Premium', published: true } } },
});
async function applyAccount(name: string) {
  await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}-admin` }, stringData: { password: 'pw-app-admin-Qx7' } });
  await w.apply({
    apiVersion: THREESCALE,
    kind: 'DeveloperUser',
    metadata: { name: `${name}-admin` },
    spec: { username: `${name}-admin`, email: `${name}-admin@example.com`, passwordCredentialsRef: { name: `${name}-admin` }, developerAccountRef: { name }, role: 'admin' },
  });
  await w.apply({ apiVersion: THREESCALE, kind: 'DeveloperAccount', metadata: { name }, spec: { orgName: `Org ${name}` } });
}
const application = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: THREESCALE,
  kind: 'Application',
  metadata: { name, ...metadata },
  spec: { accountCR: { name: 'app-account' }, productCR: { name: 'app-product' }, applicationPlanName: 'basic', name: `App ${name}`, description: `Description of ${name}`, ...spec },
});
const acknowledgedWaiting = (name: string) =>
  waitFor(`${name} left to the watcher`, () => w.logs.some((l) => l.includes('the watcher re-enqueues when it appears') && l.includes(`"${name}"`)));

describe('3scale Application', () => {
  it('waits for its account and product (Ready False naming them, as the operator), then is created on the plan by event', async () => {
    await w.apply(application('first'));
    const orphan = await w.waitForCondition('Application', 'first', 'Ready', 'False');
    expect(orphan.status?.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('spec.accountCR') })]);
    await acknowledgedWaiting('first');
    await applyAccount('app-account');
    await w.apply(product('app-product'));
    const ready = await w.waitForCondition('Application', 'first', 'Ready', 'True');
    const pid = await productId('app-product');
    const [remote] = apps('App first');
    expect(apps('App first')).toHaveLength(1);
    expect(remote).toMatchObject({ service_id: pid, plan_id: planId(pid, 'basic'), state: 'live', description: 'Description of first' });
    expect(ready.status).toMatchObject({ applicationID: remote.id, state: 'live', providerAccountHost: w.adminURL });
    // The operator's Application writes Ready only.
    expect(ready.status?.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'True' })]);
  });

  it('an unknown plan is refused (Ready False, reason Invalid), naming the field', async () => {
    await w.apply(application('bad-plan', { applicationPlanName: 'gold' }));
    const bad = await w.waitForCondition('Application', 'bad-plan', 'Ready', 'False');
    expect(bad.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', reason: 'Invalid', message: expect.stringContaining('spec.applicationPlanName') }));
    expect(apps('App bad-plan')).toEqual([]);
  });

  it('converges name, description, plan (change_plan) and suspend/resume', async () => {
    const id = apps('App first')[0].id;
    await w.apply(application('first', { name: 'App renamed', description: 'new', applicationPlanName: 'premium', suspend: true }));
    const pid = await productId('app-product');
    await waitFor('updated', () => apps('App renamed')[0]?.state === 'suspended' && apps('App renamed')[0]?.plan_id === planId(pid, 'premium'));
    expect(apps('App renamed')).toEqual([expect.objectContaining({ id, description: 'new' })]);
    await w.apply(application('first', { name: 'App renamed', description: 'new', applicationPlanName: 'premium', suspend: false }));
    await waitFor('resumed', () => apps('App renamed')[0]?.state === 'live');
  });

  it('reverts changes made in the admin portal on a resync', async () => {
    const app = apps('App renamed')[0];
    w.threescale.state.patch(TENANT, 'applications', Number(app.id), { description: 'edited', state: 'suspended' });
    await sendPointer(w.plane, (await w.get('Application', 'first'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => apps('App renamed')[0]?.description === 'new' && apps('App renamed')[0]?.state === 'live');
  });

  it('creates no duplicate after a crash between the create and the status write', async () => {
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash-app');
    try {
      await w.apply(application('crash-app'));
      await w.waitForCondition('Application', 'crash-app', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(apps('App crash-app')).toHaveLength(1);
    } finally {
      crash.restore();
    }
  });

  it('deletes the 3scale application, and keeps it with deletion-policy orphan', async () => {
    await w.remove('Application', 'first');
    await w.waitForGone('Application', 'first');
    expect(apps('App renamed')).toEqual([]);
    await w.apply(application('crash-app', {}, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.remove('Application', 'crash-app');
    await w.waitForGone('Application', 'crash-app');
    expect(apps('App crash-app')).toHaveLength(1);
    await w.remove('Application', 'bad-plan');
    await w.waitForGone('Application', 'bad-plan');
  });
});
