import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { sendPointer } from '../support/send-message.ts';
import { providerAccount, useThreescaleWorld, TENANT, TENANT_TOKEN, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { itCreatesNoDuplicateAfterACrash, itKeepsTheObjectWhenOrphaned, type ThreescaleCase } from '../support/threescale-lifecycle.ts';
import { writesOfOneResync } from '../support/threescale-resync.ts';
import { seedCopyPath } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';

const SEED = seedCopyPath('01-backend-backend1.yaml');

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

const remote = (systemName: string) => w.threescale.state.backendBySystemName(TENANT, systemName);
const copies = (systemName: string) => w.threescale.state.list(TENANT, 'backends').filter((b) => b.system_name === systemName).length;
const strip = (id: number) => (s: string) => s.replace(new RegExp(`\\.${id}$`), '');
const metricNames = (id: number) => w.threescale.state.metricsOf(TENANT, { backend: id }).map((m) => strip(id)(String(m.system_name))).sort();
const ruleKeys = (id: number) => {
  const names = new Map(w.threescale.state.metricsOf(TENANT, { backend: id }).map((m) => [m.id, strip(id)(String(m.system_name))]));
  return w.threescale.state.mappingRulesOf(TENANT, { backend: id }).map((r) => `${r.http_method} ${r.pattern} ${names.get(r.metric_id)} ${r.delta}`);
};
const lifecycle: ThreescaleCase = {
  world: () => w,
  kind: 'Backend',
  condition: 'Synced',
  make: (name, metadata) => backend(name, {}, metadata),
  copies: (name) => copies(`Backend${name}`),
};

function backend(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: THREESCALE, kind: 'Backend', metadata: { name, ...metadata }, spec: { name: `Backend ${name}`, privateBaseURL: 'https://api.example.com', ...spec } };
}

describe('3scale Backend', () => {
  it("syncs the operator guide's example unchanged and reports Synced like the operator", async () => {
    await w.apply(parse(readFileSync(SEED, 'utf8')));
    const obj = await w.waitForCondition('Backend', 'backend1', 'Synced', 'True');
    const b = remote('backend1');
    // The admin portal shows who manages it (porta's managed_by annotation; the operator writes `operator`).
    expect(b).toMatchObject({ name: 'Operated Backend 1', private_endpoint: 'https://api.example.com:443', annotations: { managed_by: 'apim-sync' } });
    expect(obj.status).toMatchObject({ backendId: b?.id, providerAccountHost: w.adminURL, observedGeneration: obj.metadata.generation });
    for (const [type, status] of [['Ready', 'True'], ['Invalid', 'False'], ['Failed', 'False']]) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status, observedGeneration: 1 }));
    }
    expect(obj.metadata.finalizers).toContain(FINALIZER);
  });

  it('npx apim-sync validate accepts the example', () => {
    expect(validatePaths([SEED])).toEqual({ checked: 1, findings: [], notSynced: [] });
  });

  it('derives the system name as the operator does when it is not set', async () => {
    await w.apply(backend('derived', { name: 'My Derived-Backend 2' }));
    await w.waitForCondition('Backend', 'derived', 'Synced', 'True');
    expect(remote('MyDerivedBackend2')).toBeDefined();
  });

  it('converges metrics, methods and mapping rules, adding and removing', async () => {
    await w.apply(
      backend('life', {
        description: 'first',
        metrics: { bytes: { friendlyName: 'Bytes', unit: 'byte' } },
        methods: { list: { friendlyName: 'List' }, read: { friendlyName: 'Read', description: 'reads' } },
        mappingRules: [
          { httpMethod: 'GET', pattern: '/items$', metricMethodRef: 'list', increment: 1 },
          { httpMethod: 'GET', pattern: '/items/{id}', metricMethodRef: 'read', increment: 2, last: true },
        ],
      }),
    );
    await w.waitForCondition('Backend', 'life', 'Synced', 'True');
    const id = remote('Backendlife')!.id as number;
    expect(metricNames(id)).toEqual(['bytes', 'hits', 'list', 'read']);
    expect(ruleKeys(id)).toEqual(['GET /items$ list 1', 'GET /items/{id} read 2']);

    // A merge patch, as `kubectl apply` sends it: null removes a metric or method.
    await w.apply(
      backend('life', {
        description: 'second',
        metrics: { bytes: null, calls: { friendlyName: 'Calls', unit: 'call' } },
        methods: { list: null, read: { friendlyName: 'Read one' } },
        mappingRules: [
          { httpMethod: 'POST', pattern: '/items', metricMethodRef: 'calls', increment: 1 },
          { httpMethod: 'GET', pattern: '/items/{id}', metricMethodRef: 'read', increment: 1 },
        ],
      }),
    );
    await waitFor('converged', () => remote('Backendlife')?.description === 'second' && ruleKeys(id).length === 2 && ruleKeys(id)[0].startsWith('POST'));
    await w.waitForCondition('Backend', 'life', 'Synced', 'True');
    expect(metricNames(id)).toEqual(['calls', 'hits', 'read']);
    expect(ruleKeys(id)).toEqual(['POST /items calls 1', 'GET /items/{id} read 1']);
    expect(w.threescale.state.metricsOf(TENANT, { backend: id }).find((m) => String(m.system_name).startsWith('read.'))?.friendly_name).toBe('Read one');
    expect(copies('Backendlife')).toBe(1);
  });

  it('reverts a change made in the admin portal on the next resync', async () => {
    const id = remote('Backendlife')!.id as number;
    w.threescale.state.patch(TENANT, 'backends', id, { description: 'edited in the admin portal', private_endpoint: 'https://elsewhere.example.com:443', annotations: undefined });
    await sendPointer(w.plane, (await w.get('Backend', 'life'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => remote('Backendlife')?.description === 'second' && remote('Backendlife')?.private_endpoint === 'https://api.example.com:443');
    expect(remote('Backendlife')?.annotations).toEqual({ managed_by: 'apim-sync' });
  });

  it('a resync that finds nothing changed writes nothing to 3scale', async () => {
    expect(await writesOfOneResync(w, 'Backend', 'life')).toBe(0);
  });

  it('deletes the 3scale backend before the resource', async () => {
    await w.remove('Backend', 'life');
    await w.waitForGone('Backend', 'life');
    expect(remote('Backendlife')).toBeUndefined();
  });

  itKeepsTheObjectWhenOrphaned(lifecycle, '3scale backend');

  it('a deletion waits while Products use the backend, naming them, and proceeds by event once none does', async () => {
    // Products name a backend by system name, here not the resource name.
    await w.apply(backend('shared', { systemName: 'sharedbe' }));
    await w.waitForCondition('Backend', 'shared', 'Synced', 'True');
    const user = (name: string, usages: Record<string, unknown>) => ({ apiVersion: THREESCALE, kind: 'Product', metadata: { name }, spec: { name: `Product ${name}`, backendUsages: usages } });
    for (const name of ['user-a', 'user-b']) await w.apply(user(name, { sharedbe: { path: `/${name}` } }));
    for (const name of ['user-a', 'user-b']) await w.waitForCondition('Product', name, 'Synced', 'True');
    await w.remove('Backend', 'shared');
    const blocked = await w.waitForCondition('Backend', 'shared', 'Ready', 'False', { reason: 'DeletionBlocked' });
    const message = (o: typeof blocked) => (o.status?.conditions as { type: string; message: string }[]).find((c) => c.type === 'Ready')!.message;
    expect(message(blocked)).toContain(`Product ${w.ns}/user-a`);
    expect(message(blocked)).toContain(`Product ${w.ns}/user-b`);
    expect(remote('sharedbe')).toBeDefined();
    // One user goes: the watcher wakes the backend, which still waits for the other.
    await w.remove('Product', 'user-a');
    await w.waitForGone('Product', 'user-a');
    await waitFor('only user-b named', async () => !message((await w.get('Backend', 'shared'))!).includes('user-a'));
    expect(message((await w.get('Backend', 'shared'))!)).toContain(`Product ${w.ns}/user-b`);
    // The other drops it from its spec: the backend goes, from 3scale too, once the product's usage is gone there.
    await w.apply(user('user-b', { sharedbe: null })); // a merge patch: null removes the key
    await w.waitForGone('Backend', 'shared');
    expect(remote('sharedbe')).toBeUndefined();
    await w.waitForCondition('Product', 'user-b', 'Synced', 'True', { generation: true });
    expect(w.threescale.state.list(TENANT, 'backendUsages')).toEqual([]);
  });

  it('waits (Failed, as the operator: a Backend has no Orphan) for a provider account secret that arrives late, then syncs', async () => {
    await w.apply(backend('late', { providerAccountRef: { name: 'late-account' } }));
    const waiting = await w.waitForCondition('Backend', 'late', 'Failed', 'True');
    expect(waiting.status?.conditions).not.toContainEqual(expect.objectContaining({ type: 'Orphan' }));
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Synced', status: 'False', message: expect.stringContaining('late-account') }));
    await w.apply(providerAccount('late-account', w.adminURL, TENANT_TOKEN));
    await w.waitForCondition('Backend', 'late', 'Synced', 'True');
    expect(remote('Backendlate')).toBeDefined();
  });

  it('reports a wrong token as Failed, and recovers when the token is rotated', async () => {
    await w.apply(providerAccount('rotating', w.adminURL, 'not-a-token'));
    await w.apply(backend('rotation', { providerAccountRef: { name: 'rotating' } }));
    const failed = await w.waitForCondition('Backend', 'rotation', 'Failed', 'True');
    expect(failed.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Synced', status: 'False', message: expect.stringContaining('token') }));
    expect(failed.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Invalid', status: 'False' }));
    await w.apply(providerAccount('rotating', w.adminURL, TENANT_TOKEN));
    await w.waitForCondition('Backend', 'rotation', 'Synced', 'True');
  });

  it('reports a field 3scale refuses (422) as Invalid naming the field', async () => {
    // Two metrics with one friendly name pass the schema; porta refuses the second with 422.
    await w.apply(backend('clash', { metrics: { a: { friendlyName: 'Same', unit: 'x' }, b: { friendlyName: 'Same', unit: 'x' } } }));
    const obj = await w.waitForCondition('Backend', 'clash', 'Invalid', 'True');
    const invalid = (obj.status?.conditions as { type: string; message: string }[]).find((c) => c.type === 'Invalid');
    expect(invalid?.message).toContain('friendly_name');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Synced', status: 'False' }));
  });

  itCreatesNoDuplicateAfterACrash(lifecycle);
});
