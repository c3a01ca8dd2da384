import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type RequestListener } from 'node:http';
import { WebSocket } from 'ws';
import { forwardingFallback, platformArtifact, startWso2Apim, type Wso2ApimEmulator } from '../../emulators/wso2/apim/index.ts';
import { startControlPlaneEmulator } from '../../emulators/wso2/control-plane/index.ts';
import { ApimClient, bearer, PUBLISHER } from '../../emulators/wso2/apim/client.ts';
import { projectArchive, projectFiles, zipFiles, type ProjectInput } from '../../emulators/wso2/apim/project-archive.ts';

const GATEWAY_IMPORT = 'preserveProvider=false&overwrite=true&dryRun=false&rotateRevision=true';
const GATEWAY_ENV = 'platform-gw';

let emu: Wso2ApimEmulator;
let apim: ApimClient;
let token: string;

beforeAll(async () => {
  emu = await startWso2Apim({ environments: [{ name: 'Default' }, { name: GATEWAY_ENV, vhosts: ['gw.example.com'] }] });
  apim = new ApimClient(emu.url, emu.caPem);
});
afterAll(async () => {
  await apim.close();
  await emu.close();
});
beforeEach(async () => {
  emu.reset();
  token = await apim.adminToken(emu.admin, ['apim:api_import_export', 'apim:api_view', 'apim:api_create', 'apim:api_publish']);
});

const petStore = (extra: Partial<ProjectInput> = {}): ProjectInput => ({
  name: 'PetStore',
  version: 'v1.0',
  context: '/pets',
  environments: [GATEWAY_ENV],
  additionalProperties: [{ name: 'apim-sync-owner', value: 'cluster-a/default/pets', display: false }],
  ...extra,
});

const get = (path: string) => apim.call('GET', PUBLISHER + path, { authorization: bearer(token) });
const importPets = (extra: Partial<ProjectInput> = {}, query = GATEWAY_IMPORT) => apim.importApi(token, projectArchive(petStore(extra)), query);
const lookup = (query: string) => get(`/apis?query=${encodeURIComponent(query)}`);

describe('import (POST /apis/import)', () => {
  it('creates the API, makes a revision and deploys it to the archive’s environment; answers {id, revision}', async () => {
    const r = await importPets();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.any(String), revision: expect.any(String) });
    const [api] = emu.apis();
    expect(api).toMatchObject({ id: r.body.id, name: 'PetStore', version: 'v1.0', context: '/pets', provider: 'admin' });
    expect(api!.additionalProperties).toEqual([{ name: 'apim-sync-owner', value: 'cluster-a/default/pets', display: false }]);
    expect(api!.api).toMatchObject({ gatewayType: 'APIPlatform', initiatedFromGateway: true, lifeCycleStatus: 'CREATED', operations: [expect.objectContaining({ target: '/items', verb: 'GET' })] });
    expect(api!.revisions).toEqual([expect.objectContaining({ id: r.body.revision, number: 1, description: 'Revision created after importing the API' })]);
    expect(api!.deployments).toEqual([expect.objectContaining({ environment: GATEWAY_ENV, vhost: 'gw.example.com', displayOnDevportal: true, revisionId: r.body.revision })]);
    expect(emu.violations()).toEqual([]);
  });

  it('answers text unless the client accepts exactly application/json', async () => {
    const r = await apim.importApi(token, projectArchive(petStore()), GATEWAY_IMPORT, 'application/json, text/plain');
    expect(r.status).toBe(200);
    expect(r.body).toBe('API imported successfully.');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('updates the API of the same name and version with overwrite=true: a new revision replaces the deployed one', async () => {
    const first = await importPets();
    const second = await importPets({ url: 'https://v2.example.com', operations: [{ target: '/items', verb: 'GET' }, { target: '/items/{id}', verb: 'DELETE' }], context: '/ignored' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.revision).not.toBe(first.body.revision);
    const [api] = emu.apis();
    expect(emu.apis()).toHaveLength(1);
    expect(api!.context).toBe('/pets'); // APIM keeps name, version, context and provider on update
    expect(api!.api.endpointConfig).toMatchObject({ production_endpoints: { url: 'https://v2.example.com' } });
    expect((api!.api.operations as unknown[]).length).toBe(2);
    expect(api!.revisions.map((x) => x.number)).toEqual([1, 2]);
    expect(api!.deployments).toEqual([expect.objectContaining({ environment: GATEWAY_ENV, revisionNumber: 2 })]);
    const revisions = await get(`/apis/${first.body.id}/revisions?query=deployed:false`);
    expect(revisions.body).toMatchObject({ count: 1, list: [{ id: first.body.revision, displayName: 'Revision 1', deploymentInfo: [] }] });
  });

  it('refuses an existing API without overwrite (409) and a context another API uses', async () => {
    await importPets();
    const again = await importPets({}, 'preserveProvider=false&overwrite=false');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 900300, message: 'The API already exists.', moreInfo: '', error: [] });
    const sameContext = await importPets({ name: 'Other' }, 'overwrite=false');
    expect(sameContext.status).toBe(409);
    expect(sameContext.body).toMatchObject({ code: 900251, description: "An API with context '/pets' already exists" });
    // another version of the same API shares its context
    expect((await importPets({ version: 'v2.0' }, 'overwrite=false')).status).toBe(200);
    expect(emu.apis()).toHaveLength(2);
  });

  it('rotates revisions at the limit of five: the earliest is undeployed and deleted', async () => {
    for (let i = 0; i < 7; i++) expect((await importPets({ url: `https://b${i}.example.com` })).status).toBe(200);
    const [api] = emu.apis();
    expect(api!.revisions.map((x) => x.number)).toEqual([3, 4, 5, 6, 7]);
    expect(api!.deployments).toEqual([expect.objectContaining({ revisionNumber: 7 })]);
  });

  it('without rotateRevision, the sixth import updates the working copy and fails to make a revision (400)', async () => {
    for (let i = 0; i < 5; i++) await importPets({}, 'overwrite=true');
    const r = await importPets({ url: 'https://sixth.example.com' }, 'overwrite=true');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 900351 });
    const [api] = emu.apis();
    expect(api!.revisions).toHaveLength(5);
    expect(api!.api.endpointConfig).toMatchObject({ production_endpoints: { url: 'https://sixth.example.com' } });
  });

  it('without deployment environments, only the working copy changes', async () => {
    const r = await importPets({ environments: [] });
    expect(r.body).toEqual({ id: expect.any(String), revision: null });
    expect(emu.apis()[0]!.revisions).toEqual([]);
  });

  it('answers 404 for an environment APIM does not know, after saving the working copy (as APIM)', async () => {
    const r = await importPets({ environments: ['nowhere'] });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 900506, description: "Gateway Environment with label 'nowhere' not found" });
    expect(emu.apis()[0]!.revisions).toEqual([]);
    emu.addEnvironment({ name: 'nowhere' });
    expect((await importPets({ environments: ['nowhere'] })).status).toBe(200);
  });

  it('keeps the archive’s provider unless preserveProvider=false', async () => {
    await importPets({ provider: 'alice' }, 'overwrite=false');
    expect(emu.apis()[0]!.provider).toBe('alice');
    emu.reset();
    token = await apim.adminToken(emu.admin, ['apim:api_import_export', 'apim:api_view']);
    await importPets({ provider: 'alice' }, 'preserveProvider=false&overwrite=false');
    expect(emu.apis()[0]!.provider).toBe('admin');
  });

  it('answers 400 with APIM’s error body for a malformed zip, a missing api.yaml or definition, and a broken definition', async () => {
    const notZip = await apim.importApi(token, new TextEncoder().encode('not a zip'), GATEWAY_IMPORT);
    expect(notZip.status).toBe(400);
    expect(notZip.body).toMatchObject({ code: 900907, message: 'Error while reading meta information from the definition', moreInfo: '', error: [] });
    expect(notZip.body.description).toMatch(/^Error occurred while extracting the archive/);

    const files = projectFiles(petStore());
    const without = (suffix: string) => zipFiles(Object.fromEntries(Object.entries(files).filter(([k]) => !k.endsWith(suffix))));
    const noApiYaml = await apim.importApi(token, without('api.yaml'), GATEWAY_IMPORT);
    expect(noApiYaml.status).toBe(400);
    expect(noApiYaml.body).toMatchObject({ code: 900909 });
    const noDefinition = await apim.importApi(token, without('swagger.yaml'), GATEWAY_IMPORT);
    expect(noDefinition.status).toBe(400);
    expect(noDefinition.body.description).toBe('Swagger Definition (swagger.json or swagger.yaml) is not found inside the archive');
    const brokenDefinition = { ...files, 'PetStore-v1.0/Definitions/swagger.yaml': 'title: not an OpenAPI document\n' };
    const broken = await apim.importApi(token, zipFiles(brokenDefinition), GATEWAY_IMPORT);
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ code: 900759 });
    expect(emu.apis()).toEqual([]);
    expect(emu.violations()).toEqual([]);
  });

  it('records an api.yaml outside the Publisher API schema as a violation and answers 400 naming the field', async () => {
    const r = await importPets({ overrides: { name: 'Pet#Store', visibility: 'EVERYONE' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual(
      expect.arrayContaining([
        { code: '400', message: expect.stringMatching(/^\/file\/PetStore-v1.0\/api.yaml\/data\/name: must match pattern/) },
        { code: '400', message: expect.stringMatching(/^\/file\/PetStore-v1.0\/api.yaml\/data\/visibility: must be equal to one of the allowed values/) },
      ]),
    );
    expect(emu.violations()).toHaveLength(1);
    expect(emu.apis()).toEqual([]);
  });

  it('stores a definition sent back from GET /swagger as it was before APIM’s additions', async () => {
    const { body } = await importPets();
    const swagger = await get(`/apis/${body.id}/swagger`);
    expect(swagger.status).toBe(200);
    expect(swagger.body).toMatchObject({
      openapi: '3.0.0',
      'x-wso2-basePath': '/pets/v1.0',
      'x-wso2-production-endpoints': { urls: ['https://backend.example.com'], type: 'http' },
      paths: { '/items': { get: { 'x-auth-type': 'Application & Application User', 'x-throttling-tier': 'Unlimited' } } },
    });
    await importPets({ definition: swagger.body });
    const stored = emu.apis()[0]!.definition;
    expect(Object.keys(stored).filter((k) => k.startsWith('x-wso2'))).toEqual([]);
    expect(stored.paths).toEqual({ '/items': { get: { responses: { '200': { description: 'Successful response' } } } } });
  });

  it('records dryRun=true as not emulated', async () => {
    const r = await importPets({}, 'overwrite=true&dryRun=true');
    expect(r.status).toBe(501);
    expect(emu.violations()).toHaveLength(1);
    expect(emu.apis()).toEqual([]);
  });
});

describe('lookup (GET /apis)', () => {
  beforeEach(async () => {
    await importPets({ provider: 'admin' });
    await importPets({ version: 'v2.0' });
    await importPets({ name: 'Orders', context: '/orders', version: 'v1.0', additionalProperties: [] });
    emu.createApi({ name: 'PetStore Legacy', version: 'v1.0', context: '/legacy-pets', provider: 'bob' });
  });

  it('finds an API by exact name and version, in APIM’s list envelope', async () => {
    const r = await lookup('name:"PetStore" version:"v1.0"');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ count: 1, list: [{ name: 'PetStore', version: 'v1.0', context: '/pets', provider: 'admin' }] });
    expect(r.body.list[0].additionalProperties).toEqual([{ name: 'apim-sync-owner', value: 'cluster-a/default/pets', display: false }]);
    expect(r.body.pagination).toEqual({ offset: 0, limit: 25, total: 1, next: '', previous: '' });
  });

  it('matches unquoted values by containment, and context, provider and plain-term searches', async () => {
    expect((await lookup('name:PetStore')).body.count).toBe(3);
    expect((await lookup('name:"petstore"')).body.count).toBe(2);
    expect((await lookup('context:"/orders"')).body.list.map((a: { name: string }) => a.name)).toEqual(['Orders']);
    expect((await lookup('provider:"bob"')).body.list.map((a: { name: string }) => a.name)).toEqual(['PetStore Legacy']);
    expect((await lookup('name:"PetStore Legacy"')).body.count).toBe(1);
    expect((await lookup('Legacy')).body.count).toBe(1);
    expect((await lookup('name:"PetStore" version:"v9"')).body.count).toBe(0);
    expect((await lookup('tag:"x"')).body.count).toBe(0);
  });

  it('pages with limit and offset, newest first', async () => {
    const first = await get('/apis?limit=2&offset=0');
    expect(first.body.count).toBe(2);
    expect(first.body.list.map((a: { name: string }) => a.name)).toEqual(['PetStore Legacy', 'Orders']);
    expect(first.body.pagination).toEqual({ offset: 0, limit: 2, total: 4, next: '/apis?limit=2&offset=2&query=', previous: '' });
    const second = await get('/apis?limit=2&offset=2');
    expect(second.body.list.map((a: { version: string }) => a.version)).toEqual(['v2.0', 'v1.0']);
    expect(second.body.pagination.previous).toBe('/apis?limit=2&offset=0&query=');
  });

  it('reads one API by id, and a revision by its id', async () => {
    const [api] = (await lookup('name:"PetStore" version:"v1.0"')).body.list;
    const one = await get(`/apis/${api.id}`);
    expect(one.body).toMatchObject({ id: api.id, name: 'PetStore', isRevision: false });
    const revisionId = emu.api(api.id)!.revisions[0]!.id;
    const revision = await get(`/apis/${revisionId}`);
    expect(revision.body).toMatchObject({ id: revisionId, isRevision: true, revisionedApiId: api.id, revisionId: 1 });
    expect((await get('/apis/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect(emu.violations()).toEqual([]);
  });
});

describe('revisions and deployments', () => {
  it('lists deployments, undeploys a revision from the environment (201) and refuses unknown environments', async () => {
    const { body } = await importPets();
    const deployments = await get(`/apis/${body.id}/deployments`);
    expect(deployments.body).toEqual({
      list: [expect.objectContaining({ revisionUuid: body.revision, name: GATEWAY_ENV, vhost: 'gw.example.com', displayOnDevportal: true, status: 'APPROVED' })],
    });
    const unknown = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/undeploy-revision?revisionId=${body.revision}`, {
      authorization: bearer(token),
      json: [{ name: 'nowhere', displayOnDevportal: false }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 900504 });
    // the gateway's undeploy call
    const undeploy = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/undeploy-revision?revisionId=${body.revision}`, {
      authorization: bearer(token),
      json: [{ name: GATEWAY_ENV, displayOnDevportal: false }],
    });
    expect(undeploy.status).toBe(201);
    expect(undeploy.body).toEqual([]);
    expect(emu.apis()[0]!.deployments).toEqual([]);
    expect((await get(`/apis/${body.id}/deployments`)).body).toEqual({ list: [] });
    expect(emu.violations()).toEqual([]);
  });

  it('undeploys by revision number and from all environments; 404 for an unknown revision', async () => {
    const { body } = await importPets({ environments: ['Default', GATEWAY_ENV] });
    expect(emu.apis()[0]!.deployments).toHaveLength(2);
    const all = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/undeploy-revision?revisionNumber=1&allEnvironments=true`, { authorization: bearer(token) });
    expect(all.status).toBe(201);
    expect(emu.apis()[0]!.deployments).toEqual([]);
    const missing = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/undeploy-revision?revisionId=nope`, { authorization: bearer(token), json: [] });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 900347 });
  });

  it('creates, deploys and deletes revisions through their own operations', async () => {
    const { body } = await importPets({ environments: [] });
    const created = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/revisions`, { authorization: bearer(token), json: { description: 'by hand' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName: 'Revision 1', description: 'by hand', apiInfo: { id: body.id } });
    const deployed = await apim.call('POST', `${PUBLISHER}/apis/${body.id}/deploy-revision?revisionId=${created.body.id}`, {
      authorization: bearer(token),
      json: [{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }],
    });
    expect(deployed.status).toBe(200);
    expect(deployed.body).toEqual([expect.objectContaining({ name: 'Default', revisionUuid: created.body.id })]);
    const refused = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}/revisions/${created.body.id}`, { authorization: bearer(token) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 900348 });
    await apim.call('POST', `${PUBLISHER}/apis/${body.id}/undeploy-revision?revisionId=${created.body.id}&allEnvironments=true`, { authorization: bearer(token) });
    const deleted = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}/revisions/${created.body.id}`, { authorization: bearer(token) });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ count: 0, list: [] });
    expect(emu.violations()).toEqual([]);
  });
});

describe('delete (DELETE /apis/{apiId})', () => {
  it('deletes a deployed API with its revisions; a second delete is 404', async () => {
    token = await apim.adminToken(emu.admin, ['apim:api_import_export']);
    const { body } = await importPets();
    const r = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}`, { authorization: bearer(token) });
    expect(r.status).toBe(200);
    expect(emu.apis()).toEqual([]);
    const again = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}`, { authorization: bearer(token) });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 900308 });
  });

  it('refuses while subscriptions are active (409), as APIM 4.x', async () => {
    const { body } = await importPets();
    emu.subscribe(body.id);
    const r = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}`, { authorization: bearer(token) });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 409, message: 'Conflict', description: `Cannot remove the API ${body.id} as active subscriptions exist` });
    expect(emu.apis()).toHaveLength(1);
  });

  it('needs a delete-capable scope', async () => {
    const { body } = await importPets();
    const viewer = await apim.adminToken(emu.admin, ['apim:api_view'], 'viewer-client');
    const r = await apim.call('DELETE', `${PUBLISHER}/apis/${body.id}`, { authorization: bearer(viewer) });
    expect(r.status).toBe(403);
  });
});

describe('hooks', () => {
  it('creates a foreign API, deployed, without any marker', async () => {
    const foreign = emu.createApi({ name: 'PetStore', version: 'v1.0', context: '/pets', deployTo: ['Default'] });
    expect(foreign).toMatchObject({ provider: 'publisher', additionalProperties: [], deployments: [expect.objectContaining({ environment: 'Default' })] });
    expect(foreign.api).toMatchObject({ gatewayType: 'wso2/synapse', initiatedFromGateway: false });
    const found = await lookup('name:"PetStore" version:"v1.0"');
    expect(found.body.list[0]).toMatchObject({ id: foreign.id, additionalProperties: [] });
    // an import without overwrite conflicts with it
    expect((await importPets({}, 'overwrite=false')).status).toBe(409);
  });

  it('injects faults: an error answer with APIM’s body, then a dropped connection', async () => {
    emu.faults.inject({ method: 'POST', path: /\/apis\/import$/, status: 503, times: 1 });
    const unavailable = await importPets();
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({ code: 503, message: 'Service Unavailable' });
    expect((await importPets()).status).toBe(200);
    emu.faults.inject({ path: /\/apis$/, dropConnection: true, times: 1 });
    await expect(get('/apis')).rejects.toThrow();
    expect(emu.calls.filter((c) => c.status === 0)).toHaveLength(1);
  });

  it('hands paths it does not serve to a fallback, so that one host serves APIM as a whole', async () => {
    const fallback: RequestListener = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ gatewayPath: 'internal/data/v1', path: req.url }));
    };
    const combined = await startWso2Apim({ fallback: { request: fallback } });
    const client = new ApimClient(combined.url, combined.caPem);
    try {
      const r = await client.call('GET', '/internal/gateway/.well-known');
      expect(r.body).toEqual({ gatewayPath: 'internal/data/v1', path: '/internal/gateway/.well-known' });
      expect((await client.call('GET', `${PUBLISHER}/apis`)).status).toBe(401);
      expect(combined.calls.map((c) => c.status)).toEqual([200, 401]);
    } finally {
      await client.close();
      await combined.close();
    }
    // and the listener mounts in another server (plain HTTP here)
    const host = createServer(emu.requestListener);
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const port = (host.address() as { port: number }).port;
    const answer = await fetch(`http://127.0.0.1:${port}${PUBLISHER}/apis`, { headers: { authorization: bearer(token) } });
    expect(answer.status).toBe(200);
    await new Promise((resolve) => host.close(resolve));
  });
});

describe('one host for APIM 4.7 as a whole', () => {
  it('forwards discovery, the internal REST API and the gateway WebSocket to the control plane emulator', async () => {
    const cp = await startControlPlaneEmulator({ flavour: 'apim' });
    const whole = await startWso2Apim({ fallback: forwardingFallback(cp.url, cp.caPem) });
    const client = new ApimClient(whole.url, whole.caPem);
    try {
      const gateway = cp.registerGateway('platform-gw');
      const wellKnown = await client.call('GET', '/internal/gateway/.well-known');
      expect(wellKnown.status).toBe(200);
      expect(wellKnown.body).toMatchObject({ gatewayPath: 'internal/data/v1', controlPlane: { type: 'APIM' } });
      const deployments = await client.call('GET', '/internal/data/v1/deployments', { headers: { 'api-key': gateway.token } });
      expect(deployments.status).toBe(200);
      expect(deployments.body).toEqual({ deployments: [] });

      const socket = new WebSocket(`${whole.url.replace('https:', 'wss:')}/internal/data/v1/ws/gateways/connect`, {
        headers: { 'api-key': gateway.token },
        ca: whole.caPem,
      });
      const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))));
        socket.once('error', reject);
      });
      expect(first).toMatchObject({ type: 'connection.ack', gatewayId: gateway.id });
      socket.close();

      const token = await client.adminToken(whole.admin, ['apim:api_view']);
      expect((await client.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(token) })).status).toBe(200);
      expect(whole.violations()).toEqual([]);
      expect(cp.violations()).toEqual([]);
    } finally {
      await client.close();
      await whole.close();
      await cp.close();
    }
  });
});

describe('announcing to platform gateways (controlPlane)', () => {
  it('what an environment named as a registered platform gateway runs becomes its deployments, announced as APIM does', async () => {
    const cp = await startControlPlaneEmulator({ flavour: 'apim' });
    const whole = await startWso2Apim({ environments: [{ name: 'Default' }, { name: GATEWAY_ENV }], fallback: forwardingFallback(cp.url, cp.caPem), controlPlane: cp });
    const client = new ApimClient(whole.url, whole.caPem);
    try {
      const gateway = cp.registerGateway(GATEWAY_ENV);
      const admin = await client.adminToken(whole.admin, ['apim:api_import_export', 'apim:api_view', 'apim:api_publish', 'apim:api_create']);
      const listed = async () => ((await client.call('GET', '/internal/data/v1/deployments', { headers: { 'api-key': gateway.token } })).body as { deployments: Array<Record<string, unknown>> }).deployments;
      const sent = () => cp.events(gateway.id).map((e) => e.envelope);

      const imported = await client.importApi(admin, projectArchive(petStore({ environments: [GATEWAY_ENV, 'Default'] })), GATEWAY_IMPORT);
      const { id, revision } = imported.body as { id: string; revision: string };
      expect(sent()).toEqual([{ type: 'api.deployed', payload: { apiId: id, deploymentId: revision, performedAt: expect.any(String) }, timestamp: expect.any(String), correlationId: expect.any(String) }]);
      expect(await listed()).toEqual([expect.objectContaining({ artifactId: id, deploymentId: revision, kind: 'RestApi', state: 'DEPLOYED' })]);
      // The artifact is the RestApi envelope APIM keeps for the gateway: the API's name, version, context, endpoint, operations.
      const zip = await client.call('GET', `/internal/data/v1/apis/${id}`, { headers: { 'api-key': gateway.token, accept: 'application/zip' } });
      expect(zip.status).toBe(200);
      expect(platformArtifact(whole.api(id)!.api)).toEqual({
        apiVersion: 'gateway.api-platform.wso2.com/v1alpha1',
        kind: 'RestApi',
        metadata: { name: 'petstore-v1.0' },
        spec: { displayName: 'PetStore', version: 'v1.0', context: '/pets', upstream: { main: { url: expect.any(String) } }, operations: [{ method: 'GET', path: '/items' }] },
      });

      // Deploying another revision replaces it; undeploying removes it from the list; deleting the API is announced too.
      const second = await client.importApi(admin, projectArchive(petStore({ url: 'https://v2.example.com' })), GATEWAY_IMPORT);
      const revision2 = (second.body as { revision: string }).revision;
      expect(await listed()).toEqual([expect.objectContaining({ artifactId: id, deploymentId: revision2 })]);
      const undeploy = await client.call('POST', `${PUBLISHER}/apis/${id}/undeploy-revision?revisionId=${revision2}`, { authorization: bearer(admin), json: [{ name: GATEWAY_ENV, displayOnDevportal: false }] });
      expect(undeploy.status).toBe(201);
      expect(await listed()).toEqual([]);
      expect((await client.call('DELETE', `${PUBLISHER}/apis/${id}`, { authorization: bearer(admin) })).status).toBe(200);
      expect(sent().map((e) => [e.type, e.payload.apiId, e.payload.deploymentId])).toEqual([
        ['api.deployed', id, revision],
        ['api.deployed', id, revision2],
        ['api.undeployed', id, revision2],
        ['api.deleted', id, undefined],
      ]);
      expect(cp.hasArtifact(id)).toBe(false);

      // An environment no platform gateway is registered under is not announced anywhere.
      await client.importApi(admin, projectArchive(petStore({ name: 'Elsewhere', context: '/elsewhere', environments: ['Default'] })), GATEWAY_IMPORT);
      expect(sent()).toHaveLength(4);
      expect(whole.violations()).toEqual([]);
      expect(cp.violations()).toEqual([]);
    } finally {
      await client.close();
      await whole.close();
      await cp.close();
    }
  });
});

describe('contract violations', () => {
  it('records requests outside the Publisher spec', async () => {
    const { body } = await importPets();
    const json = await apim.call('POST', `${PUBLISHER}/apis/import?overwrite=true`, { authorization: bearer(token), json: { file: 'x' } });
    expect(json.status).toBe(400);
    const badLimit = await get('/apis?limit=many');
    expect(badLimit.status).toBe(400);
    const badFlag = await apim.importApi(token, projectArchive(petStore()), 'overwrite=maybe');
    expect(badFlag.status).toBe(400);
    const wrongPart = await apim.call('POST', `${PUBLISHER}/apis/import?overwrite=true`, {
      authorization: bearer(token),
      multipart: { archive: { filename: 'api.zip', data: projectArchive(petStore()) } },
    });
    expect(wrongPart.status).toBe(400);
    const unknownPath = await get('/apis/x/nothing-here');
    expect(unknownPath.status).toBe(404);
    const wrongMethod = await apim.call('PATCH', `${PUBLISHER}/apis/${body.id}`, { authorization: bearer(token), json: {} });
    expect(wrongMethod.status).toBe(404);
    const notEmulated = await get(`/apis/${body.id}/lifecycle-history`);
    expect(notEmulated.status).toBe(501);
    const otherApi = await apim.call('GET', '/api/am/admin/v4/environments', { authorization: bearer(token) });
    expect(otherApi.status).toBe(404);
    const problems = emu.violations().map((v) => `${v.method} ${v.path}: ${v.problems.join(' | ')}`);
    expect(problems).toEqual([
      expect.stringMatching(/^POST \/api\/am\/publisher\/v4\/apis\/import: body: unsupported content type 'application\/json'/),
      expect.stringMatching(/^GET \/api\/am\/publisher\/v4\/apis: query \/limit: must be integer/),
      expect.stringMatching(/^POST \/api\/am\/publisher\/v4\/apis\/import: query \/overwrite: must be boolean/),
      "POST /api/am/publisher/v4/apis/import: body /file: must have required property 'file'",
      expect.stringMatching(/^GET \/api\/am\/publisher\/v4\/apis\/x\/nothing-here: route: /),
      expect.stringMatching(/^PATCH .*: route: method PATCH is not allowed on this path/),
      expect.stringMatching(/lifecycle-history: route: Publisher operation getAPILifecycleHistory is not emulated/),
      expect.stringMatching(/^GET \/api\/am\/admin\/v4\/environments: route: /),
    ]);
  });
});
