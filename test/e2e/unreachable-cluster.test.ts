import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingClusters, readUsageFile } from '../../cli/usage-summary.ts';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { applyManifests, type Manifest } from '../../local/apply.ts';
import { crdFiles } from '../../local/crd-files.ts';
import { startSyncPlane, type SyncPlane } from '../../local/sync-plane.ts';
import { permanent } from '../../shared/engine/errors.ts';
import { Cluster } from '../../shared/kube/cluster.ts';
import type { ClusterRegistry } from '../../shared/kube/cluster-registry.ts';
import type { KubeEndpoint } from '../../shared/kube/connection.ts';
import { jsonLogger } from '../../shared/log.ts';
import { startClusterUnderTest, type ClusterUnderTest } from '../support/cluster-under-test.ts';
import { ADMIN, apiV4, managementContext } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

// One plane, two member clusters. east is healthy (a real cluster with E2E_KUBECONFIG); west's API server is the test
// server, because what this test breaks is how the sync function reaches it: first it does not answer, then it
// refuses the function's token. Its watcher keeps watching with good credentials, as a watcher in the cluster would.
const WEST_TOKEN = 'west-sync-identity-token';
const MAX_RECEIVE_COUNT = 3;

/** The function's cluster registry, whose entries the test changes as an operator would (cluster add). */
class SwitchableRegistry implements ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();
  set(id: string, access: KubeConfig | KubeEndpoint): void {
    this.clusters.set(id, new Cluster(id, access, 2_000));
  }
  async get(id: string): Promise<Cluster> {
    const c = this.clusters.get(id);
    if (!c) throw permanent('UnknownCluster', `cluster "${id}" is not in the cluster registry`);
    return c;
  }
}

let east: ClusterUnderTest;
let west: KubeApiServer;
// Unique: with E2E_KUBECONFIG, east's watcher watches this namespace name in the real cluster too.
const westNs = `west-${randomBytes(4).toString('hex')}`;
let apim: GraviteeEmulator;
let plane: SyncPlane;
const registry = new SwitchableRegistry();
const logs: Record<string, any>[] = [];
let usageFile: string;
let closedPort: number;

beforeAll(async () => {
  [east, west] = await Promise.all([startClusterUnderTest(), startKubeApiServer({ crdFiles: crdFiles(), token: WEST_TOKEN })]);
  await west.kubeConfig().makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: westNs } } });
  apim = await startGraviteeEmulator({ organizations: { acme: ['dev'] }, users: [ADMIN] });
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closedPort = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  registry.set('east', east.kubeConfig);
  usageFile = join(mkdtempSync(join(tmpdir(), 'unreachable-')), 'usage.jsonl');
  plane = await startSyncPlane({
    clusters: { east: east.kubeConfig, west: west.kubeConfig() },
    registry,
    namespaces: [east.namespace, westNs],
    allowLoopback: true,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    retry: { baseSeconds: 1, maxSeconds: 1 },
    clusterCircuitOpenMs: 1_000,
    usageFile,
    log: jsonLogger({ level: 'WARN', sink: (l) => logs.push(JSON.parse(l)) }),
  });
}, 90_000);
afterAll(async () => {
  await plane?.stop();
  await apim?.close();
  await Promise.all([east?.close(), west?.close()]);
});

const GRAVITEE = 'gravitee.io/v1alpha1';
const inNs = (m: Record<string, unknown>, namespace: string) => ({ ...m, metadata: { ...(m.metadata as object), namespace } }) as Manifest;
type Status = { status?: { conditions?: { type: string; status: string }[] } };
const readApi = (kc: KubeConfig, namespace: string, name: string) => KubernetesObjectApi.makeApiClient(kc).read({ apiVersion: GRAVITEE, kind: 'ApiV4Definition', metadata: { name, namespace } }) as Promise<Status>;
const isAccepted = (o: Status) => !!o.status?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True');
const accepted = (kc: KubeConfig, namespace: string, name: string) => waitFor(`${namespace}/${name} Accepted`, async () => isAccepted(await readApi(kc, namespace, name)), 60_000);

/** The attempts the function made at west's resource, as its log lines say (one line per failed sync). */
const attemptsAt = (name: string, reason: string) => logs.filter((l) => l.message === 'member cluster unavailable; its messages retry' && l.cluster === 'west' && l.name === name && l.clusterUnavailable === reason);
const dlqDepth = async () => {
  const { Attributes: a = {} } = await plane.queue.sqs.send(new GetQueueAttributesCommand({ QueueUrl: plane.queue.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
};

describe('a member cluster the sync function cannot use', () => {
  it('unreachable: the other cluster syncs meanwhile; its messages are retried past maxReceiveCount, stay out of the DLQ, and sync once it is back', async () => {
    registry.set('west', { server: `http://127.0.0.1:${closedPort}`, token: WEST_TOKEN });
    await applyManifests(west.kubeConfig(), [inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), westNs), inNs(apiV4('orders', 'ctx'), westNs)]);
    // More attempts than the queue's maxReceiveCount: without renewal the message would be in the DLQ by now.
    await waitFor('west orders tried beyond maxReceiveCount, or dead-lettered', async () => (await dlqDepth()) > 0 || attemptsAt('orders', 'unreachable').some((l) => l.receiveCount > MAX_RECEIVE_COUNT), 60_000);
    expect(await dlqDepth()).toBe(0);

    await applyManifests(east.kubeConfig, [inNs(managementContext('ctx', apim.url, { credentials: ADMIN }), east.namespace), inNs(apiV4('payments', 'ctx'), east.namespace)]);
    await accepted(east.kubeConfig, east.namespace, 'payments');
    // east synced while west's messages were still being retried: queued, not dead-lettered, west not synced.
    expect(isAccepted(await readApi(west.kubeConfig(), westNs, 'orders'))).toBe(false);
    expect(await plane.messagesLeft()).toBeGreaterThan(0);
    expect(await dlqDepth()).toBe(0);
    expect(apim.state.apis('acme', 'dev').map((a) => a.hrid)).not.toContain(`${westNs}-orders`);

    registry.set('west', { server: west.url, token: WEST_TOKEN });
    await accepted(west.kubeConfig(), westNs, 'orders');
    expect(apim.state.apis('acme', 'dev').map((a) => a.hrid)).toContain(`${westNs}-orders`);
    expect(await dlqDepth()).toBe(0);

    // The usage records say which cluster failed, why, and that it came back.
    await waitFor('usage records written', () => failingClusters(readUsageFile(usageFile).records).find((f) => f.cluster === 'west' && f.recoveredAt));
    const [failing] = failingClusters(readUsageFile(usageFile).records);
    expect(failing).toMatchObject({ cluster: 'west', reasons: { unreachable: expect.any(Number) } });
    expect(failingClusters(readUsageFile(usageFile).records).map((f) => f.cluster)).not.toContain('east');
  });

  it('refusing the token: logged as unauthorized, retried without reaching the DLQ while the other cluster syncs, synced once the entry is fixed', async () => {
    registry.set('west', { server: west.url, token: 'revoked-token' });
    await applyManifests(west.kubeConfig(), [inNs(apiV4('refunds', 'ctx'), westNs)]);
    await waitFor('west refunds tried beyond maxReceiveCount, or dead-lettered', async () => (await dlqDepth()) > 0 || attemptsAt('refunds', 'unauthorized').some((l) => l.receiveCount > MAX_RECEIVE_COUNT), 60_000);
    expect(await dlqDepth()).toBe(0);
    expect(attemptsAt('refunds', 'unauthorized')[0]).toMatchObject({ level: 'WARN', cluster: 'west', conditionReason: 'KubernetesUnauthorized', retry: 'transient' });
    expect(JSON.stringify(logs)).not.toContain('revoked-token');

    await applyManifests(east.kubeConfig, [inNs(apiV4('invoices', 'ctx'), east.namespace)]);
    await accepted(east.kubeConfig, east.namespace, 'invoices');
    expect(isAccepted(await readApi(west.kubeConfig(), westNs, 'refunds'))).toBe(false);
    expect(await dlqDepth()).toBe(0);

    registry.set('west', { server: west.url, token: WEST_TOKEN });
    await accepted(west.kubeConfig(), westNs, 'refunds');
    expect(await dlqDepth()).toBe(0);
  });
});
