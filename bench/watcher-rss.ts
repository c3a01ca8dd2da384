import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startEmbeddedQueue } from '../local/embedded-queue.ts';
import { crdFiles } from '../local/crd-files.ts';
import { buildWatcher } from '../scripts/build-watcher.ts';
import { RECOMMENDED_ENV, RECOMMENDED_NODE_ARGS, measureWatcherRss } from '../watcher/measure-rss.ts';
import { progress, progressDone } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** One measurement of the bundled watcher: memory once its initial sync is sent, and what it read to get there. */
export interface WatcherFootprint {
  objects: number;
  rssMb: number;
  peakMb: number;
  heapUsedMb: number;
  /** Bytes of the API server's list and watch answers (bodies) the watcher received until it was measured. */
  receivedMb: number;
}

export interface WatcherRssResult extends WatcherFootprint {
  /** The same cluster plus Secrets that nothing references (Helm's release Secrets, say); a failure is reported, not thrown. */
  unreferencedSecrets?: { count: number; kb: number } & (WatcherFootprint | { failed: string });
}

/**
 * The watcher as its container runs it (the bundle, the Dockerfile's flags), watching `count` objects; then again in
 * the same cluster once it also holds `secrets` Secrets of `secretKb` KB that no synced object references.
 */
export async function benchWatcherRss(count: number, secrets = 2000, secretKb = 100): Promise<WatcherRssResult> {
  const build = await buildWatcher(ROOT);
  if (!build.built) throw new Error(`cannot build the watcher: ${build.reason}`);
  const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit: count + secrets + 100 });
  const queue = await startEmbeddedQueue({ name: 'rss' });
  try {
    const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'apim-sync-rss-')), 'kubeconfig');
    writeFileSync(kubeconfigPath, kube.kubeconfigYaml());
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfigYaml());
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await createConcurrently(count, 'objects', (i) =>
      objects.create({
        apiVersion: 'gravitee.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `app-${i}`, namespace: `ns-${i % 50}` },
        spec: { name: `app-${i}`, description: 'rss', contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } },
      } as never),
    );
    const measure = () => measured(kube, () => measureWatcherRss({ kubeconfigPath, queueUrl: queue.queueUrl, sqsEndpoint: queue.endpoint, nodeArgs: RECOMMENDED_NODE_ARGS, env: RECOMMENDED_ENV }));
    progressDone(`watcher RSS: ${count} objects created; measuring the bundled watcher`);
    const base = await measure();
    if (secrets <= 0) return base;

    // A Helm release Secret holds the gzipped, base64-encoded release: incompressible text, as here.
    const payload = (i: number) => {
      const raw = Buffer.alloc((secretKb * 1024 * 3) / 4);
      for (let j = 0; j < raw.length; j++) raw[j] = (j * 7919 + i * 104729) % 251;
      return raw.toString('base64');
    };
    await createConcurrently(secrets, 'unreferenced Secrets', (i) =>
      objects.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `sh.helm.release.v1.app-${i}.v1`, namespace: `ns-${i % 50}`, labels: { owner: 'helm', name: `app-${i}` } },
        type: 'helm.sh/release.v1',
        data: { release: payload(i) },
      } as never),
    );
    progressDone(`watcher RSS: ${secrets} unreferenced Secrets of ${secretKb} KB created; measuring again`);
    const withSecrets = await measure().catch((err: Error) => ({ failed: err.message.split('\n')[0].slice(0, 300) }));
    return { ...base, unreferencedSecrets: { count: secrets, kb: secretKb, ...withSecrets } };
  } finally {
    await queue.close();
    await kube.close();
  }
}

async function createConcurrently(count: number, what: string, create: (i: number) => Promise<unknown>): Promise<void> {
  let created = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, worker) => {
      for (let i = worker; i < count; i += 16) {
        await create(i);
        if (++created % 500 === 0) progress(`watcher RSS: created ${created}/${count} ${what}`);
      }
    }),
  );
}

/** A measurement with the bytes the watcher received meanwhile (it is the only client reading lists and watches). */
async function measured(kube: KubeApiServer, run: () => ReturnType<typeof measureWatcherRss>): Promise<WatcherFootprint> {
  const readBytes = () => Object.entries(kube.responseBytes()).reduce((n, [k, v]) => (/^(list|watch) /.test(k) ? n + v : n), 0);
  const before = readBytes();
  const m = await run();
  return { objects: m.watchedObjects, rssMb: m.rssMb, peakMb: m.peakMb, heapUsedMb: m.heapUsedMb, receivedMb: Math.round((readBytes() - before) / 104857.6) / 10 };
}
