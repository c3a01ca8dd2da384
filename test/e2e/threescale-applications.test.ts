import { describe, expect, it } from 'vitest';
import { sendPointer } from '../support/send-message.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { itCreatesNoDuplicateAfterACrash } from '../support/threescale-lifecycle.ts';
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
const appIdProduct = (name: string) => {
  const p = product(name);
  return { ...p, spec: { ...p.spec, deployment: { apicastHosted: { authentication: { appKeyAppID: {} } } } } };
};
const creds = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });
const USER_KEY = 'uk-app-7c1e2b4d6f80a1c3';
const APP_ID = 'appid-5f4e3d2c';
const APP_KEY = 'ak-app-9d8c7b6a5f4e';
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

  itCreatesNoDuplicateAfterACrash({ world: () => w, kind: 'Application', condition: 'Ready', make: (name) => application(name), copies: (name) => apps(`App ${name}`).length }, 'crash-app');

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

  it('is created with the credentials of authSecretRef, waiting for the Secret (user key for a user-key product)', async () => {
    await w.apply(application('keyed', { authSecretRef: { name: 'keyed-creds' } }));
    const waiting = await w.waitForCondition('Application', 'keyed', 'Ready', 'False');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ message: expect.stringContaining('spec.authSecretRef') }));
    expect(apps('App keyed')).toEqual([]);
    await w.apply(creds('keyed-creds', { UserKey: USER_KEY, ApplicationID: APP_ID, ApplicationKey: APP_KEY }));
    await w.waitForCondition('Application', 'keyed', 'Ready', 'True');
    expect(apps('App keyed')).toEqual([expect.objectContaining({ user_key: USER_KEY })]);
  });

  it('a Secret without the key that the product authentication needs is refused, naming the key', async () => {
    await w.apply(appIdProduct('appid-product'));
    await w.waitForCondition('Product', 'appid-product', 'Synced', 'True');
    await w.apply(creds('half-creds', { ApplicationID: APP_ID }));
    await w.apply(application('half', { productCR: { name: 'appid-product' }, authSecretRef: { name: 'half-creds' } }));
    const bad = await w.waitForCondition('Application', 'half', 'Ready', 'False', { reason: 'Invalid' });
    expect(bad.status?.conditions).toContainEqual(expect.objectContaining({ message: expect.stringContaining('ApplicationKey') }));
    expect(apps('App half')).toEqual([]);
    await w.remove('Application', 'half');
    await w.waitForGone('Application', 'half');
  });

  it('moving to another product replaces the 3scale application (new credentials from the Secret), never leaving or doubling one, even when the old one cannot be deleted at first', async () => {
    const oldId = apps('App keyed')[0].id;
    const newPid = await productId('appid-product');
    w.threescale.faults.inject({ method: 'DELETE', path: new RegExp(`/applications/${oldId}\\.json$`), status: 500, times: 2 });
    const before = w.threescale.calls.length;
    await w.apply(application('keyed', { productCR: { name: 'appid-product' }, authSecretRef: { name: 'keyed-creds' } }));
    await waitFor('moved', async () => (await w.get('Application', 'keyed'))?.status?.productId === newPid && apps('App keyed').length === 1);
    const [moved] = apps('App keyed');
    expect(moved).toMatchObject({ service_id: newPid, plan_id: planId(newPid, 'basic'), application_id: APP_ID });
    expect(w.threescale.state.applicationKeys(TENANT, moved.id)).toEqual([APP_KEY]);
    expect((await w.get('Application', 'keyed'))!.status).toMatchObject({ applicationID: moved.id });
    const creates = w.threescale.calls.slice(before).filter((c) => c.method === 'POST' && /\/applications\.json$/.test(c.path));
    expect(creates).toHaveLength(1);
    // Both injected failures were met (sync retried with the new application already there) before the delete went through.
    expect(w.threescale.calls.slice(before).filter((c) => c.method === 'DELETE' && c.path.includes(`/applications/${oldId}.`)).length).toBeGreaterThanOrEqual(3);
    const seen = JSON.stringify([w.logs, (await w.get('Application', 'keyed'))?.status]);
    for (const secret of [USER_KEY, APP_KEY]) expect(seen).not.toContain(secret);
  });

  it('moving to another account (immutable for the operator) replaces it there too, once', async () => {
    await applyAccount('app-account-2');
    await w.waitForCondition('DeveloperAccount', 'app-account-2', 'Ready', 'True');
    const oldId = apps('App keyed')[0].id;
    const newAccount = (await w.get('DeveloperAccount', 'app-account-2'))!.status!.accountID as number;
    await w.apply(application('keyed', { accountCR: { name: 'app-account-2' }, productCR: { name: 'appid-product' }, authSecretRef: { name: 'keyed-creds' } }));
    await waitFor('moved', async () => (await w.get('Application', 'keyed'))?.status?.accountID === newAccount && apps('App keyed').length === 1);
    const [moved] = apps('App keyed');
    expect(moved).toMatchObject({ account_id: newAccount, application_id: APP_ID });
    expect(moved.id).not.toBe(oldId);
  });
});
