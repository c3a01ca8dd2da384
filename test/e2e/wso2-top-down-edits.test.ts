import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';
import { CP_ANNOTATIONS, EDITED } from '../../vendors/wso2/control-plane/metadata.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';
import { drained, GATEWAY, WSO2 } from '../support/wso2-e2e.ts';
import { closeTopDown, deploymentStatus as status, restArtifact, startTopDown, type TopDown } from '../support/wso2-top-down.ts';

/**
 * The control plane is the source of truth for what it deployed: a resource written from it records the digest of
 * its artifact, and an edit of its spec (or of the labels and annotations the artifact brought) is reverted, from
 * the deployment it carries; a resync with nothing changed fetches nothing and writes nothing.
 */
describe('WSO2 top-down: edits of control-plane resources are reverted', () => {
  let t: TopDown;
  beforeAll(async () => {
    t = await startTopDown('platform');
  }, 60_000);
  afterAll(() => closeTopDown(t));

  const ORIGINAL = [{ method: 'GET', path: '/items' }];
  const specOf = (o: KubeObject | undefined) => (o?.spec ?? {}) as { operations?: unknown; context?: string };
  const patch = (name: string, body: Record<string, unknown>) =>
    t.w.cluster.objects.patch({ apiVersion: WSO2, kind: 'RestApi', metadata: { name, namespace: t.w.ns }, ...body } as never, undefined, undefined, 'kubectl-edit', undefined, PatchStrategy.MergePatch);
  const fetchBatches = (from: number) => t.cp.calls.slice(from).filter((c) => c.method === 'POST' && c.path.endsWith('/deployments/fetch-batch'));
  const resync = async (cause: string) => {
    await sendPointer(t.w.plane, (await t.w.get('APIGateway', GATEWAY))!, { reason: 'vendor-event', cause, event: { type: 'resync' } });
    await drained(t.w);
  };

  it('an edit of the spec or of an artifact label is reverted at once, and the gateway runs the artifact again', async () => {
    const d = t.cp.deploy(t.gatewayId, restArtifact('guarded'));
    const written = await t.w.waitForCondition('RestApi', 'guarded', 'Programmed', 'True');
    expect(written.metadata.annotations?.[CP_ANNOTATIONS.artifactDigest]).toMatch(/^v1:[0-9a-f]{64};l=team;a=gateway\.api-platform\.wso2\.com\/project-id$/);
    await waitFor('acked', () => status(t, d.deploymentId) === 'DEPLOYED');
    await drained(t.w);
    const from = t.cp.calls.length;
    const queued = t.queue.length;

    await patch('guarded', { metadata: { name: 'guarded', namespace: t.w.ns, labels: { team: 'someone-else' } }, spec: { operations: [{ method: 'DELETE', path: '/everything' }] } });
    const reverted = await waitFor('reverted', async () => {
      const o = await t.w.get('RestApi', 'guarded');
      return o && o.metadata.generation! >= written.metadata.generation! + 2 && JSON.stringify(specOf(o).operations) === JSON.stringify(ORIGINAL) ? o : undefined;
    });
    expect(reverted.metadata.labels?.team).toBe('orders');
    expect(reverted.metadata.annotations).toMatchObject({ [CP_ANNOTATIONS.deploymentId]: d.deploymentId, [CP_ANNOTATIONS.artifactDigest]: written.metadata.annotations![CP_ANNOTATIONS.artifactDigest] });
    await waitFor('the gateway runs the artifact again', () => JSON.stringify(t.w.gateway.state.get('RestApi', 'guarded')?.resource.spec.operations) === JSON.stringify(ORIGINAL));
    // The watcher saw the edit and asked for it (no resync was due): one fetch-batch of the deployment it carries.
    const asked = t.queue.slice(queued).map((b) => parseSyncMessage(b)).filter((m) => m.event?.type === EDITED);
    expect(asked.map((m) => m.event)).toEqual([{ type: EDITED, id: d.artifactId, detail: 'RestApi' }]);
    expect(fetchBatches(from)).toHaveLength(1);
    await drained(t.w);
    expect(t.cp.acks().filter((a) => (a.payload as { deploymentId?: string }).deploymentId === d.deploymentId && a.outcome === 'applied')).toHaveLength(1);
  });

  it('a resync with nothing changed makes no fetch-batch call and no Kubernetes write', async () => {
    for (const n of ['steady-1', 'steady-2']) t.cp.deploy(t.gatewayId, restArtifact(n));
    await waitFor('written', async () => (await t.w.get('RestApi', 'steady-2'))?.status?.conditions !== undefined);
    await drained(t.w);
    const versions = async () => {
      const apis = (await t.w.cluster.objects.list(WSO2, 'RestApi', t.w.ns)) as unknown as { items: KubeObject[] };
      const gw = (await t.w.get('APIGateway', GATEWAY))!;
      return [gw, ...apis.items].map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    };
    const before = await versions();
    const from = t.cp.calls.length;
    await resync('steady-resync');
    expect(t.cp.calls.slice(from).map((c) => `${c.method} ${c.path}`)).toContain('GET /api/internal/v1/deployments');
    expect(fetchBatches(from)).toEqual([]);
    expect(t.cp.calls.slice(from).filter((c) => /\/(apis|llm-providers|llm-proxies|mcp-proxies)\/[^/]+$/.test(c.path))).toEqual([]);
    expect(await versions()).toEqual(before);
  });

  it('an edit the watcher could not tell from a write of the function (its digest changed too) is found by the resync', async () => {
    t.cp.deploy(t.gatewayId, restArtifact('sneaky'));
    const written = await t.w.waitForCondition('RestApi', 'sneaky', 'Programmed', 'True');
    await drained(t.w);
    await patch('sneaky', { metadata: { name: 'sneaky', namespace: t.w.ns, annotations: { [CP_ANNOTATIONS.artifactDigest]: 'v1:0;l=team' } }, spec: { context: '/elsewhere' } });
    await drained(t.w);
    expect(specOf(await t.w.get('RestApi', 'sneaky')).context).toBe('/elsewhere');
    const from = t.cp.calls.length;
    await resync('sneaky-resync');
    const back = (await t.w.get('RestApi', 'sneaky'))!;
    expect(specOf(back).context).toBe('/sneaky');
    expect(back.metadata.annotations?.[CP_ANNOTATIONS.artifactDigest]).toBe(written.metadata.annotations?.[CP_ANNOTATIONS.artifactDigest]);
    // The resync fetched the artifact again (a reconnect of the watcher's connection on a loaded machine, which runs a
    // full diff of its own, may fetch it once more: the point is that the edit was found, not by whom first).
    expect(fetchBatches(from).length).toBeGreaterThanOrEqual(1);
  });
});
