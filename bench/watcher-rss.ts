import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { startKubeApiServer } from '../emulators/kube-api-server/index.ts';
import { startEmbeddedQueue } from '../local/embedded-queue.ts';
import { crdFiles } from '../local/crd-files.ts';
import { progress, progressDone } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakMb: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/** The watcher in its own process, as in its container, watching `count` objects; RSS once it has settled. */
export async function measureWatcherRss(count: number): Promise<{ objects: number; rssMb: number; peakMb: number }> {
  const kube = await startKubeApiServer({ crdFiles: crdFiles(), historyLimit: count + 100 });
  const queue = await startEmbeddedQueue({ name: 'rss' });
  const dir = mkdtempSync(join(tmpdir(), 'apim-sync-rss-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kube.kubeconfigYaml());
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
  progressDone(`watcher RSS: ${count} objects created`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [join(ROOT, 'watcher/main.ts')], {
    env: {
      ...process.env,
      KUBECONFIG: kubeconfig,
      CLUSTER_ID: 'bench',
      QUEUE_URL: queue.queueUrl,
      SQS_ENDPOINT: queue.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      HTTP_ADDR: `127.0.0.1:${port}`,
      RESYNC_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'ERROR',
      NODE_OPTIONS: '--max-old-space-size=48',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      const metrics = ready ? await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '') : '';
      const pending = Number(/apim_sync_watcher_pending_messages\s+(\d+)/.exec(metrics)?.[1] ?? 'NaN');
      if (ready && pending === 0) break;
      if (i > 1200 || child.exitCode !== null) throw new Error('the watcher did not become ready with its queue flushed');
      progress(`watcher RSS: waiting for the watcher (ready=${ready}, pending=${pending})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1000));
    progressDone('watcher RSS: watcher ready');
    return { objects: count, ...rssOf(child.pid ?? 0) };
  } finally {
    child.kill('SIGTERM');
    await queue.close();
    await kube.close();
  }
}
