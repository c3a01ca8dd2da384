import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { emfClusterMetrics } from '../../functions/sync/cluster-metrics.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failingClusterLines, failingClusters } from '../../cli/usage-summary.ts';
import { usageCommand } from '../../cli/usage.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { asSyncError, transient, type SyncError } from '../../shared/engine/errors.ts';
import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { syncMessage, type SyncDependencies } from '../../shared/engine/sync-message.ts';
import type { SyncUsage, UsageRecord } from '../../shared/engine/usage-record.ts';
import { Cluster } from '../../shared/kube/cluster.ts';
import { StaticClusterRegistry } from '../../shared/kube/cluster-registry.ts';
import { clusterUnavailable, type ClusterUnavailableReason } from '../../shared/kube/cluster-unavailable.ts';
import { ClusterCircuit } from '../../shared/kube/cluster-circuit.ts';
import type { ClusterRegistry } from '../../shared/kube/cluster-registry.ts';
import { jsonLogger } from '../../shared/log.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';

let server: KubeApiServer;
let closed: number;
beforeAll(async () => {
  server = await startKubeApiServer({ token: 'the-right-token' });
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closed = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
});
afterAll(() => server?.close());
afterEach(() => (vi.restoreAllMocks(), vi.unstubAllEnvs(), server.faults.clear()));

const SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'anything' };
/** The SyncError a read through the cluster client fails with. */
const failureOf = async (c: Cluster): Promise<SyncError> => c.get(SECRET).then(() => { throw new Error('expected a failure'); }, asSyncError);
const cluster = (token: string, server_ = server.url) => new Cluster('east', { server: server_, token }, 2_000);

describe('which failures are the cluster being unavailable', () => {
  it('classifies what the cluster client meets: refused connection, refused token, missing RBAC', async () => {
    expect(clusterUnavailable(await failureOf(cluster('x', `http://127.0.0.1:${closed}`)))).toBe('unreachable');
    expect(clusterUnavailable(await failureOf(cluster('wrong-token')))).toBe('unauthorized');
    server.faults.inject({ path: /secrets/, forbidden: true });
    expect(clusterUnavailable(await failureOf(cluster('the-right-token')))).toBe('forbidden');
    server.faults.clear();
    // The cluster answered: a conflict or a server error is that object's sync failing, not the cluster.
    server.faults.inject({ path: /secrets/, status: 500 });
    expect(clusterUnavailable(await failureOf(cluster('the-right-token')))).toBeUndefined();
  });

  it('names DNS, timeouts and TLS; ignores the same network errors met at a vendor', () => {
    const cause = (code: string, message = code) => Object.assign(new Error(message), { code });
    const kube = (c: unknown) => transient('KubernetesError', 'get Secret default/x failed', { cause: c });
    expect(clusterUnavailable(kube(cause('ENOTFOUND', 'getaddrinfo ENOTFOUND api.east.example')))).toBe('dns');
    expect(clusterUnavailable(kube(cause('ETIMEDOUT')))).toBe('timeout');
    expect(clusterUnavailable(kube(new Error('no answer from the API server within 15000 ms')))).toBe('timeout');
    expect(clusterUnavailable(kube(cause('UNABLE_TO_VERIFY_LEAF_SIGNATURE')))).toBe('tls');
    expect(clusterUnavailable(kube(cause('ERR_TLS_CERT_ALTNAME_INVALID')))).toBe('tls');
    expect(clusterUnavailable(transient('ControlPlaneError', 'APIM did not answer', { cause: cause('ECONNREFUSED') }))).toBeUndefined();
    expect(clusterUnavailable(kube(new Error('something else')))).toBeUndefined();
  });
});

describe('a sync whose cluster is unavailable', () => {
  const message = (cluster: string) => JSON.stringify({ v: 1, cluster, apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace: 'shop', name: 'orders', uid: 'u1', resourceVersion: '7', reason: 'spec-changed' });
  const deps = (lines: string[], over: Partial<SyncDependencies> = {}): SyncDependencies => ({
    clusters: new StaticClusterRegistry({ east: { server: server.url, token: 'revoked-token' }, west: { server: `http://127.0.0.1:${closed}`, token: 't' } }),
    kinds: new KindCatalog(syncKinds),
    http: new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: false } }),
    log: jsonLogger({ level: 'INFO', sink: (l) => lines.push(l) }),
    retry: { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 4 },
    ...over,
  });

  it('logs one line naming the cluster and why, reports it, records the outcome, and backs off (bounded, not permanent)', async () => {
    const lines: string[] = [];
    const reported: [string, ClusterUnavailableReason][] = [];
    const usage: SyncUsage[] = [];
    const d = deps(lines, { onClusterUnavailable: (c, r) => reported.push([c, r]), onUsage: (u) => usage.push(u) });
    const east = await syncMessage(message('east'), 1, d);
    const west = await syncMessage(message('west'), 30, d);
    // Retried through the queue, never acknowledged as failed: its messages wait for the cluster, bounded by RETRY_MAX_SECONDS.
    expect(east).toMatchObject({ done: false });
    expect(west).toMatchObject({ done: false });
    expect(!east.done && east.retryAfterSeconds).toBeGreaterThanOrEqual(5);
    expect(!west.done && west.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(reported).toEqual([['east', 'unauthorized'], ['west', 'unreachable']]);
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'member cluster unavailable; its messages retry', cluster: 'east', clusterUnavailable: 'unauthorized', kind: 'ApiV4Definition', namespace: 'shop', name: 'orders', retry: 'transient', conditionReason: 'KubernetesUnauthorized' }),
      expect.objectContaining({ level: 'WARN', message: 'member cluster unavailable; its messages retry', cluster: 'west', clusterUnavailable: 'unreachable', receiveCount: 30 }),
    ]);
    expect(lines.join('\n')).not.toContain('revoked-token');
    expect(usage.map((u) => [u.cluster, u.outcome, u.action])).toEqual([['east', 'retrying', 'ClusterUnavailable:unauthorized'], ['west', 'retrying', 'ClusterUnavailable:unreachable']]);
  });
});

describe('the cluster circuit', () => {
  it('after a connection-level failure, fails that cluster at once (same reason) for a while, other clusters untouched', async () => {
    let now = 1_000;
    const asked: string[] = [];
    const inner: ClusterRegistry = { get: async (id) => (asked.push(id), cluster('t')) };
    const circuit = new ClusterCircuit(inner, { openMs: 10_000, now: () => now });
    circuit.trip('west', 'timeout');
    circuit.trip('east', 'unauthorized'); // refused credentials answer at once: not worth a circuit
    const err = await circuit.get('west').then(() => undefined, asSyncError);
    expect(err && [err.retry, clusterUnavailable(err)]).toEqual(['transient', 'timeout']);
    await circuit.get('east');
    expect(asked).toEqual(['east']);
    // What the open circuit fails does not hold it open: the next sync after openMs tries the cluster.
    now += 5_000;
    circuit.trip('west', 'timeout');
    now += 5_000;
    await circuit.get('west');
    expect(asked).toEqual(['east', 'west']);
  });

  it('a batch meets a cluster that swallows packets once: its next messages fail without a connection', async () => {
    const connections: import('node:net').Socket[] = [];
    const blackhole = createServer((socket) => connections.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as AddressInfo).port;
    try {
      const inner: ClusterRegistry = { get: async (id) => new Cluster(id, id === 'west' ? { server: `http://127.0.0.1:${port}`, token: 't' } : { server: server.url, token: 'the-right-token' }, 300) };
      const circuit = new ClusterCircuit(inner);
      const lines: string[] = [];
      const reported: string[] = [];
      const d: SyncDependencies = {
        clusters: circuit,
        kinds: new KindCatalog(syncKinds),
        http: new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: false } }),
        log: jsonLogger({ level: 'INFO', sink: (l) => lines.push(l) }),
        retry: { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 4 },
        onClusterUnavailable: (c, r) => (circuit.trip(c, r), reported.push(`${c}:${r}`)),
      };
      const body = (cluster: string, name: string) => JSON.stringify({ v: 1, cluster, apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace: 'shop', name, uid: name, resourceVersion: '1', reason: 'spec-changed' });
      const outcomes = [];
      for (const [c, n] of [['west', 'a'], ['west', 'b'], ['west', 'c'], ['east', 'd']]) outcomes.push(await syncMessage(body(c, n), 1, d));
      expect(outcomes.map((o) => o.done)).toEqual([false, false, false, true]);
      expect(reported).toEqual(['west:timeout', 'west:timeout', 'west:timeout']);
      expect(connections).toHaveLength(1);
    } finally {
      for (const s of connections) s.destroy();
      await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    }
  });
});

describe('the ClusterUnavailable metric', () => {
  it('is one EMF line with the dimensions cluster and reason', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'); // the test config silences metrics everywhere else
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    emfClusterMetrics({ namespace: 'ApimSync', serviceName: 'apim-sync' })('east', 'unreachable');
    vi.restoreAllMocks();
    const emf = lines.map((l) => JSON.parse(l));
    expect(emf).toHaveLength(1);
    expect(emf[0]._aws.CloudWatchMetrics).toEqual([{ Namespace: 'ApimSync', Dimensions: [['service', 'cluster', 'reason']], Metrics: [{ Name: 'ClusterUnavailable', Unit: 'Count' }] }]);
    expect(emf[0]).toMatchObject({ cluster: 'east', reason: 'unreachable', ClusterUnavailable: 1 });
  });
});

describe('apim-sync usage: failing clusters', () => {
  const record = (time: string, cluster: string, action: string, outcome: UsageRecord['outcome'] = 'retrying'): UsageRecord => ({
    time, cluster, namespace: 'shop', name: 'orders', kind: 'ApiV4Definition', vendor: 'gravitee', outcome, action, vendorCalls: 0, kubernetesCalls: 1, durationMs: 5, invocationId: 'i', billedMs: 5, requestShare: 1,
  });

  it('lists clusters the function could not use, by reason, and whether they came back', () => {
    const records = [
      record('2026-12-03T10:00:00Z', 'east', 'ClusterUnavailable:unreachable'),
      record('2026-12-03T10:01:00Z', 'east', 'ClusterUnavailable:unreachable'),
      record('2026-12-03T10:02:00Z', 'west', 'ClusterUnavailable:unauthorized'),
      record('2026-12-03T10:03:00Z', 'east', 'ClusterUnavailable:timeout'),
      record('2026-12-03T10:04:00Z', 'west', 'created', 'synced'),
      record('2026-12-03T10:05:00Z', 'north', 'KubernetesError'),
    ];
    const failing = failingClusters(records);
    expect(failing).toEqual([
      { cluster: 'east', reasons: { unreachable: 2, timeout: 1 }, failures: 3, firstFailure: '2026-12-03T10:00:00Z', lastFailure: '2026-12-03T10:03:00Z' },
      { cluster: 'west', reasons: { unauthorized: 1 }, failures: 1, firstFailure: '2026-12-03T10:02:00Z', lastFailure: '2026-12-03T10:02:00Z', recoveredAt: '2026-12-03T10:04:00Z' },
    ]);
    expect(failingClusterLines(failing).slice(1)).toEqual([
      '  east: 3 failed sync(s) (unreachable 2, timeout 1) from 2026-12-03T10:00:00Z to 2026-12-03T10:03:00Z; still failing at its last sync',
      '  west: 1 failed sync(s) (unauthorized 1) from 2026-12-03T10:02:00Z to 2026-12-03T10:02:00Z; reached again at 2026-12-03T10:04:00Z',
    ]);
    expect(failingClusters(records, new Date('2026-12-03T10:02:30Z'))).toEqual([expect.objectContaining({ cluster: 'east', failures: 1 })]);
  });

  it('apim-sync usage prints them after the table, and in --json', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'usage-')), 'usage.jsonl');
    writeFileSync(file, [record('2026-12-03T10:00:00Z', 'east', 'ClusterUnavailable:dns'), record('2026-12-03T10:01:00Z', 'west', 'created', 'synced')].map((r) => JSON.stringify(r)).join('\n'));
    const out: string[] = [];
    expect(usageCommand(['--file', file], (l) => out.push(l), () => {}, new Date('2026-12-04T00:00:00Z'))).toBe(0);
    expect(out.slice(-2)).toEqual([
      'clusters the sync function could not use (their messages were retried; other clusters were not held up):',
      '  east: 1 failed sync(s) (dns 1) from 2026-12-03T10:00:00Z to 2026-12-03T10:00:00Z; still failing at its last sync',
    ]);
    const json: string[] = [];
    usageCommand(['--file', file, '--json'], (l) => json.push(l), () => {});
    expect(JSON.parse(json.join('\n')).failingClusters).toEqual([expect.objectContaining({ cluster: 'east', reasons: { dns: 1 } })]);
  });
});
