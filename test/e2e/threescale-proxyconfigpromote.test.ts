import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { seedCopy, seedCopyPath } from '../support/threescale-seed.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

/** The operator guide's ProxyConfigPromote examples (8.4), as the seed copies keep them; the last is `oc get` output. */
const SEED_EXAMPLES = ['03-proxyconfigpromote-staging.yaml', '04-proxyconfigpromote-production.yaml', '05-proxyconfigpromote-deletecr.yaml'];
const SEED_STATUS_OUTPUT = '06-proxyconfigpromote-status-output.yaml';

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

const KIND = 'ProxyConfigPromote';
const versions = (productId: number, environment: 'sandbox' | 'production') => w.threescale.state.proxyConfigs(TENANT, productId, environment).map((c) => c.version);
const promotions = (productId: number) => w.threescale.calls.filter((c) => c.method === 'POST' && c.path.startsWith(`/admin/api/services/${productId}/proxy/configs/sandbox/`) && c.path.endsWith('/promote.json')).length;
const ready = (obj: KubeObject | undefined) => conditionOf(obj, 'Ready');

function product(name: string, spec: Record<string, unknown> = {}) {
  return { apiVersion: THREESCALE, kind: 'Product', metadata: { name }, spec: { name: `Product ${name}`, ...spec } };
}
function promote(name: string, spec: Record<string, unknown>) {
  return { apiVersion: THREESCALE, kind: KIND, metadata: { name }, spec };
}
async function syncedProduct(name: string, spec: Record<string, unknown> = {}): Promise<number> {
  await w.apply(product(name, spec));
  return (await w.waitForCondition('Product', name, 'Synced', 'True')).status!.productId as number;
}
/** The sync function has handled the object again (after an edit) without acting: it logs `synced` with `unchanged`. */
const handledUnchanged = (name: string, since: number) =>
  waitFor(`${name} handled again`, () => w.logs.slice(since).some((l) => l.includes('"synced"') && l.includes(`"name":"${name}"`) && l.includes('"action":"unchanged"')));

describe('3scale ProxyConfigPromote', () => {
  it('promotes the product configuration to staging and reports the versions; no finalizer, nothing to undo', async () => {
    const id = await syncedProduct('stage');
    await w.apply(promote('stage-first', { productCRName: 'stage' }));
    const obj = await w.waitForCondition(KIND, 'stage-first', 'Ready', 'True');
    expect(versions(id, 'sandbox')).toEqual([1]);
    expect(versions(id, 'production')).toEqual([]);
    expect(obj.status).toMatchObject({ productId: String(id), latestStagingVersion: 1, providerAccountHost: w.adminURL });
    expect(obj.status?.latestProductionVersion).toBeUndefined();
    expect(ready(obj)?.message).toMatch(/^promoted the product's latest configuration to staging \(version 1\); later edits .* are not applied/);
    for (const type of ['Invalid', 'Failed', 'Orphan']) expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status: 'False' }));
    expect(obj.metadata.finalizers ?? []).toEqual([]);
  });

  it('when nothing changed since the last promotion: Ready, saying staging already runs the latest configuration, no new version', async () => {
    const id = w.threescale.state.productBySystemName(TENANT, 'Productstage')!.id as number;
    await w.apply(promote('stage-again', { productCRName: 'stage' }));
    const obj = await w.waitForCondition(KIND, 'stage-again', 'Ready', 'True');
    expect(ready(obj)?.message).toMatch(/^nothing to promote: staging already runs the product's latest configuration \(version 1\)/);
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Invalid', status: 'False' }));
    expect(versions(id, 'sandbox')).toEqual([1]);
  });

  it('a later spec edit is not applied: Ready stays at the generation acted on, and says edits are not applied', async () => {
    const id = w.threescale.state.productBySystemName(TENANT, 'Productstage')!.id as number;
    const since = w.logs.length;
    const edited = await w.apply(promote('stage-first', { productCRName: 'stage', production: true }));
    expect(edited.metadata.generation).toBe(2);
    await handledUnchanged('stage-first', since);
    const obj = (await w.get(KIND, 'stage-first'))!;
    expect(ready(obj)).toMatchObject({ status: 'True', observedGeneration: 1, message: expect.stringContaining('later edits of this ProxyConfigPromote are not applied') });
    expect(obj.status?.observedGeneration).toBe(1);
    expect(versions(id, 'production')).toEqual([]);
  });

  it('promotes to production with production: true; again after the product changed; nothing to promote when production is current', async () => {
    const id = await syncedProduct('prod', { systemName: 'prod' });
    await w.apply(promote('prod-first', { productCRName: 'prod', production: true }));
    const first = await w.waitForCondition(KIND, 'prod-first', 'Ready', 'True');
    expect(first.status).toMatchObject({ productId: String(id), latestStagingVersion: 1, latestProductionVersion: 1 });
    expect(ready(first)?.message).toMatch(/^promoted staging version 1 to production \(version 1\)/);
    expect(w.threescale.state.proxyConfigs(TENANT, id, 'production')[0].content).toEqual(w.threescale.state.proxyConfigs(TENANT, id, 'sandbox')[0].content);

    await w.apply(product('prod', { systemName: 'prod', name: 'Product prod renamed' }));
    await w.waitForCondition('Product', 'prod', 'Synced', 'True');
    await w.apply(promote('prod-second', { productCRName: 'prod', production: true }));
    const second = await w.waitForCondition(KIND, 'prod-second', 'Ready', 'True');
    expect(second.status).toMatchObject({ latestStagingVersion: 2, latestProductionVersion: 2 });
    expect((w.threescale.state.proxyConfigs(TENANT, id, 'production')[1].content as { name: string }).name).toBe('Product prod renamed');

    await w.apply(promote('prod-third', { productCRName: 'prod', production: true }));
    const third = await w.waitForCondition(KIND, 'prod-third', 'Ready', 'True');
    expect(ready(third)?.message).toMatch(/^nothing to promote: production already runs the product's latest configuration \(version 2\)/);
    expect(versions(id, 'sandbox')).toEqual([1, 2]);
    expect(versions(id, 'production')).toEqual([1, 2]);
    expect(promotions(id)).toBe(2);
  });

  it('waits (Orphan) for a missing, then not yet Synced Product, and promotes when it becomes Synced (woken by the watcher)', async () => {
    await w.apply(promote('early', { productCRName: 'late' }));
    const missing = await w.waitForCondition(KIND, 'early', 'Orphan', 'True');
    expect(ready(missing)).toMatchObject({ status: 'False', message: expect.stringMatching(/Product .*\/late \(spec.productCRName\) not found/) });

    // A Product waiting for its Backend is not Synced yet.
    await w.apply(product('late', { backendUsages: { latebackend: { path: '/' } } }));
    await w.waitForCondition('Product', 'late', 'Orphan', 'True');
    await waitFor('early waiting for a Synced product', async () => ready(await w.get(KIND, 'early'))?.message.includes('is not Synced yet'));
    await waitFor('early left to the watcher', () => w.logs.some((l) => l.includes('the watcher re-enqueues when it appears') && l.includes('"early"') && l.includes('not Synced')));

    await w.apply({ apiVersion: THREESCALE, kind: 'Backend', metadata: { name: 'latebackend' }, spec: { name: 'Late backend', systemName: 'latebackend', privateBaseURL: 'https://late.example.com' } });
    const p = await w.waitForCondition('Product', 'late', 'Synced', 'True');
    const obj = await w.waitForCondition(KIND, 'early', 'Ready', 'True');
    expect(obj.status).toMatchObject({ productId: String(p.status?.productId), latestStagingVersion: 1 });
  });

  it('promotes a Product that failed only because production still uses a method it drops; the Product then syncs (3scale-operator #932)', async () => {
    const used = { methods: { used: { friendlyName: 'Used' } }, mappingRules: [{ httpMethod: 'GET', pattern: '/used', metricMethodRef: 'used', increment: 1 }] };
    const id = await syncedProduct('dropping', { systemName: 'dropping', ...used });
    await w.apply(promote('dropping-first', { productCRName: 'dropping', production: true }));
    await w.waitForCondition(KIND, 'dropping-first', 'Ready', 'True');

    await w.apply({ ...product('dropping', { systemName: 'dropping' }), spec: { name: 'Product dropping', systemName: 'dropping', methods: null, mappingRules: null } });
    const failed = await w.waitForCondition('Product', 'dropping', 'Failed', 'True');
    expect(ready(failed)?.message).toContain('used by the latest gateway configuration');

    await w.apply(promote('dropping-second', { productCRName: 'dropping', production: true }));
    await w.waitForCondition(KIND, 'dropping-second', 'Ready', 'True');
    expect(versions(id, 'production')).toEqual([1, 2]);
    await w.waitForCondition('Product', 'dropping', 'Synced', 'True');
  });

  it('a Product edit applied together with its promotion: the promotion waits for the edit to sync, then promotes it', async () => {
    const id = await syncedProduct('together', { systemName: 'together' });
    w.threescale.faults.inject({ method: 'PUT', path: new RegExp(`^/admin/api/services/${id}\\.json$`), status: 503 });
    try {
      await w.apply(product('together', { systemName: 'together', name: 'Product together edited' }));
      await w.apply(promote('together-promote', { productCRName: 'together', production: true }));
      await waitFor('promotion waiting for the edit', async () => ready(await w.get(KIND, 'together-promote'))?.message.includes('not Synced yet at generation 2'));
      expect(versions(id, 'production')).toEqual([]);
    } finally {
      w.threescale.faults.clear();
    }
    await w.waitForCondition(KIND, 'together-promote', 'Ready', 'True');
    expect(versions(id, 'production')).toEqual([1]);
    expect((w.threescale.state.proxyConfigs(TENANT, id, 'production')[0].content as { name: string }).name).toBe('Product together edited');
  });

  it('deleteCR: true deletes the resource once the promotion is done', async () => {
    const id = await syncedProduct('once');
    await w.apply(promote('self-deleting', { productCRName: 'once', deleteCR: true }));
    await w.waitForGone(KIND, 'self-deleting');
    expect(versions(id, 'sandbox')).toEqual([1]);
  });

  it('deleteCR also when there is nothing to promote (3scale-operator #847)', async () => {
    const id = w.threescale.state.productBySystemName(TENANT, 'Productonce')!.id as number;
    await w.apply(promote('self-deleting-again', { productCRName: 'once', deleteCR: true }));
    await w.waitForGone(KIND, 'self-deleting-again');
    expect(versions(id, 'sandbox')).toEqual([1]);
  });

  it('a crash after Ready and before the deletion: the redelivery deletes the resource without promoting again', async () => {
    const id = w.threescale.state.productBySystemName(TENANT, 'Productonce')!.id as number;
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'interrupted', 'delete');
    try {
      await w.apply(promote('interrupted', { productCRName: 'once', production: true, deleteCR: true }));
      await w.waitForGone(KIND, 'interrupted');
      expect(crash.attempts()).toBe(2);
      expect(promotions(id)).toBe(1);
      expect(versions(id, 'production')).toEqual([1]);
    } finally {
      crash.restore();
    }
  });

  it('a crash between the promotion and the status write adds no version and promotes once', async () => {
    const id = await syncedProduct('crashing');
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash-promote');
    try {
      await w.apply(promote('crash-promote', { productCRName: 'crashing', production: true }));
      const obj = await w.waitForCondition(KIND, 'crash-promote', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(obj.status).toMatchObject({ latestStagingVersion: 1, latestProductionVersion: 1 });
      expect(versions(id, 'sandbox')).toEqual([1]);
      expect(versions(id, 'production')).toEqual([1]);
      expect(promotions(id)).toBe(1);
    } finally {
      crash.restore();
    }
  });

  it('reports a malformed resource as Invalid naming the field', async () => {
    await w.apply(promote('malformed', { productCRName: '' }));
    const obj = await w.waitForCondition(KIND, 'malformed', 'Invalid', 'True');
    expect(ready(obj)).toMatchObject({ status: 'False', message: expect.stringContaining('productCRName') });
  });

  it("applies the operator guide's three examples unchanged: staging, production, then deleteCR", async () => {
    const id = await syncedProduct('product1-sample');
    const [staging, production, deleteCR] = SEED_EXAMPLES.map((f) => seedCopy(f));

    await w.apply(staging);
    await w.waitForCondition(KIND, 'proxyconfigpromote-sample', 'Ready', 'True');
    expect(versions(id, 'sandbox')).toEqual([1]);
    await w.remove(KIND, 'proxyconfigpromote-sample');
    await w.waitForGone(KIND, 'proxyconfigpromote-sample');

    await w.apply(production);
    await w.waitForCondition(KIND, 'proxyconfigpromote-sample', 'Ready', 'True');
    expect(versions(id, 'production')).toEqual([1]);
    await w.remove(KIND, 'proxyconfigpromote-sample');
    await w.waitForGone(KIND, 'proxyconfigpromote-sample');

    await w.apply(deleteCR);
    await w.waitForGone(KIND, 'proxyconfigpromote-sample');
    expect(versions(id, 'sandbox')).toEqual([1]);
  });

  it('npx apim-sync validate accepts the examples (and the status output the guide shows)', () => {
    expect(validatePaths([...SEED_EXAMPLES, SEED_STATUS_OUTPUT].map(seedCopyPath))).toEqual({ checked: 4, findings: [], notSynced: [] });
  });
});
