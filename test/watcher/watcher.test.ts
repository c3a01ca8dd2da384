import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { kubeconfigEndpoint } from '../../shared/kube/connection.ts';
import { sqsHttpTransport } from '../../watcher/sqs-http-transport.ts';
import { startWatcher, type Watcher, type WatcherOptions } from '../../watcher/watcher.ts';
import { api, CRD_FILES, context, Kube, recordSends, recordTransport, secret, startTestCluster, summary, TOKEN, waitFor, type SentEntry } from './helpers.ts';

let server: KubeApiServer;
let kube: Kube;
let caPem: string;
let queue: EmbeddedQueue;
let main: Watcher;
let mainSent: SentEntry[];
const watchers: Watcher[] = [];
const logs: object[] = [];

function sqsClient(): SQSClient {
  return new SQSClient({ endpoint: queue.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

async function watcher(opts: Partial<WatcherOptions> = {}): Promise<{ w: Watcher; sent: SentEntry[] }> {
  const sqs = sqsClient();
  const sent = recordSends(sqs);
  const w = await startWatcher({
    clusterId: 'test-cluster',
    kubeConfig: server.kubeConfig(),
    queueUrl: queue.queueUrl,
    sqs,
    resyncIntervalSeconds: 0,
    httpAddr: false,
    log: (e) => logs.push(e),
    ...opts,
  });
  watchers.push(w);
  await w.ready;
  return { w, sent };
}

let nsCount = 0;
async function namespace(prefix: string): Promise<string> {
  const ns = `${prefix}-${++nsCount}`;
  await kube.namespace(ns);
  return ns;
}

/**
 * Waits until `w` has dealt with everything written to ns's ApiV4Definitions so far: a new object created after them
 * comes through the same watch stream, so once its message is sent, every earlier event was decided on; then waits
 * for the send buffer to empty.
 */
let barriers = 0;
async function settle(w: Watcher, sent: SentEntry[], ns: string): Promise<void> {
  const name = `barrier-${++barriers}`;
  await kube.create(api(ns, name, 'none'));
  await waitFor(`${name} forwarded`, () => sent.some((e) => e.message.namespace === ns && e.message.name === name));
  await waitFor('send buffer empty', () => w.metrics().pendingMessages === 0);
}
const without = (lines: string[]) => lines.filter((l) => !l.startsWith('barrier-'));

/**
 * Keeps every watch away (watch requests fail) while fn writes, then expires the history it would resume from: the
 * watchers come back to a 410 Gone and must relist.
 */
async function whileWatchesAreDown(fn: () => Promise<unknown>): Promise<void> {
  server.faults.inject({ method: 'GET', path: /[?&]watch=/, status: 503 });
  server.dropWatches();
  try {
    await fn();
  } finally {
    server.compact();
    server.faults.clear();
  }
}

beforeAll(async () => {
  ({ server, kube, caPem } = await startTestCluster());
  queue = await startEmbeddedQueue({ name: 'watcher-test' });
  ({ w: main, sent: mainSent } = await watcher({ httpAddr: { host: '127.0.0.1', port: 0 } }));
});

afterAll(async () => {
  if (process.env.WATCHER_TEST_LOGS) (await import('node:fs')).writeFileSync(process.env.WATCHER_TEST_LOGS, logs.map((l) => JSON.stringify(l)).join('\n'));
  for (const w of watchers) await w.stop();
  await queue?.close();
  kube?.close();
  await server?.close();
});

describe('watcher', () => {
  it('forwards a new object once, then only generation moves and deletion; never status or its own finalizer', async () => {
    const ns = await namespace('lifecycle');
    const a = api(ns, 'a', 'ctx');
    await kube.create(a);
    await waitFor('a added', () => summary(mainSent, ns).includes('a:added'));

    await kube.markSynced(a); // status-only write
    await kube.patch(a, { metadata: { finalizers: [FINALIZER] } }); // what the sync does first
    await kube.patch(a, { metadata: { labels: { team: 'x' }, annotations: { note: 'y' } } });
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns))).toEqual(['a:added']);

    await kube.patch(a, { spec: { description: 'v2' } });
    await kube.markSynced(a);
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns))).toEqual(['a:added', 'a:spec-changed']);

    await kube.delete(a); // held by the finalizer: deletionTimestamp set
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns))).toEqual(['a:added', 'a:spec-changed', 'a:deleting']);
    const skipped = main.metrics().skippedByReason;
    expect(skipped['status-or-metadata']).toBeGreaterThan(0);
    expect(skipped['own-finalizer']).toBeGreaterThan(0);
  });

  it('forwards the removal of its finalizer from a live object, so the sync puts it back', async () => {
    const ns = await namespace('refinalize');
    const a = api(ns, 'a', 'ctx', { finalizer: true });
    await kube.create(a);
    await kube.markSynced(a);
    await settle(main, mainSent, ns);
    await kube.patch(a, { metadata: { finalizers: null } });
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns))).toEqual(['a:added', 'a:spec-changed']);
  });

  it('sends every new version of a Secret to its context and the context users; an unreferenced Secret to nobody', async () => {
    const ns = await namespace('secret');
    await kube.create(secret(ns, 'creds', { bearerToken: 'sup3r-s3cret-1' }));
    await kube.create(secret(ns, 'other', { bearerToken: 'sup3r-s3cret-2' }));
    await kube.create(secret(ns, 'unused', { bearerToken: 'sup3r-s3cret-3' }));
    const ctx = context(ns, 'ctx', 'creds');
    const objs = [ctx, context(ns, 'ctx-other', 'other'), api(ns, 'a', 'ctx'), api(ns, 'b', 'ctx'), api(ns, 'c', 'ctx-other')];
    for (const o of objs) await kube.create(o);
    for (const o of objs) await kube.markSynced(o);
    await settle(main, mainSent, ns);
    const before = mainSent.length;

    await kube.patch(secret(ns, 'unused', {}), { stringData: { bearerToken: 'sup3r-s3cret-3b' } });
    await kube.patch(secret(ns, 'creds', {}), { stringData: { bearerToken: 'sup3r-s3cret-rotated' } });
    await waitFor('users told', () => summary(mainSent, ns, before).length >= 3);
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns, before)).sort()).toEqual(['a:reference-changed', 'b:reference-changed', 'ctx:reference-changed']);
    const causes = new Set(mainSent.slice(before).filter((e) => e.message.reason === 'reference-changed').map((e) => e.message.cause));
    expect(causes.size).toBe(1);

    // The watcher reads metadata only, where a label change and a data change look alike (a new resourceVersion):
    // the users hear of it, and their sync finds nothing to write.
    const relabelled = mainSent.length;
    await kube.patch(secret(ns, 'creds', {}), { metadata: { labels: { rotated: 'yes' } } });
    await waitFor('users told of the new version', () => summary(mainSent, ns, relabelled).length >= 3);
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns, relabelled)).sort()).toEqual(['a:reference-changed', 'b:reference-changed', 'ctx:reference-changed']);
  });

  it('never receives a Secret or ConfigMap whole: lists, watches and reads of them are metadata-only', async () => {
    const ns = await namespace('metadata-only');
    const bytes = () => Object.entries(server.responseBytes()).reduce((n, [k, v]) => (/^(list|watch) (secrets|configmaps)$/.test(k) ? n + v : n), 0);
    const before = bytes();
    // Helm keeps each release in a Secret of up to 1 MB; nothing of this one may reach the watcher but its metadata.
    const release = 'sup3r-s3cret-helm-'.repeat(30_000);
    await kube.create(secret(ns, 'sh.helm.release.v1.app.v1', { release }));
    await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: ns }, data: { blob: release } });
    const tpl = { ...api(ns, 'a', 'ctx'), spec: { ...api(ns, 'a', 'ctx').spec, description: '[[ secret `tpl/key` ]]' } };
    await kube.create(secret(ns, 'tpl', { key: 'sup3r-s3cret-tpl' }));
    const tracked = main.metrics().trackedReferences;
    await kube.create(tpl); // references tpl: the watcher reads it once, for its version
    await waitFor('template source read', () => main.metrics().trackedReferences > tracked);
    await settle(main, mainSent, ns);
    expect(bytes() - before).toBeLessThan(16 * 1024);
    const forms = Object.entries(server.readForms()).filter(([k]) => /^(get|list|watch) (secrets|configmaps) as /.test(k));
    expect(forms.length).toBeGreaterThan(0);
    expect(forms.filter(([k]) => !/ as PartialObjectMetadata(List)?$/.test(k))).toEqual([]);
  });

  it('reads a Secret once it becomes referenced (a template), then follows its versions', async () => {
    const ns = await namespace('template');
    await kube.create(secret(ns, 'tpl', { key: 'sup3r-s3cret-tpl' }));
    const tracked = main.metrics().trackedReferences;
    const a = { ...api(ns, 'a', 'ctx'), spec: { ...api(ns, 'a', 'ctx').spec, description: '[[ secret `tpl/key` ]]' } };
    await kube.create(a);
    await kube.markSynced(a);
    await waitFor('template source read', () => main.metrics().trackedReferences > tracked);
    await settle(main, mainSent, ns);
    const before = mainSent.length;
    await kube.patch(secret(ns, 'tpl', {}), { stringData: { key: 'sup3r-s3cret-tpl-2' } });
    await waitFor('user told', () => summary(mainSent, ns, before).includes('a:reference-changed'));
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns, before))).toEqual(['a:reference-changed']);
    // The watcher's RBAC grants list and watch only: it never GETs a Secret.
    expect(Object.keys(server.requestCounts()).filter((k) => k.startsWith('get secrets'))).toEqual([]);
  });

  it('sends a context spec change to the context and its users', async () => {
    const ns = await namespace('ctxchange');
    const objs = [context(ns, 'ctx', 'creds'), api(ns, 'a', 'ctx'), api(ns, 'b', 'other')];
    for (const o of objs) await kube.create(o);
    for (const o of objs) await kube.markSynced(o);
    await settle(main, mainSent, ns);
    const before = mainSent.length;
    await kube.patch(objs[0], { spec: { baseUrl: 'http://apim2.example:8083' } });
    await waitFor('users told', () => summary(mainSent, ns, before).length >= 2);
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns, before))).toEqual(['ctx:spec-changed', 'a:reference-changed']);
  });

  it('wakes a deleting context when its last user is gone for good', async () => {
    const ns = await namespace('unblock');
    const ctx = { ...context(ns, 'ctx', 'creds'), metadata: { name: 'ctx', namespace: ns, finalizers: [FINALIZER] } };
    const a = api(ns, 'a', 'ctx');
    await kube.create(ctx);
    await kube.create(a);
    await waitFor('both added', () => summary(mainSent, ns).length === 2);
    await kube.delete(ctx);
    await waitFor('context deleting', () => summary(mainSent, ns).includes('ctx:deleting'));
    await kube.delete(a);
    await waitFor('context woken', () => summary(mainSent, ns).includes('ctx:dependent-removed'));
    await settle(main, mainSent, ns);
    expect(without(summary(mainSent, ns))).toEqual(['ctx:added', 'a:added', 'ctx:deleting', 'ctx:dependent-removed']);
  });

  it('loses nothing and resends nothing when watches drop and history expires mid-burst', async () => {
    const ns = await namespace('disrupt');
    const restartsBefore = main.metrics().watchRestartsByCause;
    const names = Array.from({ length: 24 }, (_, i) => `burst-${i}`);
    const at = (i: number) => api(ns, names[i], 'ctx', { finalizer: i === 7 });
    for (let i = 0; i < 12; i++) {
      await kube.create(at(i));
      if (i === 5) server.dropWatches(); // resumed from the last resourceVersion: the server replays what was missed
    }
    await settle(main, mainSent, ns);
    await whileWatchesAreDown(async () => {
      for (let i = 12; i < 18; i++) await kube.create(at(i));
      for (const i of [0, 1, 2]) await kube.markSynced(at(i));
      for (const i of [3, 4, 5]) await kube.patch(at(i), { spec: { description: 'v2' } });
      await kube.delete(at(6)); // gone for good: nothing is owed
      await kube.delete(at(7)); // held by its finalizer
    });
    for (let i = 18; i < 24; i++) {
      await kube.create(at(i));
      if (i === 20) await whileWatchesAreDown(() => kube.patch(at(18), { spec: { description: 'v2' } }));
    }
    await settle(main, mainSent, ns);

    const expected = [...names.map((n) => `${n}:added`), ...[3, 4, 5].map((i) => `${names[i]}:spec-changed`), 'burst-7:deleting'];
    // burst-18 changed while the watch was away, perhaps before it was first seen: one message or two.
    const got = without(summary(mainSent, ns)).filter((l) => l !== 'burst-18:spec-changed');
    expect(got.sort()).toEqual(expected.sort());
    expect(main.metrics().watchRestartsByCause.expired ?? 0).toBeGreaterThan(restartsBefore.expired ?? 0);
    // Nothing went out twice, in any namespace: the relists after 410 re-sent no unchanged object.
    const ids = mainSent.map((e) => e.deduplicationId);
    expect(ids.length - new Set(ids).size).toBe(0);
  });

  it('after a restart, enqueues only what is not in step with its generation', async () => {
    const ns = await namespace('restart');
    const first = await watcher({ namespaces: [ns] });
    const names = ['s0', 's1', 's2', 's3', 'u0', 'u1'];
    for (const n of names) await kube.create(api(ns, n, 'ctx', { finalizer: true }));
    for (const n of names.filter((x) => x.startsWith('s'))) await kube.markSynced(api(ns, n, 'ctx'));
    await settle(first.w, first.sent, ns);
    await first.w.stop();

    // While no watcher runs: a new object, a spec change, a deletion, a status write, a label.
    await kube.create(api(ns, 'n0', 'ctx'));
    await kube.patch(api(ns, 's1', 'ctx'), { spec: { description: 'v2' } });
    await kube.delete(api(ns, 's2', 'ctx'));
    await kube.markSynced(api(ns, 'u0', 'ctx')); // now in step
    await kube.patch(api(ns, 's3', 'ctx'), { metadata: { labels: { a: 'b' } } });

    const second = await watcher({ namespaces: [ns] });
    await settle(second.w, second.sent, ns);
    expect(without(summary(second.sent, ns)).sort()).toEqual(['n0:added', 's1:added', 's2:deleting', 'u1:added']);
    expect(first.sent.filter((e) => e.message.namespace !== ns)).toEqual([]);
  });

  it('resyncs every object periodically, each round with its own cause', async () => {
    const ns = await namespace('resync');
    const objs = [api(ns, 'r0', 'ctx'), api(ns, 'r1', 'ctx')];
    for (const o of objs) await kube.create(o);
    for (const o of objs) await kube.markSynced(o);
    const { sent } = await watcher({ namespaces: [ns], resyncIntervalSeconds: 1 });
    await waitFor('two resync rounds', () => new Set(sent.filter((e) => e.message.reason === 'resync').map((e) => e.message.cause)).size >= 2);
    const rounds = new Map<string, string[]>();
    for (const e of sent.filter((x) => x.message.reason === 'resync')) rounds.set(e.message.cause ?? '', [...(rounds.get(e.message.cause ?? '') ?? []), e.message.name]);
    const [firstRound] = [...rounds.values()];
    expect(firstRound.sort()).toEqual(['r0', 'r1']);
    expect(sent.filter((e) => e.message.reason !== 'resync')).toEqual([]); // both were in step at start
    expect(mainSent.some((e) => e.message.reason === 'resync')).toBe(false); // 0 disables
  });

  it('sends resyncs of objects in step to the resync queue, paced; the rest, and every change, to the changes queue', async () => {
    const ns = await namespace('two-queues');
    const inStep = Array.from({ length: 30 }, (_, i) => api(ns, `s${i}`, 'ctx'));
    for (const o of inStep) await kube.create(o);
    for (const o of inStep) await kube.markSynced(o);
    await kube.create(api(ns, 'failed', 'ctx')); // never synced: not in step
    const { w, sent } = await watcher({ namespaces: [ns], resyncQueueUrl: queue.resyncQueueUrl, resyncIntervalSeconds: 3600, resyncMaxPerSecond: 10 });
    await waitFor('the first sight of the unsynced one', () => summary(sent, ns).includes('failed:added'));
    expect(w.resync()).toBe(31);
    // Paced: the first batch is out at once, the rest is held back (10 a second), not pending in the sender.
    expect(w.metrics().resyncRemaining).toBe(21);
    // A change meanwhile is not paced: it is sent while most of the resync is still held back.
    await kube.patch(inStep[5], { spec: { description: 'changed meanwhile' } });
    let remainingWhenChangeSent = -1;
    await waitFor('the change sent', () => {
      if (!summary(sent, ns).includes('s5:spec-changed')) return false;
      remainingWhenChangeSent = w.metrics().resyncRemaining;
      return true;
    });
    expect(remainingWhenChangeSent).toBeGreaterThan(0);
    await waitFor('the resync released and sent', () => sent.filter((e) => e.message.namespace === ns && e.message.reason === 'resync').length === 31 && w.metrics().pendingMessages === 0);
    const to = (url: string) => sent.filter((e) => e.message.namespace === ns && e.queueUrl === url).map((e) => `${e.message.name}:${e.message.reason}`);
    expect(to(queue.queueUrl)).toEqual(expect.arrayContaining(['failed:added', 'failed:resync', 's5:spec-changed']));
    expect(to(queue.queueUrl).filter((l) => l.endsWith(':resync') && l !== 'failed:resync' && l !== 's5:resync')).toEqual([]);
    // Every object in step, but the one changed meanwhile, which left step (its resync goes where its state says when sent).
    const resyncQueue = to(queue.resyncQueueUrl).filter((l) => l !== 's5:resync');
    expect(resyncQueue.sort()).toEqual(inStep.map((o) => `${o.metadata.name}:resync`).filter((l) => l !== 's5:resync').sort());
  });

  it('watches only the configured namespaces (as the container runs: kubeconfig file, SQS without the SDK)', async () => {
    const nsA = await namespace('only-a');
    const nsB = await namespace('only-b');
    const path = join(mkdtempSync(join(tmpdir(), 'watcher-kubeconfig-')), 'config');
    await server.writeKubeconfig(path);
    const endpoint = await kubeconfigEndpoint(path);
    expect(endpoint).toMatchObject({ server: server.url, token: TOKEN, ca: caPem });
    const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
    const { transport, sent } = recordTransport(sqsHttpTransport({ queueUrl: queue.queueUrl, region: 'us-east-1', endpoint: queue.endpoint, credentials }));
    const { w } = await watcher({ namespaces: [nsA], kubeConfig: endpoint, transport });
    await kube.create(api(nsB, 'b', 'ctx'));
    await kube.create(api(nsA, 'a', 'ctx'));
    await settle(w, sent, nsA);
    expect(sent.map((e) => `${e.message.namespace}/${e.message.name}`).filter((l) => !l.includes('barrier-'))).toEqual([`${nsA}/a`]);
    expect(w.metrics().watchedObjectsByKind.ApiV4Definition).toBe(2); // a and the barrier
    await waitFor('main saw b', () => summary(mainSent, nsB).includes('b:added'));
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    const base = `http://${main.httpAddress?.host}:${main.httpAddress?.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'apim_sync_watcher_events_total{kind="ApiV4Definition"}',
      'apim_sync_watcher_forwarded_total{reason="added"}',
      'apim_sync_watcher_skipped_total{reason="status-or-metadata"}',
      'apim_sync_watcher_send_errors_total 0',
      'apim_sync_watcher_watch_restarts_total{kind="ApiV4Definition",cause="expired"}',
      'apim_sync_watcher_watched_objects{kind="ApiV4Definition"}',
      'apim_sync_watcher_pending_messages',
      'apim_sync_watcher_ready 1',
    ]) {
      expect(text).toContain(name);
    }
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? \d+$/);
    expect(main.metrics().sendErrors).toBe(0);
  });

  it('puts pointers on the queue, never a spec field or a secret value', async () => {
    const all = mainSent;
    expect(all.length).toBeGreaterThan(50);
    const keys = new Set(['v', 'cluster', 'apiVersion', 'kind', 'namespace', 'name', 'uid', 'resourceVersion', 'generation', 'reason', 'cause']);
    for (const e of all) {
      expect(Object.keys(JSON.parse(e.body)).every((k) => keys.has(k))).toBe(true);
      expect(e.body).not.toMatch(/sup3r-s3cret|c3VwM3It|apim2?\.example|http-proxy|description/);
      expect(e.body.length).toBeLessThan(1024);
    }
    const logText = JSON.stringify(logs);
    expect(logText).not.toMatch(/sup3r-s3cret|c3VwM3It|apim2?\.example/);
  });
});

describe('readiness', () => {
  it('is not ready, and says so, while the queue cannot be reached', async () => {
    const sqs = new SQSClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const w = await startWatcher({ clusterId: 'c', kubeConfig: { server: server.url, token: TOKEN, ca: caPem }, queueUrl: 'http://127.0.0.1:9/q.fifo', sqs, httpAddr: { host: '127.0.0.1', port: 0 }, log: () => {} });
    watchers.push(w);
    await waitFor('lists done', () => w.metrics().watchedObjects > 0);
    const res = await fetch(`http://127.0.0.1:${w.httpAddress?.port}/readyz`);
    expect(res.status).toBe(503);
    expect(w.isReady()).toBe(false);
    await w.stop();
    await expect(w.ready).rejects.toThrow(/stopped/);
  });
});

describe('kinds whose CRD is not installed', () => {
  it('do not hold up readiness (a cluster may use one vendor only)', async () => {
    const { startKubeApiServer } = await import('../../emulators/kube-api-server/index.ts');
    const { startEmbeddedQueue } = await import('../../local/embedded-queue.ts');
    const { startWatcher } = await import('../../watcher/watcher.ts');
    const kube = await startKubeApiServer({ crdFiles: [CRD_FILES[0]] });
    const queue = await startEmbeddedQueue({ name: 'partial-crds' });
    const watcher = await startWatcher({ clusterId: 'partial', kubeConfig: kube.kubeConfig(), queueUrl: queue.queueUrl, sqs: queue.sqs, httpAddr: false, log: () => {} });
    try {
      await watcher.ready;
      expect(watcher.isReady()).toBe(true);
    } finally {
      await watcher.stop();
      await queue.close();
      await kube.close();
    }
  });
});
