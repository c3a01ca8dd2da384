import { afterAll, describe, expect, it } from 'vitest';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { sendPointer } from '../support/send-message.ts';
import { writesOfOneResync } from '../support/threescale-resync.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { serveDocument } from '../support/served-document.ts';
import { seedCopy, seedFileSecret } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';

const BACKEND_SEED = '01-backend-backend1.yaml';
const PRODUCT_SEED = '02-product-product1.yaml';

/** An OpenAPI document served over http, as `activeDocOpenAPIRef.url` reads it; `title` changes what it serves. */
let served = { title: 'served v1' };
let server: Awaited<ReturnType<typeof serveDocument>>;
let docURL: string;

let w: ThreescaleWorld;
useThreescaleWorld(async (world) => {
  w = world;
  server = await serveDocument(() => oas(served.title));
  docURL = server.url;
});
afterAll(async () => {
  server?.close();
});

const docs = (systemName: string) => w.threescale.state.list(TENANT, 'activeDocs').filter((d) => d.system_name === systemName);
const remote = (systemName: string) => docs(systemName)[0];
const titleOf = (systemName: string) => JSON.parse(String(remote(systemName)?.body ?? '{}')).info?.title;
const oas = (title: string) => `openapi: "3.0.2"\ninfo:\n  title: "${title}"\n  version: "1"\npaths: {}\n`;
function secret(name: string, title: string) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { 'any-file-name.yaml': oas(title) } };
}
function activeDoc(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: THREESCALE, kind: 'ActiveDoc', metadata: { name, ...metadata }, spec: { name: `Doc ${name}`, activeDocOpenAPIRef: { secretRef: { name: `${name}-oas` } }, ...spec } };
}

describe('3scale ActiveDoc', () => {
  it("syncs the operator guide's example (Secret and CR) unchanged and reports Ready with activeDocId", async () => {
    // The Secret as `oc create secret generic myoasdoc1 --from-file myoasdoc1.yaml` makes it, then the CR.
    await w.apply(seedFileSecret('myoasdoc1', 'myoasdoc1.yaml', '14-oas-myoasdoc1.yaml'));
    await w.apply(seedCopy('15-activedoc-myactivedoccr1-secret.yaml'));
    const obj = await w.waitForCondition('ActiveDoc', 'myactivedoccr1', 'Ready', 'True');
    const d = remote('operatedactivedocfromsecret');
    expect(d).toMatchObject({ name: 'Operated ActiveDoc From secret', published: false, skip_swagger_validations: false, service_id: null });
    expect(JSON.parse(String(d.body))).toMatchObject({ openapi: '3.0.2', info: { title: 'some title' }, paths: { '/pet': { get: { operationId: 'getPet' } } } });
    expect(obj.status).toMatchObject({ activeDocId: d.id, providerAccountHost: w.adminURL });
    for (const [type, status] of [['Invalid', 'False'], ['Failed', 'False'], ['Orphan', 'False']]) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status, observedGeneration: 1 }));
    }
  });

  it('updates fields, re-syncs when the Secret is rotated, and reverts drift on a resync', async () => {
    await w.apply(secret('life-oas', 'first'));
    await w.apply(activeDoc('life', { systemName: 'life' }));
    await w.waitForCondition('ActiveDoc', 'life', 'Ready', 'True');
    expect(titleOf('life')).toBe('first');

    await w.apply(activeDoc('life', { systemName: 'life', description: 'described', published: true, skipSwaggerValidations: true }));
    await waitFor('fields updated', () => remote('life')?.published === true && remote('life')?.description === 'described' && remote('life')?.skip_swagger_validations === true);

    await w.apply(secret('life-oas', 'rotated'));
    await waitFor('document re-read from the rotated Secret', () => titleOf('life') === 'rotated');

    w.threescale.state.patch(TENANT, 'activeDocs', remote('life').id as number, { name: 'edited in 3scale', published: false });
    await sendPointer(w.plane, (await w.get('ActiveDoc', 'life'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => remote('life')?.name === 'Doc life' && remote('life')?.published === true);
    expect(docs('life')).toHaveLength(1);
  });

  it('a resync that finds nothing changed writes nothing to 3scale', async () => {
    expect(await writesOfOneResync(w, 'ActiveDoc', 'life')).toBe(0);
  });

  it('reads an http URL, and reads it again on a resync', async () => {
    await w.apply(activeDoc('byurl', { systemName: 'byurl', activeDocOpenAPIRef: { url: docURL } }));
    await w.waitForCondition('ActiveDoc', 'byurl', 'Ready', 'True');
    expect(titleOf('byurl')).toBe('served v1');
    served = { title: 'served v2' };
    await sendPointer(w.plane, (await w.get('ActiveDoc', 'byurl'))!, { reason: 'resync', cause: 'periodic' });
    await waitFor('document re-read from the URL', () => titleOf('byurl') === 'served v2');
  });

  it('fetches the URL its templates render (the location held in a ConfigMap)', async () => {
    served = { title: 'templated' };
    const { host } = new URL(docURL);
    await w.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'doc-location' }, data: { host } });
    await w.apply(activeDoc('templated', { systemName: 'templated', activeDocOpenAPIRef: { url: `http://[[ configmap "doc-location/host" ]]/openapi.yaml` } }));
    await w.waitForCondition('ActiveDoc', 'templated', 'Ready', 'True');
    expect(titleOf('templated')).toBe('templated');
  });

  it('waits (Orphan) for its Product to be Synced, then binds to it; unbinds when the link is removed', async () => {
    await w.apply(secret('linked-oas', 'linked'));
    await w.apply(activeDoc('linked', { systemName: 'linked', productSystemName: 'operatedproduct1' }));
    const waiting = await w.waitForCondition('ActiveDoc', 'linked', 'Orphan', 'True');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('operatedproduct1') }));
    expect(remote('linked')).toBeUndefined();

    await w.apply(seedCopy(BACKEND_SEED));
    await w.apply(seedCopy(PRODUCT_SEED));
    const product = await w.waitForCondition('Product', 'product1', 'Synced', 'True');
    const bound = await w.waitForCondition('ActiveDoc', 'linked', 'Ready', 'True');
    expect(bound.status?.productResourceName).toEqual({ name: 'product1' });
    expect(remote('linked')?.service_id).toBe(product.status?.productId);

    await w.apply(activeDoc('linked', { systemName: 'linked', productSystemName: null }));
    await waitFor('unbound', () => remote('linked')?.service_id === null);
  });

  it('deletes the 3scale document before the resource', async () => {
    await w.remove('ActiveDoc', 'life');
    await w.waitForGone('ActiveDoc', 'life');
    expect(remote('life')).toBeUndefined();
  });

  it('keeps the document with deletion-policy orphan', async () => {
    await w.apply(secret('kept-oas', 'kept'));
    await w.apply(activeDoc('kept', { systemName: 'kept' }, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.waitForCondition('ActiveDoc', 'kept', 'Ready', 'True');
    await w.remove('ActiveDoc', 'kept');
    await w.waitForGone('ActiveDoc', 'kept');
    expect(remote('kept')).toBeDefined();
  });

  it('reports a document that is not YAML or JSON as Invalid', async () => {
    await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'broken-oas' }, stringData: { doc: 'just: [unclosed' } });
    await w.apply(activeDoc('broken'));
    const obj = await w.waitForCondition('ActiveDoc', 'broken', 'Invalid', 'True');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('broken-oas') }));
  });

  it('creates no duplicate after a crash between the create and the status write', async () => {
    await w.apply(secret('crash-oas', 'crash'));
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await w.apply(activeDoc('crash', { systemName: 'crash' }));
      await w.waitForCondition('ActiveDoc', 'crash', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(docs('crash')).toHaveLength(1);
    } finally {
      crash.restore();
    }
  });
});
