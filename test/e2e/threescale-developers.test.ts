import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';
import { OWNER_RECORD } from '../../shared/engine/metadata-keys.ts';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { sendPointer } from '../support/send-message.ts';
import { providerAccount, useThreescaleWorld, TENANT, TENANT_TOKEN, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { seedCopy, seedCopyPath } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';

const SEED = ['07-developeraccount-simple-sample.yaml', '22-developeruser-developeruser01.yaml', '23-developeraccount-developeraccount01.yaml', '25-developeruser-developeruser02.yaml'];
const seedObjects = () => SEED.map((f) => seedCopy(f));
const PASSWORD = (user: string) => `pw-${user}-Zq81xv`;

let w: ThreescaleWorld;
  // One attempt per missing reference: every wait below must be resolved by the watcher's triggers, not by retries.
useThreescaleWorld((world) => {
  w = world;
}, { retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 1 } });

const accounts = (orgName: string) => w.threescale.state.list(TENANT, 'accounts', (a) => a.org_name === orgName);
const usersNamed = (username: string) => w.threescale.state.list(TENANT, 'users', (u) => u.username === username);
/** A user row's link to its account (the emulator keeps the owner out of the rows it lists). */
const inAccount = (id: unknown) => expect.arrayContaining([expect.objectContaining({ rel: 'account', href: expect.stringMatching(new RegExp(`/accounts/${id}$`)) })]);
const passwordSecret = (name: string, user = name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: PASSWORD(user) } });
const account = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'capabilities.3scale.net/v1beta1',
  kind: 'DeveloperAccount',
  metadata: { name, ...metadata },
  spec: { orgName: `Org ${name}`, ...spec },
});
const user = (name: string, accountName: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'capabilities.3scale.net/v1beta1',
  kind: 'DeveloperUser',
  metadata: { name },
  spec: { username: name, email: `${name}@example.com`, passwordCredentialsRef: { name }, developerAccountRef: { name: accountName }, ...spec },
});
async function applyUser(name: string, accountName: string, spec: Record<string, unknown> = {}) {
  await w.apply(passwordSecret(name));
  await w.apply(user(name, accountName, spec));
}
/** The sync acknowledged the waiting message: from now on only a watcher trigger can move it. */
const acknowledgedWaiting = (name: string) =>
  waitFor(`${name} left to the watcher`, () => w.logs.some((l) => l.includes('the watcher re-enqueues when it appears') && l.includes(`"${name}"`)));

describe('3scale DeveloperAccount and DeveloperUser', () => {
  it("syncs the operator guide's examples unchanged: each DeveloperAccount is its own 3scale account, waiting for its admin user", async () => {
    await w.apply(providerAccount('mytenant', w.adminURL, TENANT_TOKEN));
    await w.apply(passwordSecret('myusername01'));
    await w.apply(passwordSecret('myusername02'));
    const [simple, user01, account01, user02] = seedObjects();
    await w.apply(user01);
    await w.apply(user02);
    // The guide's users name `developeraccount1`, which the guide never shows: declared here, same organization.
    await w.apply(account('developeraccount1', { orgName: 'Ecorp', providerAccountRef: { name: 'mytenant' } }));
    const acc = await w.waitForCondition('DeveloperAccount', 'developeraccount1', 'Ready', 'True');
    await w.apply(simple);
    await w.apply(account01);
    // The guide's other two examples name the same organization in the same tenant. As with the operator, which keys
    // an account by its id (org names are not unique), each is an account of its own, signed up with its own admin
    // DeveloperUser: the guide gives them none, so they wait for one ("valid admin developer user CR not found") and
    // neither writes to developeraccount1's account nor makes one.
    for (const name of ['developeraccount-simple-sample', 'developeraccount01']) {
      const waiting = await w.waitForCondition('DeveloperAccount', name, 'Waiting', 'True');
      expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('valid admin developer user CR not found') }));
      expect(waiting.status?.conditions).not.toContainEqual(expect.objectContaining({ reason: 'Conflict' }));
      expect(waiting.status?.accountID).toBeUndefined();
      await acknowledgedWaiting(name);
    }
    const u1 = await w.waitForCondition('DeveloperUser', 'developeruser01', 'Ready', 'True');
    const u2 = await w.waitForCondition('DeveloperUser', 'developeruser02', 'Ready', 'True');

    const [remote] = accounts('Ecorp');
    expect(accounts('Ecorp')).toHaveLength(1);
    expect(acc.status).toMatchObject({ accountID: remote.id, providerAccountHost: w.adminURL, accountState: 'approved' });
    expect(remote.annotations).toEqual({ managed_by: 'apim-sync' });
    for (const [type, status] of [['Ready', 'True'], ['Invalid', 'False'], ['Waiting', 'False'], ['Failed', 'False']]) {
      expect(acc.status?.conditions).toContainEqual(expect.objectContaining({ type, status, observedGeneration: 1 }));
    }
    expect(usersNamed('myusername01')).toEqual([expect.objectContaining({ role: 'admin', state: 'active', links: inAccount(remote.id) })]);
    expect(usersNamed('myusername02')).toEqual([expect.objectContaining({ role: 'member', state: 'active', links: inAccount(remote.id) })]);
    expect(u1.status).toMatchObject({ userID: usersNamed('myusername01')[0].id, accountID: remote.id, providerAccountHost: w.adminURL });
    expect(u2.status).toMatchObject({ userID: usersNamed('myusername02')[0].id, accountID: remote.id });
  });

  it('npx apim-sync validate accepts the examples', () => {
    expect(validatePaths(SEED.map(seedCopyPath))).toEqual({ checked: 4, findings: [], notSynced: [] });
  });

  it('an account waits (Waiting) for its admin user, then signs up with it', async () => {
    await w.apply(account('waits'));
    const waiting = await w.waitForCondition('DeveloperAccount', 'waits', 'Waiting', 'True');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('admin developer user') }));
    // As the operator: Failed only when neither Waiting nor Invalid.
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Failed', status: 'False' }));
    await acknowledgedWaiting('waits');
    await applyUser('waits-admin', 'waits', { role: 'admin' });
    await w.waitForCondition('DeveloperAccount', 'waits', 'Ready', 'True');
    await w.waitForCondition('DeveloperAccount', 'waits', 'Waiting', 'False');
    await w.waitForCondition('DeveloperUser', 'waits-admin', 'Ready', 'True');
    expect(accounts('Org waits')).toHaveLength(1);
    expect(usersNamed('waits-admin')).toEqual([expect.objectContaining({ role: 'admin', state: 'active', links: inAccount(accounts('Org waits')[0].id) })]);
  });

  it('a user waits (Orphan) for its account, then is created in it', async () => {
    await applyUser('early', 'late-account');
    const orphan = await w.waitForCondition('DeveloperUser', 'early', 'Orphan', 'True');
    expect(orphan.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Failed', status: 'False' }));
    await acknowledgedWaiting('early');
    await applyUser('late-admin', 'late-account', { role: 'admin' });
    await w.apply(account('late-account'));
    await w.waitForCondition('DeveloperAccount', 'late-account', 'Ready', 'True');
    await w.waitForCondition('DeveloperUser', 'early', 'Ready', 'True');
    expect(usersNamed('early')).toEqual([expect.objectContaining({ role: 'member', state: 'active', links: inAccount(accounts('Org late-account')[0].id) })]);
  });

  it('converges updates of the account and the user', async () => {
    await w.apply(account('late-account', { orgName: 'Renamed Org', monthlyBillingEnabled: false }));
    await waitFor('account updated', () => accounts('Renamed Org')[0]?.monthly_billing_enabled === false);
    await w.waitForCondition('DeveloperAccount', 'late-account', 'Ready', 'True');
    await w.apply(user('early', 'late-account', { email: 'early-renamed@example.com', role: 'admin', suspended: true }));
    await waitFor('user updated', () => usersNamed('early')[0]?.email === 'early-renamed@example.com');
    const u = await w.waitForCondition('DeveloperUser', 'early', 'Ready', 'True');
    expect(usersNamed('early')).toEqual([expect.objectContaining({ role: 'admin', state: 'suspended' })]);
    expect(u.status).toMatchObject({ developerUserState: 'suspended' });
  });

  it('reverts changes made in the admin portal on the next resync', async () => {
    const acc = accounts('Renamed Org')[0];
    w.threescale.state.patch(TENANT, 'accounts', Number(acc.id), { org_name: 'Edited in the portal' });
    const u = usersNamed('early')[0];
    w.threescale.state.patch(TENANT, 'users', Number(u.id), { state: 'active', role: 'member' });
    await sendPointer(w.plane, (await w.get('DeveloperAccount', 'late-account'))!, { reason: 'resync', cause: 'drift' });
    await sendPointer(w.plane, (await w.get('DeveloperUser', 'early'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => accounts('Renamed Org').length === 1 && usersNamed('early')[0]?.state === 'suspended' && usersNamed('early')[0]?.role === 'admin');
  });

  it('deletes the 3scale user and account before the resources', async () => {
    const id = accounts('Renamed Org')[0].id;
    await w.remove('DeveloperUser', 'early');
    await w.waitForGone('DeveloperUser', 'early');
    expect(usersNamed('early')).toEqual([]);
    await w.remove('DeveloperUser', 'late-admin');
    await w.remove('DeveloperAccount', 'late-account');
    await w.waitForGone('DeveloperAccount', 'late-account');
    await w.waitForGone('DeveloperUser', 'late-admin');
    expect(w.threescale.state.list(TENANT, 'accounts', (a) => a.id === id)).toEqual([]);
  });

  it('keeps the 3scale account and user with deletion-policy orphan', async () => {
    const orphan = { 'apim-sync.io/deletion-policy': 'orphan' };
    await w.apply({ ...user('waits-admin', 'waits', { role: 'admin' }), metadata: { name: 'waits-admin', annotations: orphan } });
    await w.apply(account('waits', {}, { annotations: orphan }));
    await w.remove('DeveloperUser', 'waits-admin');
    await w.remove('DeveloperAccount', 'waits');
    await w.waitForGone('DeveloperUser', 'waits-admin');
    await w.waitForGone('DeveloperAccount', 'waits');
    expect(accounts('Org waits')).toHaveLength(1);
    expect(usersNamed('waits-admin')).toHaveLength(1);
  });

  it('finds the account when signup answers 409 although it created it (3scale-operator#1039)', async () => {
    w.threescale.state.failNextSignupsWithConflict(TENANT, 1);
    await applyUser('conflict-admin', 'conflict', { role: 'admin' });
    await w.apply(account('conflict'));
    const acc = await w.waitForCondition('DeveloperAccount', 'conflict', 'Ready', 'True');
    expect(accounts('Org conflict')).toHaveLength(1);
    expect(acc.status).toMatchObject({ accountID: accounts('Org conflict')[0].id });
    await w.waitForCondition('DeveloperUser', 'conflict-admin', 'Ready', 'True');
  });

  // Org names are not unique in a tenant: the operator keys an account by its id, so two resources of one
  // organization are two accounts, not one vendor object with two owners.
  it('two DeveloperAccounts of one organization are two 3scale accounts, each signed up with its own admin; a crash after a signup makes no third', async () => {
    await applyUser('twin-a-admin', 'twin-a', { role: 'admin' });
    await applyUser('twin-b-admin', 'twin-b', { role: 'admin' });
    await w.waitForCondition('DeveloperUser', 'twin-b-admin', 'Orphan', 'True');
    // twin-b's sync dies after its signup, before it writes the account id: the retry finds that account by its
    // admin's username (never by org name, which twin-a's account has too).
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'twin-b');
    try {
      await w.apply(account('twin-a', { orgName: 'Twin Org' }));
      await w.apply(account('twin-b', { orgName: 'Twin Org' }));
      const a = await w.waitForCondition('DeveloperAccount', 'twin-a', 'Ready', 'True');
      const b = await w.waitForCondition('DeveloperAccount', 'twin-b', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      const remote = accounts('Twin Org');
      expect(remote).toHaveLength(2);
      expect(a.status?.accountID).not.toBe(b.status?.accountID);
      expect(remote.map((r) => r.id).sort()).toEqual([a.status?.accountID, b.status?.accountID].sort());
      expect(usersNamed('twin-a-admin')).toEqual([expect.objectContaining({ role: 'admin', links: inAccount(a.status?.accountID) })]);
      expect(usersNamed('twin-b-admin')).toEqual([expect.objectContaining({ role: 'admin', links: inAccount(b.status?.accountID) })]);
      await w.waitForCondition('DeveloperUser', 'twin-a-admin', 'Ready', 'True');
      await w.waitForCondition('DeveloperUser', 'twin-b-admin', 'Ready', 'True');
      // Each holds the ownership record of its own account (claimed at the sync after its signup); no Conflict anywhere.
      const owned = await waitFor('both accounts claimed', async () => {
        const records = await Promise.all(['twin-a', 'twin-b'].map(async (n) => (await w.get('DeveloperAccount', n))?.metadata.annotations?.[OWNER_RECORD]));
        return records.every(Boolean) && records;
      });
      expect(owned[0]).not.toBe(owned[1]);
      for (const obj of await Promise.all(['twin-a', 'twin-b'].map((n) => w.get('DeveloperAccount', n)))) {
        expect(obj?.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      }
      const events = await w.cluster.core.listNamespacedEvent({ namespace: w.ns });
      expect(events.items.filter((e) => e.reason === 'Conflict' && ['twin-a', 'twin-b'].includes(String(e.involvedObject.name)))).toEqual([]);
    } finally {
      crash.restore();
    }
  });

  it('creates no duplicate after a crash between the create and the status write', async () => {
    const crashAccount = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await applyUser('crash-admin', 'crash', { role: 'admin' });
      await w.waitForCondition('DeveloperUser', 'crash-admin', 'Orphan', 'True');
      await w.apply(account('crash'));
      await w.waitForCondition('DeveloperAccount', 'crash', 'Ready', 'True');
      expect(crashAccount.attempts()).toBeGreaterThan(1);
      expect(accounts('Org crash')).toHaveLength(1);
    } finally {
      crashAccount.restore();
    }
    const crashUser = await crashBeforeFirstStatusWrite(w.plane, 'crash-member');
    try {
      await applyUser('crash-member', 'crash');
      await w.waitForCondition('DeveloperUser', 'crash-member', 'Ready', 'True');
      expect(crashUser.attempts()).toBeGreaterThan(1);
      expect(usersNamed('crash-member')).toHaveLength(1);
    } finally {
      crashUser.restore();
    }
  });

  it('a rotated password secret re-syncs the user and no password appears in status, events or logs', async () => {
    const before = w.logs.length;
    await w.apply({ ...passwordSecret('crash-member'), stringData: { password: PASSWORD('rotated') } });
    await waitFor('re-synced after rotation', () => w.logs.slice(before).some((l) => l.includes('"crash-member"')));
    const secrets = ['myusername01', 'myusername02', 'waits-admin', 'early', 'late-admin', 'conflict-admin', 'twin-a-admin', 'twin-b-admin', 'crash-admin', 'crash-member', 'rotated'].map(PASSWORD);
    const events = await w.cluster.core.listNamespacedEvent({ namespace: w.ns });
    const statuses = await Promise.all(
      ['developeraccount1', 'conflict', 'crash'].map((n) => w.get('DeveloperAccount', n)).concat(['developeruser01', 'developeruser02', 'crash-member'].map((n) => w.get('DeveloperUser', n))),
    );
    const seen = JSON.stringify([w.logs, events.items.map((e) => e.message), statuses.map((s) => s?.status)]);
    for (const s of secrets) expect(seen).not.toContain(s);
  });
});
