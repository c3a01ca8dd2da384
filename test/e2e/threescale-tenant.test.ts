import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';
import { DELETION_POLICY, FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { sendPointer } from '../support/send-message.ts';
import { MASTER_TOKEN, useThreescaleWorld, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { writesOfOneResync } from '../support/threescale-resync.ts';
import { seedCopyPath } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

const SEED = seedCopyPath('19-tenant-ecorp.yaml');
const V1ALPHA1 = 'capabilities.3scale.net/v1alpha1';
const HOLD = 'e2e.apim-sync.io/hold';

let w: ThreescaleWorld;
useThreescaleWorld(
  (world) => {
    w = world;
  },
  // One attempt per missing reference: waiting Tenants must be woken by the watcher, not by retries. A short vendor
  // timeout, so that a slow signup is given up while 3scale still carries it out.
  { retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 1 }, vendorTimeoutMs: 2_000 },
);

const secret = (name: string, stringData: Record<string, string>, namespace?: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(namespace ? { namespace } : {}) }, stringData });
const masterSecret = (namespace?: string, token = MASTER_TOKEN) => secret('system-seed', { MASTER_ACCESS_TOKEN: token }, namespace);
const passwordSecret = (name: string) => secret(name, { admin_password: `pw-${name}-Qx71` });
const tenant = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: V1ALPHA1,
  kind: 'Tenant',
  metadata: { name, ...metadata },
  spec: {
    username: 'admin',
    email: `admin@${name}.example.com`,
    organizationName: `Org ${name}`,
    systemMasterUrl: w.threescale.url,
    masterCredentialsRef: {},
    passwordCredentialsRef: { name: `${name}-admin` },
    tenantSecretRef: {},
    ...spec,
  },
});
async function applyTenant(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  await w.apply(passwordSecret(`${name}-admin`));
  return w.apply(tenant(name, spec, metadata));
}

const getTenant = (name: string) => w.get('Tenant', name, V1ALPHA1);
const waitForTenant = (name: string, type: string, status: 'True' | 'False') => w.waitForCondition('Tenant', name, type, status, { apiVersion: V1ALPHA1 });

/** Master's accounts are the tenants (provider accounts). */
const tenantsNamed = (orgName: string) => w.threescale.state.list('master', 'accounts', (a) => a.org_name === orgName);
const readSecret = async (name: string, namespace = w.ns) => {
  const s = await w.cluster.core.readNamespacedSecret({ name, namespace }).catch(() => undefined);
  return s && { labels: s.metadata?.labels, data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])) };
};
/** A 3scale call made with the tenant Secret's credentials: the token works on the tenant's own portal. */
async function tokenWorks(creds: Record<string, string>): Promise<boolean> {
  const res = await fetch(`${creds.adminURL}/admin/api/backend_apis.json`, { headers: { authorization: 'Basic ' + Buffer.from(':' + creds.token).toString('base64') } });
  return res.status === 200;
}
const events = async (name: string) => (await w.cluster.core.listNamespacedEvent({ namespace: w.ns, fieldSelector: `involvedObject.name=${name}` })).items;
const resync = async (name: string) => sendPointer(w.plane, (await getTenant(name))!, { reason: 'resync', cause: 'e2e' });
async function removeHold(name: string) {
  const obj = await getTenant(name);
  if (!obj) return;
  await w.apply({ apiVersion: V1ALPHA1, kind: 'Tenant', metadata: { name, finalizers: (obj.metadata.finalizers ?? []).filter((f) => f !== HOLD) } });
}

describe('3scale Tenant', () => {
  it("the guide's example, placeholders filled in, signs up the tenant and writes its Secret, which other resources use", async () => {
    // The guide installs 3scale in another namespace (cluster-wide mode): system-seed lives there.
    const threescaleNs = `e2e-3scale-${randomBytes(3).toString('hex')}`;
    await w.cluster.core.createNamespace({ body: { metadata: { name: threescaleNs } } });
    try {
      await w.apply(masterSecret(threescaleNs));
      // The guide's step 2: `oc create secret generic ecorp-admin-secret --from-literal=admin_password=...`.
      await w.apply(secret('ecorp-admin-secret', { admin_password: 'ecorp-pw-8812' }));
      const text = readFileSync(SEED, 'utf8')
        .replace('<namespace-in-which-to-create-Tenant-CR>', w.ns)
        // the emulator's master portal serves plain http on loopback
        .replace('https://<MASTER_HOSTNAME>', w.threescale.url)
        .replace('<namespace-where-3scale-is-deployed>', threescaleNs)
        .replace('<ADMIN_SECRET>', 'ecorp-admin-secret');
      await w.apply(parse(text));
      const ready = await waitForTenant('ecorp-tenant', 'Ready', 'True');

      expect(tenantsNamed('ECorp')).toHaveLength(1);
      const [remote] = tenantsNamed('ECorp');
      expect(remote.state).toBe('approved');
      const admins = w.threescale.state.list('master', 'users', (u) => u.username === 'admin' && u.email === 'admin@ecorp.com');
      expect(admins).toEqual([expect.objectContaining({ role: 'admin', state: 'active' })]);
      expect(ready.status).toMatchObject({ tenantId: remote.id, adminId: admins[0].id });
      for (const [type, status] of [['Ready', 'True'], ['Invalid', 'False'], ['Waiting', 'False'], ['Failed', 'False']]) {
        expect(conditionOf(ready, type)).toMatchObject({ status, observedGeneration: 1 });
      }

      // The Secret as the guide shows it: adminURL and token, in the Tenant's namespace, labelled as the operator does.
      const written = (await readSecret('tenant-secret'))!;
      expect(Object.keys(written.data).sort()).toEqual(['adminURL', 'token']);
      expect(written.labels).toMatchObject({ app: '3scale-operator' });
      expect(written.data.adminURL).toBe(`http://${remote.admin_domain}`);
      expect(await tokenWorks(written.data)).toBe(true);

      // A Backend of the new tenant, through the Secret as its providerAccountRef.
      await w.apply({
        apiVersion: 'capabilities.3scale.net/v1beta1',
        kind: 'Backend',
        metadata: { name: 'ecorp-backend' },
        spec: { name: 'Ecorp Backend', privateBaseURL: 'https://ecorp.example.com', providerAccountRef: { name: 'tenant-secret' } },
      });
      await w.waitForCondition('Backend', 'ecorp-backend', 'Synced', 'True');
      const tenantName = w.threescale.state.tenants().find((t) => t.id === remote.id)?.name;
      expect(tenantName).toBeDefined();
      expect(w.threescale.state.backendBySystemName(tenantName!, 'EcorpBackend')).toBeDefined();

      // The token stays in the Secret: never in status, events or logs.
      const token = written.data.token;
      expect(JSON.stringify(ready.status)).not.toContain(token);
      expect(JSON.stringify(await events('ecorp-tenant'))).not.toContain(token);
      expect(w.logs.join('\n')).not.toContain(token);
    } finally {
      await w.cluster.core.deleteNamespace({ name: threescaleNs }).catch(() => {});
    }
  });

  it('npx apim-sync validate accepts the example', () => {
    expect(validatePaths([SEED])).toEqual({ checked: 1, findings: [], notSynced: [] });
  });

  it("uses the system-seed Secret of its own namespace by default, and names the tenant Secret after itself and the organization", async () => {
    await w.apply(masterSecret());
    await applyTenant('plain', { organizationName: 'Plain Org' });
    const ready = await waitForTenant('plain', 'Ready', 'True');
    expect(tenantsNamed('Plain Org')).toHaveLength(1);
    expect(ready.status?.tenantId).toBe(tenantsNamed('Plain Org')[0].id);
    const written = await readSecret('plain-plain-org');
    expect(written?.data.adminURL).toBe(w.threescale.state.tenants().find((t) => t.id === ready.status?.tenantId)?.adminUrl);
    expect(await tokenWorks(written!.data)).toBe(true);
  });

  it('converges the emails and site access code, reverts a change made in 3scale, and a resync with nothing changed writes nothing', async () => {
    await w.apply(masterSecret());
    await applyTenant('mails');
    const first = await waitForTenant('mails', 'Ready', 'True');
    const id = first.status?.tenantId as number;
    const fields = { fromEmail: 'no-reply@mails.example.com', supportEmail: 'support@mails.example.com', financeSupportEmail: 'billing@mails.example.com', siteAccessCode: 'open-sesame' };
    await w.apply(tenant('mails', fields));
    await waitFor('generation 2 Ready', async () => ((await waitForTenant('mails', 'Ready', 'True')).metadata.generation === 2 ? true : undefined));
    const wanted = { from_email: fields.fromEmail, support_email: fields.supportEmail, finance_support_email: fields.financeSupportEmail, site_access_code: fields.siteAccessCode };
    expect(w.threescale.state.get('master', 'accounts', id)).toMatchObject(wanted);

    // A change in the master portal is reverted by the next resync.
    w.threescale.state.patch('master', 'accounts', id, { support_email: 'changed-in-ui@mails.example.com' });
    await resync('mails');
    await waitFor('drift reverted', () => w.threescale.state.get('master', 'accounts', id)?.support_email === fields.supportEmail);

    expect(await writesOfOneResync(w, 'Tenant', 'mails', V1ALPHA1)).toBe(0);
    expect(tenantsNamed('Org mails')).toHaveLength(1);
  });

  it('a deleted tenant Secret is written again, with a new working token', async () => {
    await w.apply(masterSecret());
    await applyTenant('lost');
    await waitForTenant('lost', 'Ready', 'True');
    const before = (await readSecret('lost-org-lost'))!.data;
    await w.cluster.core.deleteNamespacedSecret({ name: 'lost-org-lost', namespace: w.ns });
    const again = await waitFor('secret written again', () => readSecret('lost-org-lost'));
    expect(again.data.adminURL).toBe(before.adminURL);
    expect(again.data.token).not.toBe(before.token);
    expect(await tokenWorks(again.data)).toBe(true);
    expect(tenantsNamed('Org lost')).toHaveLength(1);
    // Neither the new token nor the provider key that minted it is logged.
    const [app] = w.threescale.state.list('master', 'applications', (a) => a.account_id === tenantsNamed('Org lost')[0].id);
    for (const credential of [again.data.token, String(app.user_key)]) expect(w.logs.join('\n')).not.toContain(credential);
  });

  it('a crash between the signup and the Secret write leaves exactly one tenant and a working Secret', async () => {
    await w.apply(masterSecret());
    const cluster = await w.plane.deps.clusters.get('local');
    const create = cluster.create.bind(cluster);
    let crashes = 0;
    cluster.create = async (obj) => {
      if (obj.kind === 'Secret' && obj.metadata.name === 'crash-org-crash' && crashes++ === 0) throw new Error('process killed before the Secret write');
      return create(obj);
    };
    try {
      await applyTenant('crash');
      const ready = await waitForTenant('crash', 'Ready', 'True');
      expect(crashes).toBeGreaterThan(1);
      expect(tenantsNamed('Org crash')).toHaveLength(1);
      expect(ready.status?.tenantId).toBe(tenantsNamed('Org crash')[0].id);
      const written = (await readSecret('crash-org-crash'))!;
      expect(await tokenWorks(written.data)).toBe(true);
    } finally {
      cluster.create = create;
    }
  });

  it('a signup answered after the client gave up (3scale still makes the tenant) leaves one tenant and a working Secret', async () => {
    await w.apply(masterSecret());
    const signups = () => w.threescale.calls.filter((c) => c.method === 'POST' && c.path === '/master/api/providers.json');
    const before = signups().length;
    w.threescale.faults.inject({ method: 'POST', path: /^\/master\/api\/providers\.json$/, delayMs: 2_500, times: 1 });
    await applyTenant('slow');
    const ready = await waitForTenant('slow', 'Ready', 'True');
    // The first signup made the tenant although its answer (and token) never arrived.
    expect(signups()[before]?.status).toBe(201);
    expect(tenantsNamed('Org slow')).toHaveLength(1);
    expect(ready.status?.tenantId).toBe(tenantsNamed('Org slow')[0].id);
    expect(await tokenWorks((await readSecret('slow-org-slow'))!.data)).toBe(true);
  });

  it('waits for a missing master Secret, naming it, and signs up once it appears', async () => {
    await applyTenant('nomaster', { masterCredentialsRef: { name: 'master-later' } });
    const waiting = await waitForTenant('nomaster', 'Waiting', 'True');
    expect(conditionOf(waiting, 'Waiting')?.message).toContain(`${w.ns}/master-later`);
    expect(conditionOf(waiting, 'Ready')).toMatchObject({ status: 'False' });
    expect(tenantsNamed('Org nomaster')).toHaveLength(0);
    await w.apply(secret('master-later', { MASTER_ACCESS_TOKEN: MASTER_TOKEN }));
    await waitForTenant('nomaster', 'Ready', 'True');
    expect(tenantsNamed('Org nomaster')).toHaveLength(1);
  });

  it('rotating the master Secret re-syncs the Tenant (the watcher follows it)', async () => {
    await w.apply(masterSecret());
    await applyTenant('rotated');
    await waitForTenant('rotated', 'Ready', 'True');
    try {
      await w.apply(masterSecret(undefined, 'a-revoked-master-token'));
      const failed = await waitForTenant('rotated', 'Failed', 'True');
      expect(conditionOf(failed, 'Failed')?.message).toContain('the master token (spec.masterCredentialsRef) is wrong');
    } finally {
      await w.apply(masterSecret());
    }
    await waitForTenant('rotated', 'Ready', 'True');
    expect(tenantsNamed('Org rotated')).toHaveLength(1);
  });

  it('a wrong master token fails naming the master token; a malformed spec is Invalid naming the field', async () => {
    await w.apply(secret('master-wrong', { MASTER_ACCESS_TOKEN: 'not-the-master-token' }));
    await applyTenant('wrongtoken', { masterCredentialsRef: { name: 'master-wrong' } });
    const failed = await waitForTenant('wrongtoken', 'Failed', 'True');
    expect(conditionOf(failed, 'Failed')?.message).toContain('master token');

    await w.apply(masterSecret());
    await applyTenant('badmail', { email: 'not-an-email' });
    const invalid = await waitForTenant('badmail', 'Invalid', 'True');
    expect(conditionOf(invalid, 'Invalid')?.message).toContain('email');
    expect(tenantsNamed('Org badmail')).toHaveLength(0);
  });

  it('deleting schedules the tenant for deletion and says it is removed after 15 days', async () => {
    await w.apply(masterSecret());
    // A second finalizer keeps the resource readable once apim-sync's is gone, to read what its status said.
    await applyTenant('gone', {}, { finalizers: [HOLD] });
    const ready = await waitForTenant('gone', 'Ready', 'True');
    const id = ready.status?.tenantId as number;
    await w.remove('Tenant', 'gone', V1ALPHA1);
    const deleted = await waitFor('finalizer removed', async () => {
      const obj = await getTenant('gone');
      return obj && !obj.metadata.finalizers?.includes(FINALIZER) ? obj : undefined;
    });
    expect(conditionOf(deleted, 'Ready')).toMatchObject({ status: 'False', reason: 'Deleted', message: expect.stringContaining('removed after 15 days') });
    expect(conditionOf(deleted, 'Ready')?.message).toContain('scheduled for deletion');
    expect(w.threescale.state.get('master', 'accounts', id)).toMatchObject({ state: 'scheduled_for_deletion' });
    const succeeded = (await events('gone')).find((e) => e.reason === 'DeleteSucceeded');
    expect(succeeded?.message).toContain('15 days');
    await removeHold('gone');
    await waitFor('Tenant gone', async () => !(await getTenant('gone')));
    // Its Secret is kept: within the 15 days a resume in the master portal makes the tenant usable again.
    expect(await readSecret('gone-org-gone')).toBeDefined();
  });

  it(`with ${DELETION_POLICY}: orphan, deleting the resource keeps the tenant`, async () => {
    await w.apply(masterSecret());
    await applyTenant('kept', {}, { annotations: { [DELETION_POLICY]: 'orphan' } });
    const ready = await waitForTenant('kept', 'Ready', 'True');
    await w.remove('Tenant', 'kept', V1ALPHA1);
    await waitFor('Tenant gone', async () => !(await getTenant('kept')));
    expect(w.threescale.state.get('master', 'accounts', ready.status?.tenantId as number)).toMatchObject({ state: 'approved' });
    expect(await tokenWorks((await readSecret('kept-org-kept'))!.data)).toBe(true);
  });
});
