import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { serveDocument } from '../support/served-document.ts';
import { seedCopy, seedFileSecret } from '../support/threescale-seed.ts';
import { sendPointer } from '../support/send-message.ts';
import { writesOfOneResync } from '../support/threescale-resync.ts';
import { providerAccount, useThreescaleWorld, TENANT, TENANT_TOKEN, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, any>;

/** A small OpenAPI 3 document: `paths` maps a path to its operations (verb → operation). */
function oas(title: string, extra: Json = {}): Json {
  return { openapi: '3.0.2', info: { title, version: '1.0.0' }, paths: { '/pets': { get: { operationId: 'listPets', responses: { 200: { description: 'ok' } } } } }, ...extra };
}
const yamlOf = (doc: Json) => JSON.stringify(doc, null, 2); // JSON is YAML

/** What the URL source serves (the tests change it between syncs). */
let served: Json = oas('Served API', { servers: [{ url: 'https://served.example.com/api' }] });
let server: Awaited<ReturnType<typeof serveDocument>>;
let docURL: string;

let w: ThreescaleWorld;
useThreescaleWorld(async (world) => {
  w = world;
  server = await serveDocument(() => yamlOf(served));
  docURL = server.url;
});
afterAll(() => {
  server?.close();
});

function secret(name: string, doc: Json | string) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { 'any-name.yaml': typeof doc === 'string' ? doc : yamlOf(doc) } };
}
function openapi(name: string, spec: Json = {}, metadata: Json = {}) {
  return { apiVersion: THREESCALE, kind: 'OpenAPI', metadata: { name, ...metadata }, spec: { openapiRef: { secretRef: { name: `${name}-oas` } }, ...spec } };
}
/** A Secret with the document and the OpenAPI reading it. */
async function imported(name: string, doc: Json, spec: Json = {}, metadata: Json = {}): Promise<KubeObject> {
  await w.apply(secret(`${name}-oas`, doc));
  await w.apply(openapi(name, spec, metadata));
  return w.waitForCondition('OpenAPI', name, 'Ready', 'True');
}

const services = (systemName: string) => w.threescale.state.list(TENANT, 'products').filter((p) => p.system_name === systemName);
const backends = (systemName: string) => w.threescale.state.list(TENANT, 'backends').filter((b) => b.system_name === systemName);
const service = (systemName: string) => services(systemName)[0];
const methodNames = (productId: number) =>
  w.threescale.state.metricsOf(TENANT, { product: productId }).filter((m) => m.parent_id).map((m) => `${m.system_name}:${m.friendly_name}`).sort();
function ruleKeys(productId: number): string[] {
  const names = new Map(w.threescale.state.metricsOf(TENANT, { product: productId }).map((m) => [m.id, String(m.system_name)]));
  return w.threescale.state.mappingRulesOf(TENANT, { product: productId }).map((r) => `${r.http_method} ${r.pattern} ${names.get(r.metric_id)} ${r.delta}`);
}
const generated = async (kind: 'Product' | 'Backend', o: KubeObject) =>
  w.get(kind, kind === 'Product' ? (o.status?.productResourceName as Json).name : (o.status?.backendResourceNames as Json[])[0].name);

const PETSTORE = oas('Pet Store', {
  info: { title: 'Pet Store', description: 'Pets, imported', version: '1.0.0' },
  servers: [{ url: 'https://{region}.pets.example.com/v{major}', variables: { region: { default: 'eu' }, major: { default: '2' } } }],
  paths: {
    '/pets': {
      get: { operationId: 'listPets', description: 'Lists the pets', responses: { 200: { description: 'ok' } } },
      post: { responses: { 201: { description: 'created' } } },
    },
    '/pets/{petId}': { get: { operationId: 'showPetById', responses: { 200: { description: 'ok' } } } },
  },
  security: [{ petstore_api_key: [] }],
  components: { securitySchemes: { petstore_api_key: { type: 'apiKey', name: 'api_key', in: 'header' } } },
});

describe('3scale OpenAPI', () => {
  it('generates one Backend and one Product resource it owns, synced to 3scale by the import rules; Ready once the Product is Synced', async () => {
    const o = await imported('pets', PETSTORE);
    const name = `petstore-${o.metadata.uid}`;
    expect(o.status).toMatchObject({ productResourceName: { name }, backendResourceNames: [{ name }], providerAccountHost: w.adminURL });
    for (const type of ['Invalid', 'Failed', 'Orphan', 'Waiting']) {
      expect(o.status?.conditions).toContainEqual(expect.objectContaining({ type, status: 'False', observedGeneration: 1 }));
    }
    const owner = { apiVersion: THREESCALE, kind: 'OpenAPI', name: 'pets', uid: o.metadata.uid, controller: true };
    const product = (await w.get('Product', name))!;
    const backend = (await w.get('Backend', name))!;
    expect(product.metadata.ownerReferences).toEqual([owner]);
    expect(backend.metadata.ownerReferences).toEqual([owner]);
    expect(backend.spec).toMatchObject({ name: 'Pet Store Backend', systemName: 'Pet_Store', description: 'Backend of Pet Store', privateBaseURL: 'https://eu.pets.example.com' });
    expect(product.spec).toMatchObject({
      name: 'Pet Store',
      systemName: 'Pet_Store',
      description: 'Pets, imported',
      backendUsages: { Pet_Store: { path: '/' } },
      deployment: { apicastHosted: { authentication: { userkey: { authUserKey: 'api_key', credentials: 'headers' } } } },
    });

    const s = service('Pet_Store');
    expect(s).toMatchObject({ name: 'Pet Store', description: 'Pets, imported', deployment_option: 'hosted', backend_version: '1' });
    expect(methodNames(s.id as number)).toEqual(['listpets:listPets', 'postpets:postpets', 'showpetbyid:showPetById']);
    expect(ruleKeys(s.id as number)).toEqual(['GET /v2/pets$ listpets 1', 'POST /v2/pets$ postpets 1', 'GET /v2/pets/{petId}$ showpetbyid 1']);
    expect(w.threescale.state.proxy(TENANT, s.id as number)).toMatchObject({ credentials_location: 'headers', auth_user_key: 'api_key' });
    expect(backends('Pet_Store')).toEqual([expect.objectContaining({ name: 'Pet Store Backend', private_endpoint: 'https://eu.pets.example.com:443' })]);
  });

  it("imports the guide's examples as documented: the Secret's document, and the petstore URL self-managed", async () => {
    await w.apply(seedFileSecret('myoasdoc1', 'myoasdoc1.yaml', '09-oas-myoasdoc1.yaml'));
    await w.apply(seedCopy('10-openapi-myopenapicr1.yaml'));
    await w.waitForCondition('OpenAPI', 'myopenapicr1', 'Ready', 'True');
    const some = service('some_title');
    expect(some).toMatchObject({ name: 'some title', description: 'some description', deployment_option: 'hosted' });
    expect(ruleKeys(some.id as number)).toEqual(['GET /pet$ getpet 1']);
    // No servers: 3scale's default API backend (the operator's hostless https:// would be refused).
    expect(backends('some_title')).toEqual([expect.objectContaining({ private_endpoint: 'https://echo-api.3scale.net:443' })]);
    expect(w.threescale.state.proxy(TENANT, some.id as number)).toMatchObject({ credentials_location: 'query', auth_user_key: 'user_key' });

    await w.apply(seedCopy('12-openapi-openapi1-public-base-urls.yaml'));
    await w.waitForCondition('OpenAPI', 'openapi1', 'Ready', 'True');
    const pets = service('Swagger_Petstore');
    expect(pets).toMatchObject({ name: 'Swagger Petstore', deployment_option: 'self_managed' });
    expect(ruleKeys(pets.id as number)).toEqual(['GET /v1/pets$ listpets 1', 'POST /v1/pets$ createpets 1', 'GET /v1/pets/{petId}$ showpetbyid 1']);
    expect(w.threescale.state.proxy(TENANT, pets.id as number)).toMatchObject({ endpoint: 'https://production.my-gateway.example.com:443', sandbox_endpoint: 'https://staging.my-gateway.example.com:443' });
    expect(backends('Swagger_Petstore')).toEqual([expect.objectContaining({ private_endpoint: 'http://petstore.swagger.io:80' })]);
  });

  it('applies the overrides: productSystemName, privateBaseURL, prefix matching, self-managed public URLs, host header and secret token; no security is user_key in query', async () => {
    const doc = oas('Overridden', { servers: [{ url: 'http://ignored.example.com/base/' }] });
    await imported('over', doc, {
      productSystemName: 'custom_sys',
      privateBaseURL: 'https://private.example.com',
      prefixMatching: true,
      productionPublicBaseURL: 'https://production.gw.example.com',
      stagingPublicBaseURL: 'https://staging.gw.example.com',
      privateAPIHostHeader: 'internal.example.com',
      privateAPISecretToken: 'not-a-real-token',
    });
    const s = service('custom_sys');
    expect(s).toMatchObject({ name: 'Overridden', deployment_option: 'self_managed' });
    expect(ruleKeys(s.id as number)).toEqual(['GET /base/pets listpets 1']);
    expect(w.threescale.state.proxy(TENANT, s.id as number)).toMatchObject({
      endpoint: 'https://production.gw.example.com:443',
      sandbox_endpoint: 'https://staging.gw.example.com:443',
      hostname_rewrite: 'internal.example.com',
      secret_token: 'not-a-real-token',
      credentials_location: 'query',
      auth_user_key: 'user_key',
    });
    expect(backends('custom_sys')).toEqual([expect.objectContaining({ private_endpoint: 'https://private.example.com:443' })]);
  });

  it('re-syncs when its Secret is rotated', async () => {
    const rotated = { ...PETSTORE, paths: { ...PETSTORE.paths, '/owners': { get: { operationId: 'listOwners', responses: { 200: { description: 'ok' } } } } } };
    await w.apply(secret('pets-oas', rotated));
    await waitFor('the new operation in 3scale', () => ruleKeys(service('Pet_Store').id as number).includes('GET /v2/owners$ listowners 1'));
    await w.waitForCondition('OpenAPI', 'pets', 'Ready', 'True');
  });

  it('follows a new title: new resources (names and system name from it) replace the old ones, whose 3scale objects go', async () => {
    const o = await imported('renamed', oas('First Title'));
    await w.apply(secret('renamed-oas', oas('Second Title')));
    await waitFor('status names the new resources', async () => ((await w.get('OpenAPI', 'renamed'))?.status?.productResourceName as Json)?.name === `secondtitle-${o.metadata.uid}`);
    expect(services('Second_Title')).toHaveLength(1);
    expect(backends('Second_Title')).toHaveLength(1);
    await waitFor('old resources gone', async () => !(await w.get('Product', `firsttitle-${o.metadata.uid}`)) && !(await w.get('Backend', `firsttitle-${o.metadata.uid}`)));
    await waitFor('old 3scale objects gone', () => services('First_Title').length === 0 && backends('First_Title').length === 0);
  });

  it('a resync that finds nothing changed writes nothing to 3scale and rewrites no resource', async () => {
    const before = (await w.get('Product', `petstore-${(await w.get('OpenAPI', 'pets'))!.metadata.uid}`))!.metadata.resourceVersion;
    expect(await writesOfOneResync(w, 'OpenAPI', 'pets')).toBe(0);
    expect((await w.get('Product', `petstore-${(await w.get('OpenAPI', 'pets'))!.metadata.uid}`))!.metadata.resourceVersion).toBe(before);
  });

  it('reverts an edit of the generated Product resource, and the Product reverts a change made in 3scale', async () => {
    const o = (await w.get('OpenAPI', 'pets'))!;
    const product = (await generated('Product', o))!;
    await w.apply({ apiVersion: THREESCALE, kind: 'Product', metadata: { name: product.metadata.name }, spec: { description: 'edited by hand' } });
    await waitFor('the generated spec restored', async () => ((await generated('Product', o))?.spec as Json)?.description === 'Pets, imported');
    await waitFor('3scale unchanged', () => service('Pet_Store')?.description === 'Pets, imported');

    w.threescale.state.patch(TENANT, 'products', service('Pet_Store').id as number, { description: 'edited in the admin portal' });
    await sendPointer(w.plane, (await generated('Product', o))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => service('Pet_Store')?.description === 'Pets, imported');
  });

  it('reads an http URL, and reads it again on a resync', async () => {
    await w.apply(openapi('byurl', { openapiRef: { url: docURL } }));
    await w.waitForCondition('OpenAPI', 'byurl', 'Ready', 'True');
    expect(backends('Served_API')).toEqual([expect.objectContaining({ private_endpoint: 'https://served.example.com:443' })]);
    expect(ruleKeys(service('Served_API').id as number)).toEqual(['GET /api/pets$ listpets 1']);
    served = { ...served, paths: { ...served.paths, '/toys': { put: { operationId: 'putToy', responses: { 200: { description: 'ok' } } } } } };
    await sendPointer(w.plane, (await w.get('OpenAPI', 'byurl'))!, { reason: 'resync', cause: 'periodic' });
    await waitFor('document re-read from the URL', () => ruleKeys(service('Served_API').id as number).includes('PUT /api/toys$ puttoy 1'));
  });

  it('waits (Waiting) while its Product cannot sync, naming why', async () => {
    await w.apply(secret('stuck-oas', oas('Stuck')));
    await w.apply(openapi('stuck', { privateBaseURL: 'https://not a host' }));
    const o = await w.waitForCondition('OpenAPI', 'stuck', 'Waiting', 'True');
    expect(o.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('is not Synced yet') }));
    // Fixed in the OpenAPI: its Product syncs, which wakes it.
    await w.apply(openapi('stuck', { privateBaseURL: 'https://stuck.example.com' }));
    await w.waitForCondition('OpenAPI', 'stuck', 'Ready', 'True');
  });

  it('refuses a title over 215 characters as Invalid, naming info.title', async () => {
    await w.apply(secret('long-oas', oas('T'.repeat(216))));
    await w.apply(openapi('long'));
    const o = await w.waitForCondition('OpenAPI', 'long', 'Invalid', 'True');
    expect(o.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('info.title') }));
  });

  it.each([
    ['no paths', oas('No Paths', { paths: undefined }), 'paths'],
    ['Swagger 2.0', { swagger: '2.0', info: { title: 'Old', version: '1' }, paths: {} }, 'openapi'],
    ['two security requirements', oas('Two', { security: [{ a: [] }, { b: [] }], components: { securitySchemes: { a: { type: 'apiKey', name: 'k', in: 'query' }, b: { type: 'apiKey', name: 'j', in: 'header' } } } }), 'security'],
    ['http basic security', oas('Basic', { security: [{ basic: [] }], components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } } } }), 'components.securitySchemes.basic.type'],
    ['not YAML', 'just: [unclosed', 'not a YAML or JSON document'],
  ])('reports a malformed document (%s) as Invalid, naming %s', async (_what, doc, field) => {
    const name = `bad-${String(_what).replace(/\W+/g, '-').toLowerCase()}`;
    await w.apply(secret(`${name}-oas`, doc as Json | string));
    await w.apply(openapi(name));
    const o = await w.waitForCondition('OpenAPI', name, 'Invalid', 'True');
    expect(o.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining(field as string) }));
  });

  it('is deleted once the generated resources, and so their 3scale objects, are gone', async () => {
    const o = (await w.get('OpenAPI', 'over'))!;
    await w.remove('OpenAPI', 'over');
    await w.waitForGone('OpenAPI', 'over');
    expect(await w.get('Product', `overridden-${o.metadata.uid}`)).toBeUndefined();
    expect(await w.get('Backend', `overridden-${o.metadata.uid}`)).toBeUndefined();
    expect(services('custom_sys')).toHaveLength(0);
    expect(backends('custom_sys')).toHaveLength(0);
  });

  it('deleted and created again with the same document (same system names), it ends with one synced set of 3scale objects', async () => {
    await imported('again', oas('Again'));
    await w.remove('OpenAPI', 'again');
    await w.waitForGone('OpenAPI', 'again');
    await w.apply(openapi('again'));
    const o = await w.waitForCondition('OpenAPI', 'again', 'Ready', 'True');
    const product = (await generated('Product', o))!;
    expect(services('Again')).toEqual([expect.objectContaining({ id: product.status?.productId })]);
    expect(backends('Again')).toEqual([expect.objectContaining({ id: (await generated('Backend', o))!.status?.backendId })]);
  });

  /** Deletes the OpenAPI; Kubernetes' garbage collector deletes the generated resources, which keep their 3scale objects. */
  async function expectKeptAfterDeletion(o: KubeObject, title: string): Promise<void> {
    const name = o.metadata.name;
    await w.remove('OpenAPI', name);
    await w.waitForGone('OpenAPI', name);
    const generatedName = `${title.toLowerCase()}-${o.metadata.uid}`;
    await waitFor('generated resources gone', async () => !(await w.get('Product', generatedName)) && !(await w.get('Backend', generatedName)));
    expect(services(title)).toHaveLength(1);
    expect(backends(title)).toHaveLength(1);
  }

  it('keeps the 3scale objects with deletion-policy orphan (carried to the generated resources)', async () => {
    const o = await imported('kept', oas('Kept'), {}, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } });
    expect((await generated('Product', o))?.metadata.annotations).toMatchObject({ 'apim-sync.io/deletion-policy': 'orphan' });
    await expectKeptAfterDeletion(o, 'Kept');
  });

  it('keeps the 3scale objects when deletion-policy orphan is added just before the deletion', async () => {
    const o = await imported('late-kept', oas('LateKept'));
    expect((await generated('Product', o))?.metadata.annotations?.['apim-sync.io/deletion-policy']).toBeUndefined();
    // An annotation edit alone triggers no sync: the deletion itself must carry it to the generated resources.
    await w.apply({ ...o, metadata: { name: 'late-kept', annotations: { 'apim-sync.io/deletion-policy': 'orphan' } } });
    await expectKeptAfterDeletion(o, 'LateKept');
  });

  it('waits (Orphan) for a provider account Secret that arrives late', async () => {
    await w.apply(secret('late-oas', oas('Late')));
    await w.apply(openapi('late', { providerAccountRef: { name: 'late-account' } }));
    const o = await w.waitForCondition('OpenAPI', 'late', 'Orphan', 'True');
    expect(o.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('late-account') }));
    await w.apply(providerAccount('late-account', w.adminURL, TENANT_TOKEN));
    const ready = await w.waitForCondition('OpenAPI', 'late', 'Ready', 'True');
    expect((await generated('Product', ready))?.spec).toMatchObject({ providerAccountRef: { name: 'late-account' } });
  });

  it('creates no duplicate after a crash between the create and the status write', async () => {
    await w.apply(secret('crash-oas', oas('Crash')));
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await w.apply(openapi('crash'));
      const o = await w.waitForCondition('OpenAPI', 'crash', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      const owned = (await w.cluster.objects.list(THREESCALE, 'Product', w.ns)).items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === o.metadata.uid));
      expect(owned).toHaveLength(1);
      expect(services('Crash')).toHaveLength(1);
      expect(backends('Crash')).toHaveLength(1);
    } finally {
      crash.restore();
    }
  });
});
