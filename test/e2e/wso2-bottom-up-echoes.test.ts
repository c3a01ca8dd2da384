import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { CP_LABELS, CP_ORIGIN, type EchoOutcome } from '../../vendors/wso2/control-plane/metadata.ts';
import { sendPointer } from '../support/send-message.ts';
import { controlPlaneStatus, ENVIRONMENT, useBottomUpWorld, type BottomUpWorld } from '../support/bottom-up-world.ts';
import { waitFor } from '../support/wait.ts';
import { drained, GATEWAY, restApi, WSO2 } from '../support/wso2-e2e.ts';

/**
 * Both flows together. APIM 4.7, when a bottom-up import deploys a revision to the gateway's environment, announces
 * it to that gateway (`api.deployed` with APIM's id) and lists it in its deployments, as it does for any API; the
 * gateway takes it for an in-place update of the API it synced up. apim-sync's top-down sync must recognise its own
 * RestApi there: no second RestApi, the deployment acked success once the RestApi runs, a resync that writes nothing.
 */
describe('WSO2 bottom-up echoes: APIM announcing back what the gateway synced up', () => {
  let w: BottomUpWorld;
  useBottomUpWorld((world) => void (w = world));

  const gatewayId = () => w.controlPlane.gateways().find((g) => g.name === ENVIRONMENT)!.id;
  const echoes = async () => ((await w.get('APIGateway', GATEWAY))?.status?.controlPlane as { echoes?: EchoOutcome[] } | undefined)?.echoes ?? [];
  /** RestApis the control plane wrote (there should be none: every API here is declared in the cluster). */
  const controlPlaneApis = async () => ((await w.cluster.objects.list(WSO2, 'RestApi', w.ns, undefined, undefined, undefined, undefined, `${CP_LABELS.origin}=${CP_ORIGIN}`)) as unknown as { items: KubeObject[] }).items;
  /** The control plane's deployments to the gateway, as `GET /deployments` lists them (what the full diff reads). */
  const listed = () => w.controlPlane.events(gatewayId()).map((e) => e.envelope);
  const ackOf = (deploymentId: string) => w.controlPlane.acks().find((a) => (a.payload as { deploymentId?: string }).deploymentId === deploymentId && a.outcome === 'applied');

  it('a RestApi imported into APIM is announced back: no second RestApi, the deployment acked success, a resync writes nothing', async () => {
    await w.apply(restApi('echoed'));
    const ready = await w.waitForCondition('RestApi', 'echoed', 'Ready', 'True');
    const api = w.apimApi('echoed')!;
    const revision = api.revisions.at(-1)!.id;
    expect(controlPlaneStatus(ready)?.apiId).toBe(api.id);
    // APIM told the gateway, with its own id and the revision as the deployment.
    expect(listed()).toContainEqual(expect.objectContaining({ type: 'api.deployed', payload: expect.objectContaining({ apiId: api.id, deploymentId: revision }) }));
    const ack = await waitFor('the deployment acked', () => ackOf(revision));
    expect(ack.payload).toMatchObject({ artifactId: api.id, resourceType: 'api', action: 'deploy', status: 'success' });
    expect(w.controlPlane.deploymentStatus(revision)?.status).toBe('DEPLOYED');
    await drained(w);
    expect(await controlPlaneApis()).toEqual([]);
    expect(w.gateway.state.list('RestApi').map((a) => a.handle).filter((h) => h.startsWith('echoed'))).toEqual(['echoed']);
    expect(await echoes()).toContainEqual(expect.objectContaining({ artifactId: api.id, deploymentId: revision, kind: 'RestApi', resource: `${w.ns}/echoed` }));

    // The full diff finds it in APIM's deployments: nothing fetched, nothing written.
    const gw = (await w.get('APIGateway', GATEWAY))!;
    const versions = async () => [gw, ...(await w.cluster.objects.list(WSO2, 'RestApi', w.ns) as unknown as { items: KubeObject[] }).items].map((o) => o.metadata.resourceVersion);
    const before = await versions();
    const from = w.controlPlane.calls.length;
    await sendPointer(w.plane, gw, { reason: 'vendor-event', cause: 'test-resync-1', event: { type: 'resync' } });
    await drained(w);
    const calls = w.controlPlane.calls.slice(from).map((c) => `${c.method} ${c.path}`);
    expect(calls).toContain('GET /internal/data/v1/deployments');
    expect(calls.filter((c) => c.includes('fetch-batch') || /\/apis\/[^/]+$/.test(c))).toEqual([]);
    expect([(await w.get('APIGateway', GATEWAY))!.metadata.resourceVersion, ...(await versions()).slice(1)]).toEqual(before);
  });

  it('an update is a new revision announced again, acked once the RestApi runs its new generation', async () => {
    await w.apply(restApi('evolving'));
    await w.waitForCondition('RestApi', 'evolving', 'Ready', 'True');
    // The first revision's announcement is acked before the update: once the next revision is deployed, APIM takes an
    // ack of the first for a stale one (the watcher sees the RestApi run and the echo recorded a moment after Ready).
    const first = w.apimApi('evolving')!.revisions[0].id;
    await waitFor('the first deployment acked', () => ackOf(first));
    await w.apply(restApi('evolving', { operations: [{ method: 'GET', path: '/info' }, { method: 'GET', path: '/more' }] }));
    const ready = await w.waitForCondition('RestApi', 'evolving', 'Ready', 'True');
    const api = w.apimApi('evolving')!;
    expect(api.revisions.map((r) => r.id)).toEqual([first, expect.any(String)]);
    const second = api.revisions[1].id;
    expect(controlPlaneStatus(ready)).toMatchObject({ apiId: api.id, revisionId: second, lastImportedGeneration: 2 });
    await waitFor('the second deployment acked', () => ackOf(second));
    expect(ackOf(first)).toBeDefined();
    await drained(w);
    expect(await controlPlaneApis()).toEqual([]);
    expect((await echoes()).filter((e) => e.artifactId === api.id)).toEqual([expect.objectContaining({ deploymentId: second })]);
  });

  it('an announcement that arrives before the RestApi records APIM\'s id is known by its name and version', async () => {
    // APIM is slow to answer the deployments lookup that follows the import: its announcement reaches the function
    // while the RestApi's status does not name the API yet.
    w.apim.faults.inject({ method: 'GET', path: /\/apis\/[^/]+\/deployments$/, delayMs: 3_000, times: 1 });
    const logged = w.logs.length;
    await w.apply(restApi('early'));
    await w.waitForCondition('RestApi', 'early', 'Ready', 'True');
    const api = w.apimApi('early')!;
    await waitFor('acked once it runs', () => ackOf(api.revisions.at(-1)!.id));
    await drained(w);
    // Fetched (its id was not known yet), recognised by what it holds, and not written.
    const recognised = w.logs.slice(logged).filter((l) => l.includes('is a RestApi of this gateway announced back by APIM; not written'));
    expect(recognised.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ artifactId: api.id, restApi: 'early' })]);
    expect(await controlPlaneApis()).toEqual([]);
    expect(w.gateway.state.list('RestApi').map((a) => a.handle).filter((h) => h.startsWith('early'))).toEqual(['early']);
    expect(await echoes()).toContainEqual(expect.objectContaining({ artifactId: api.id, resource: `${w.ns}/early` }));
  });

  it('announcements lost while the gateway was away are found by the full diff on reconnect, and acked', async () => {
    await drained(w);
    // The gateway's connection cut and not taken back for a while (APIM itself answers: the import goes on).
    w.controlPlane.faults.inject({ method: 'GET', path: /\/ws\/gateways\/connect$/, status: 503 });
    w.controlPlane.dropConnections(gatewayId());
    await waitFor('disconnected', () => w.controlPlane.connections(gatewayId()).length === 0);
    await w.apply(restApi('while-away'));
    await w.waitForCondition('RestApi', 'while-away', 'Ready', 'True');
    const revision = w.apimApi('while-away')!.revisions.at(-1)!.id;
    expect(w.controlPlane.events(gatewayId()).filter((e) => e.envelope.payload.deploymentId === revision).map((e) => e.deliveredTo)).toEqual([0]);
    w.controlPlane.faults.clear();
    await waitFor('acked after the reconnect', () => ackOf(revision), 60_000);
    await drained(w);
    expect(await controlPlaneApis()).toEqual([]);
  });

  it('deleting the RestApi removes it everywhere: the gateway, APIM, the control plane\'s deployments, the recorded echo', async () => {
    await w.apply(restApi('ephemeral'));
    await w.waitForCondition('RestApi', 'ephemeral', 'Ready', 'True');
    const { id } = w.apimApi('ephemeral')!;
    await waitFor('acked', () => ackOf(w.apimApi('ephemeral')!.revisions.at(-1)!.id));
    await waitFor('echo recorded', async () => (await echoes()).some((e) => e.artifactId === id));
    await w.remove('RestApi', 'ephemeral');
    await w.waitForGone('RestApi', 'ephemeral');
    expect(w.apim.api(id)).toBeUndefined();
    expect(w.gateway.state.get('RestApi', 'ephemeral')).toBeUndefined();
    expect(w.controlPlane.hasArtifact(id)).toBe(false);
    expect(w.controlPlane.events(gatewayId()).map((e) => e.envelope).filter((e) => e.payload.apiId === id).map((e) => e.type)).toEqual(['api.deployed', 'api.undeployed', 'api.deleted']);
    await waitFor('the echo forgotten', async () => !(await echoes()).some((e) => e.artifactId === id));
    await drained(w);
    expect(await controlPlaneApis()).toEqual([]);
  });
});
