import { describe, expect, it } from 'vitest';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { TENANT } from '../support/threescale-e2e.ts';
import { resource, useThreescaleCases } from '../support/threescale-reliability.ts';

// The crash between the 3scale write and the status write, for the kind whose e2e file does not cover it
// (threescale-lifecycle.ts and the kinds' own files cover the others): ApplicationAuth, whose key is added by a POST.
const world = useThreescaleCases(['auth'], { retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 1 } });
const { cases } = world;

type Row = Record<string, any>;
const secret = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });
const keysOf = (appName: string) => {
  const [app] = world.w.threescale.state.list(TENANT, 'applications', (a) => a.name === appName) as Row[];
  return world.w.threescale.state.applicationKeys(TENANT, app.id) as string[];
};

/** A Ready Application on an app-key product, with its account; the ApplicationAuth named `name` adds keys to it. */
async function readyApplication(name: string) {
  const w = world.w;
  const account = cases.find((c) => c.kind === 'DeveloperAccount')!;
  await w.apply(account.make('auth'));
  await w.apply(resource('Product', 'auth', { name: 'auth', deployment: { apicastHosted: { authentication: { appKeyAppID: {} } } }, applicationPlans: { basic: { published: true } } }));
  await w.apply(resource('Application', name, { accountCR: { name: 'auth' }, productCR: { name: 'auth' }, applicationPlanName: 'basic', name, description: name }));
  await w.waitForCondition('Application', name, 'Ready', 'True');
}

describe('3scale ApplicationAuth after a crash', () => {
  it('adds the application key of the Secret once when the sync dies before its status write', async () => {
    const w = world.w;
    await readyApplication('crash-app');
    const before = keysOf('crash-app').length;
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash-auth');
    try {
      await w.apply(secret('crash-auth', { ApplicationKey: 'ak-crash-5e1f0a9b7c3d' }));
      await w.apply(resource('ApplicationAuth', 'crash-auth', { applicationCRName: 'crash-app', authSecretRef: { name: 'crash-auth' } }));
      await w.waitForCondition('ApplicationAuth', 'crash-auth', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(keysOf('crash-app')).toHaveLength(before + 1);
    } finally {
      crash.restore();
    }
  });

  // The generated key is written to the Secret before 3scale hears of it: a crash at the Secret write leaves nothing
  // in 3scale, and the key 3scale ends with is the one the Secret holds (once a crash after the POST left an unknown key).
  it('generates one key, the one the Secret holds, when the sync dies at the Secret write', async () => {
    const w = world.w;
    await readyApplication('generated-app');
    const before = keysOf('generated-app').length;
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'generated-auth', 'patchData');
    try {
      await w.apply(secret('generated-auth', {}));
      await w.apply(resource('ApplicationAuth', 'generated-auth', { applicationCRName: 'generated-app', authSecretRef: { name: 'generated-auth' }, generateSecret: true }));
      await w.waitForCondition('ApplicationAuth', 'generated-auth', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(keysOf('generated-app')).toHaveLength(before + 1);
      const stored = await w.get('Secret', 'generated-auth', 'v1');
      const key = Buffer.from(String(stored?.data?.ApplicationKey), 'base64').toString();
      expect(keysOf('generated-app')).toContain(key);
    } finally {
      crash.restore();
    }
  });
});
