import { describe, expect, it } from 'vitest';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

let w: ThreescaleWorld;
useThreescaleWorld(async (world) => {
  w = world;
  await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'auth-admin' }, stringData: { password: 'pw-auth-admin-Qx7' } });
  await w.apply({
    apiVersion: THREESCALE,
    kind: 'DeveloperUser',
    metadata: { name: 'auth-admin' },
    spec: { username: 'auth-admin', email: 'auth-admin@example.com', passwordCredentialsRef: { name: 'auth-admin' }, developerAccountRef: { name: 'auth-account' }, role: 'admin' },
  });
  await w.apply({ apiVersion: THREESCALE, kind: 'DeveloperAccount', metadata: { name: 'auth-account' }, spec: { orgName: 'Org auth' } });
  for (const [name, authentication] of [['userkey-product', { userkey: { authUserKey: 'api-key', credentials: 'headers' } }], ['appkey-product', { appKeyAppID: {} }]] as const) {
    await w.apply({ apiVersion: THREESCALE, kind: 'Product', metadata: { name }, spec: { name, deployment: { apicastHosted: { authentication } }, applicationPlans: { basic: { published: true } } } });
  }
}, { retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 1 } });

type Row = Record<string, any>;
const app = (name: string) => (w.threescale.state.list(TENANT, 'applications', (a) => a.name === name) as Row[])[0];
const keys = (id: number) => w.threescale.state.applicationKeys(TENANT, id) as string[];
const secretData = async (name: string) => {
  const s = await w.cluster.core.readNamespacedSecret({ name, namespace: w.ns });
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
};
const application = (name: string, product: string) => ({
  apiVersion: THREESCALE,
  kind: 'Application',
  metadata: { name },
  spec: { accountCR: { name: 'auth-account' }, productCR: { name: product }, applicationPlanName: 'basic', name, description: name },
});
const auth = (name: string, appName: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: THREESCALE,
  kind: 'ApplicationAuth',
  metadata: { name },
  spec: { applicationCRName: appName, authSecretRef: { name }, ...spec },
});
const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });

const USER_KEY = 'uk-3f9a7c1e2b4d6f80a1c3e5f7';
const ROTATED = 'uk-rotated-0b1c2d3e4f5a6b7c';
const APP_KEY = 'ak-9d8c7b6a5f4e3d2c1b0a';

describe('3scale ApplicationAuth', () => {
  // userkey-product names its gateway credential `api-key`: the admin API still takes the key as `user_key`.
  it('waits for its Application, then sets the user key from the Secret (a custom authUserKey too)', async () => {
    await w.apply(secret('userkey-auth', { UserKey: USER_KEY }));
    await w.apply(auth('userkey-auth', 'userkey-app'));
    // The operator's ApplicationAuth writes Ready and Failed only: a missing Application is a Failed with its name.
    const waiting = await w.waitForCondition('ApplicationAuth', 'userkey-auth', 'Failed', 'True');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('spec.applicationCRName') }));
    await w.apply(application('userkey-app', 'userkey-product'));
    await w.waitForCondition('Application', 'userkey-app', 'Ready', 'True');
    await w.waitForCondition('ApplicationAuth', 'userkey-auth', 'Ready', 'True');
    expect(app('userkey-app').user_key).toBe(USER_KEY);
  });

  it('a rotated Secret re-syncs the user key', async () => {
    await w.apply(secret('userkey-auth', { UserKey: ROTATED }));
    await waitFor('rotated', () => app('userkey-app')?.user_key === ROTATED);
  });

  it('adds the application key from the Secret, once', async () => {
    await w.apply(application('appkey-app', 'appkey-product'));
    await w.apply(secret('appkey-auth', { ApplicationKey: APP_KEY }));
    await w.apply(auth('appkey-auth', 'appkey-app'));
    await w.waitForCondition('ApplicationAuth', 'appkey-auth', 'Ready', 'True');
    const id = app('appkey-app').id;
    expect(keys(id).filter((k) => k === APP_KEY)).toHaveLength(1);
  });

  it('generates a key into the Secret with generateSecret, idempotently', async () => {
    const id = app('appkey-app').id;
    const before = keys(id).length;
    await w.apply(secret('generated-auth', {}));
    await w.apply(auth('generated-auth', 'appkey-app', { generateSecret: true }));
    await w.waitForCondition('ApplicationAuth', 'generated-auth', 'Ready', 'True');
    await waitFor('written back', async () => Boolean((await secretData('generated-auth')).ApplicationKey));
    const data = await secretData('generated-auth');
    expect(keys(id)).toContain(data.ApplicationKey);
    expect(data.ApplicationID).toBe(app('appkey-app').application_id);
    await w.waitForCondition('ApplicationAuth', 'generated-auth', 'Ready', 'True');
    expect(keys(id)).toHaveLength(before + 1);
  });

  it('without keys nor generateSecret is Invalid', async () => {
    await w.apply(secret('empty-auth', {}));
    await w.apply(auth('empty-auth', 'appkey-app'));
    const bad = await w.waitForCondition('ApplicationAuth', 'empty-auth', 'Failed', 'True');
    expect(bad.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('spec.authSecretRef') }));
  });

  it('keeps every key out of statuses, events and logs', async () => {
    const generated = (await secretData('generated-auth')).ApplicationKey;
    const events = await w.cluster.core.listNamespacedEvent({ namespace: w.ns });
    const statuses = await Promise.all(['userkey-auth', 'appkey-auth', 'generated-auth', 'empty-auth'].map((n) => w.get('ApplicationAuth', n)));
    const apps = await Promise.all(['userkey-app', 'appkey-app'].map((n) => w.get('Application', n)));
    const seen = JSON.stringify([w.logs, events.items.map((e) => e.message), statuses.map((s) => s?.status), apps.map((s) => s?.status)]);
    for (const k of [USER_KEY, ROTATED, APP_KEY, generated]) expect(seen).not.toContain(k);
  });
});
