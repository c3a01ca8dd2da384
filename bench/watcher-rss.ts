import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startEmbeddedQueue } from '../local/embedded-queue.ts';
import { crdFiles } from '../local/crd-files.ts';
import { buildWatcher } from '../scripts/build-watcher.ts';
import { RECOMMENDED_ENV, RECOMMENDED_NODE_ARGS, measureWatcherRss } from '../watcher/measure-rss.ts';
import { progress, progressDone } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** The watcher as its container runs it (the bundle, the Dockerfile's flags), watching `count` objects. */
export async function benchWatcherRss(count: number): Promise<{ objects: number; rssMb: number; peakMb: number; heapUsedMb: number }> {
  const build = await buildWatcher(ROOT);
  if (!build.built) throw new Error(`cannot build the watcher: ${build.reason}`);
  const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit: count + 100 });
  const queue = await startEmbeddedQueue({ name: 'rss' });
  try {
    const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'apim-sync-rss-')), 'kubeconfig');
    writeFileSync(kubeconfigPath, kube.kubeconfigYaml());
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfigYaml());
    const objects = KubernetesObjectApi.makeApiClient(kc);
    let created = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        for (let i = worker; i < count; i += 16) {
          await objects.create({
            apiVersion: 'gravitee.io/v1alpha1',
            kind: 'Application',
            metadata: { name: `app-${i}`, namespace: `ns-${i % 50}` },
            spec: { name: `app-${i}`, description: 'rss', contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } },
          } as never);
          if (++created % 500 === 0) progress(`watcher RSS: created ${created}/${count} objects`);
        }
      }),
    );
    progressDone(`watcher RSS: ${count} objects created; measuring the bundled watcher`);
    const m = await measureWatcherRss({ kubeconfigPath, queueUrl: queue.queueUrl, sqsEndpoint: queue.endpoint, nodeArgs: RECOMMENDED_NODE_ARGS, env: RECOMMENDED_ENV });
    return { objects: m.watchedObjects, rssMb: m.rssMb, peakMb: m.peakMb, heapUsedMb: m.heapUsedMb };
  } finally {
    await queue.close();
    await kube.close();
  }
}
