import { PatchStrategy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DELETION_POLICY } from '../../shared/engine/metadata-keys.ts';
import { conditionOf } from '../support/world-objects.ts';
import {
  bottomUpValues,
  CLIENT_ID_KEY,
  CLIENT_SECRET_KEY,
  controlPlaneStatus,
  DEPLOYER,
  ENVIRONMENT,
  OAUTH_SECRET,
  PASSWORD_KEY,
  propertyOf,
  useBottomUpWorld,
  USERNAME_KEY,
  type BottomUpWorld,
} from '../support/bottom-up-world.ts';
import { waitFor } from '../support/wait.ts';
import { drained, restApi, secret } from '../support/wso2-e2e.ts';

const PUBLISHER = '/api/am/publisher/v4';

/**
 * Bottom-up (docs/wso2-design.md): a RestApi declared in Kubernetes runs on its gateway and, the gateway's control
 * plane being APIM 4.7, is imported into APIM as the gateway would import it, deployed to the gateway's environment.
 */
describe('a RestApi declared in Kubernetes appears in WSO2 API Manager 4.7', () => {
  let w: BottomUpWorld;
  useBottomUpWorld((world) => void (w = world));

  it('is imported as an APIPlatform API initiated from the gateway, deployed to the gateway environment, ids in status', async () => {
    await w.apply(restApi('orders', { operations: [{ method: 'GET', path: '/orders' }, { method: 'GET', path: '/orders/{id}' }] }));
    const ready = await w.waitForCondition('RestApi', 'orders', 'Ready', 'True');
    expect(conditionOf(ready, 'Programmed')?.status).toBe('True');
    const api = w.apimApi('orders')!;
    expect(api).toMatchObject({ name: 'orders', version: 'v1.0', context: '/orders' });
    expect(api.api).toMatchObject({ gatewayType: 'APIPlatform', gatewayVendor: 'wso2', initiatedFromGateway: true });
    expect(propertyOf(api, 'apim-sync-owner')).toBe(`local/${w.ns}/orders`);
    expect(api.deployments.map((d) => [d.environment, d.revisionId])).toEqual([[ENVIRONMENT, api.revisions.at(-1)!.id]]);
    expect(controlPlaneStatus(ready)).toMatchObject({ type: 'APIM', apiId: api.id, revisionId: api.revisions.at(-1)!.id, gatewayEnvironment: ENVIRONMENT, lastImportedGeneration: 1 });
    expect(Object.keys((api.definition as { paths: object }).paths)).toEqual(['/orders', '/orders/{id}']);
    expect(w.gateway.state.get('RestApi', 'orders')).toBeDefined();
  });

  it('a resync with nothing changed makes no APIM write (and needs no new token)', async () => {
    await w.apply(restApi('steady'));
    await w.waitForCondition('RestApi', 'steady', 'Ready', 'True');
    expect(await w.writesOfOneResync('steady')).toEqual([]);
  });

  it('an update imports a new revision and deploys it; at APIM\'s limit of five the oldest is rotated out', async () => {
    await w.apply(restApi('catalog'));
    await w.waitForCondition('RestApi', 'catalog', 'Ready', 'True');
    const id = w.apimApi('catalog')!.id;
    for (let i = 1; i <= 6; i++) {
      await w.apply(restApi('catalog', { operations: [{ method: 'GET', path: '/info' }, { method: 'GET', path: `/items-${i}` }] }));
      await w.waitForCondition('RestApi', 'catalog', 'Ready', 'True');
    }
    const api = w.apimApi('catalog')!;
    expect(api.id).toBe(id);
    expect(api.revisions.map((r) => r.number)).toEqual([3, 4, 5, 6, 7]);
    expect(api.deployments.map((d) => [d.environment, d.revisionNumber])).toEqual([[ENVIRONMENT, 7]]);
    expect(Object.keys((api.definition as { paths: object }).paths)).toEqual(['/info', '/items-6']);
    const status = controlPlaneStatus(await w.get('RestApi', 'catalog'));
    expect(status).toMatchObject({ apiId: id, revisionId: api.revisions.at(-1)!.id, lastImportedGeneration: 7 });
  });

  it('a change made in APIM is reverted: an API undeployed, an older revision redeployed, or the API deleted there', async () => {
    await w.apply(restApi('drifting'));
    await w.waitForCondition('RestApi', 'drifting', 'Ready', 'True');
    const api = w.apimApi('drifting')!;
    await inConsole(w, 'POST', `/apis/${api.id}/undeploy-revision?revisionId=${api.deployments[0].revisionId}`, [{ name: ENVIRONMENT, displayOnDevportal: false }]);
    expect(w.apimApi('drifting')!.deployments).toEqual([]);
    expect((await w.writesOfOneResync('drifting')).map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${PUBLISHER}/apis/import`]);
    expect(w.apimApi('drifting')!.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);

    const [older] = w.apimApi('drifting')!.revisions;
    await w.apply(restApi('drifting', { operations: [{ method: 'GET', path: '/info' }, { method: 'GET', path: '/news' }] }));
    await w.waitForCondition('RestApi', 'drifting', 'Ready', 'True');
    await inConsole(w, 'POST', `/apis/${api.id}/deploy-revision?revisionId=${older.id}`, [{ name: ENVIRONMENT, displayOnDevportal: true }]);
    expect(w.apimApi('drifting')!.deployments.map((d) => d.revisionId)).toEqual([older.id]);
    expect((await w.writesOfOneResync('drifting')).map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${PUBLISHER}/apis/import`]);
    const redeployed = w.apimApi('drifting')!;
    expect(redeployed.deployments.map((d) => d.revisionId)).toEqual([redeployed.revisions.at(-1)!.id]);
    expect(Object.keys((redeployed.definition as { paths: object }).paths)).toEqual(['/info', '/news']);

    await inConsole(w, 'DELETE', `/apis/${api.id}`);
    expect((await w.writesOfOneResync('drifting')).map((c) => `${c.method} ${c.path}`)).toEqual([`POST ${PUBLISHER}/apis/import`]);
    const again = w.apimApi('drifting')!;
    expect(again.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
    expect(controlPlaneStatus(await w.get('RestApi', 'drifting'))?.apiId).toBe(again.id);
  });

  it('a new version replaces the API in APIM; a previous version with subscriptions is kept there, undeployed', async () => {
    await w.apply(restApi('versioned'));
    await w.waitForCondition('RestApi', 'versioned', 'Ready', 'True');
    const v1 = w.apimApi('versioned')!;
    await w.apply(restApi('versioned', { version: 'v2.0' }));
    const v2ready = await w.waitForCondition('RestApi', 'versioned', 'Ready', 'True');
    const v2 = w.apim.apis().find((a) => a.name === 'versioned' && a.version === 'v2.0')!;
    expect(w.apim.api(v1.id)).toBeUndefined();
    expect(v2.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
    expect(controlPlaneStatus(v2ready)?.apiId).toBe(v2.id);

    w.apim.subscribe(v2.id, 2);
    await w.apply(restApi('versioned', { version: 'v3.0' }));
    const v3ready = await w.waitForCondition('RestApi', 'versioned', 'Ready', 'True');
    const v3 = w.apim.apis().find((a) => a.name === 'versioned' && a.version === 'v3.0')!;
    expect(controlPlaneStatus(v3ready)?.apiId).toBe(v3.id);
    expect(w.apim.api(v2.id)).toMatchObject({ deployments: [], subscriptions: 2 });
    expect(v3.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
  });

  it('apim-sync.io/deployment-state: undeployed undeploys the revision in APIM and keeps the API; removing it deploys again', async () => {
    await w.apply(restApi('paused'));
    await w.waitForCondition('RestApi', 'paused', 'Ready', 'True');
    const { id } = w.apimApi('paused')!;
    await w.apply(restApi('paused', {}, { annotations: { 'apim-sync.io/deployment-state': 'undeployed' } }));
    await waitFor('undeployed in APIM', async () => w.apim.api(id)?.deployments.length === 0);
    await drained(w);
    const status = controlPlaneStatus(await w.get('RestApi', 'paused'));
    expect(status).toEqual({ type: 'APIM', host: new URL(w.apim.url).host, apiId: id, gatewayEnvironment: ENVIRONMENT });
    expect(await w.writesOfOneResync('paused')).toEqual([]);

    const annotated = (await w.get('RestApi', 'paused'))!;
    await w.cluster.objects.patch(
      { apiVersion: annotated.apiVersion, kind: 'RestApi', metadata: { name: 'paused', namespace: w.ns, annotations: { 'apim-sync.io/deployment-state': null } } } as never,
      undefined, undefined, 'apim-sync-e2e', undefined, PatchStrategy.MergePatch,
    );
    await waitFor('deployed again in APIM', async () => w.apim.api(id)?.deployments.length === 1);
    expect(w.apim.api(id)!.revisions).toHaveLength(2);
  });

  it('deleting the RestApi undeploys its revision from the gateway environment, then deletes the API', async () => {
    await w.apply(restApi('retiring'));
    await w.waitForCondition('RestApi', 'retiring', 'Ready', 'True');
    const { id, revisions } = w.apimApi('retiring')!;
    const from = w.apim.calls.length;
    await w.remove('RestApi', 'retiring');
    await w.waitForGone('RestApi', 'retiring');
    expect(w.apim.api(id)).toBeUndefined();
    expect(w.apimWrites(from).map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `POST ${PUBLISHER}/apis/${id}/undeploy-revision 201`,
      `DELETE ${PUBLISHER}/apis/${id} 200`,
    ]);
    expect(revisions).toHaveLength(1);
    expect(w.gateway.state.get('RestApi', 'retiring')).toBeUndefined();
  });

  it(`${DELETION_POLICY}: orphan keeps the API in APIM`, async () => {
    await w.apply(restApi('kept', {}, { annotations: { [DELETION_POLICY]: 'orphan' } }));
    await w.waitForCondition('RestApi', 'kept', 'Ready', 'True');
    const from = w.apim.calls.length;
    await w.remove('RestApi', 'kept');
    await w.waitForGone('RestApi', 'kept');
    expect(w.apimApi('kept')?.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
    expect(w.apimWrites(from)).toEqual([]);
  });

  it('an API of the same name and version that apim-sync did not create is a Conflict, left unchanged, until the RestApi adopts it', async () => {
    const foreign = w.apim.createApi({ name: 'legacy', version: 'v1.0', context: '/legacy', provider: 'publisher' });
    await w.apply(restApi('legacy'));
    const refused = await w.waitForCondition('RestApi', 'legacy', 'Ready', 'False', { reason: 'Conflict' });
    expect(conditionOf(refused, 'Programmed')?.status).toBe('True');
    expect(conditionOf(refused, 'Ready')?.message).toContain(`"legacy" version "v1.0" (id ${foreign.id})`);
    expect(conditionOf(refused, 'Ready')?.message).toContain('apim-sync.io/adopt="true"');
    expect(w.apim.api(foreign.id)).toMatchObject({ revisions: [], additionalProperties: [] });

    await w.apply(restApi('legacy', {}, { annotations: { 'apim-sync.io/adopt': 'true' } }));
    const adopted = await w.waitForCondition('RestApi', 'legacy', 'Ready', 'True', { generation: false });
    expect(controlPlaneStatus(adopted)?.apiId).toBe(foreign.id);
    expect(w.apim.apis().filter((a) => a.name === 'legacy')).toHaveLength(1);
    expect(propertyOf(w.apim.api(foreign.id), 'apim-sync-owner')).toBe(`local/${w.ns}/legacy`);
    expect(w.apim.api(foreign.id)!.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
  });

  it('an API apim-sync imported for another resource (another cluster) is a Conflict too, and deleting the refused RestApi leaves it', async () => {
    const other = w.apim.createApi({ name: 'shared', version: 'v1.0', context: '/shared', additionalProperties: [{ name: 'apim-sync-owner', value: 'eu-west/payments/shared', display: false }], deployTo: [ENVIRONMENT] });
    await w.apply(restApi('shared', { context: '/shared-here' }));
    const refused = await w.waitForCondition('RestApi', 'shared', 'Ready', 'False', { reason: 'Conflict' });
    expect(conditionOf(refused, 'Ready')?.message).toContain('imported by apim-sync for another resource (eu-west/payments/shared)');
    const from = w.apim.calls.length;
    await w.remove('RestApi', 'shared');
    await w.waitForGone('RestApi', 'shared');
    expect(w.apimWrites(from)).toEqual([]);
    expect(w.apim.api(other.id)?.deployments.map((d) => d.environment)).toEqual([ENVIRONMENT]);
  });
});

describe('with the seed\'s ROPC tip (username and password beside the client in the Secret)', () => {
  let w: BottomUpWorld;
  useBottomUpWorld(async (world) => {
    w = world;
    await w.apply(secret(OAUTH_SECRET, { [CLIENT_ID_KEY]: w.client.clientId, [CLIENT_SECRET_KEY]: w.client.clientSecret, [USERNAME_KEY]: DEPLOYER.username, [PASSWORD_KEY]: DEPLOYER.password }));
  });

  it('the token is a password grant with the client authenticated, and the API is the user\'s', async () => {
    await w.apply(restApi('ropc'));
    await w.waitForCondition('RestApi', 'ropc', 'Ready', 'True');
    expect(w.apimApi('ropc')).toMatchObject({ provider: DEPLOYER.username });
    const tokenCalls = w.apim.calls.filter((c) => c.path === '/oauth2/token');
    expect(tokenCalls.map((c) => c.status)).toEqual([200]);
  });
});

describe('a gateway whose gateway_name APIM does not know', () => {
  let w: BottomUpWorld;
  useBottomUpWorld(async (world) => {
    w = world;
    const host = new URL(w.apim.url).host;
    await w.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prod-gateway-values' }, data: { 'values.yaml': bottomUpValues(host).replaceAll(`"${ENVIRONMENT}"`, '"unregistered-gw"') } });
    await drained(w);
  });

  it('runs the API on the gateway, and says in Ready that APIM could not deploy it there', async () => {
    await w.apply(restApi('lost'));
    const failed = await w.waitForCondition('RestApi', 'lost', 'Ready', 'False', { reason: 'NotDeployed' });
    expect(conditionOf(failed, 'Programmed')?.status).toBe('True');
    expect(conditionOf(failed, 'Ready')?.message).toContain("gateway_name must be the name it is registered under in APIM");
  });
});

/** What an APIM admin does in the Publisher console, with the admin's own client and token. */
async function inConsole(w: BottomUpWorld, method: string, path: string, json?: unknown): Promise<void> {
  const { ApimClient } = await import('../../emulators/wso2/apim/client.ts');
  const client = new ApimClient(w.apim.url, w.apim.caPem);
  const token = await client.adminToken(w.apim.admin, ['apim:api_import_export', 'apim:api_view', 'apim:api_publish'], 'publisher-console');
  const res = await client.call(method, `${PUBLISHER}${path}`, { authorization: `Bearer ${token}`, ...(json ? { json } : {}) });
  expect(res.status).toBeLessThan(300);
}
