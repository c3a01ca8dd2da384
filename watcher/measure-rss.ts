import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Measures the watcher's resident memory as it runs in its container: its own process, configured by environment
 * variables (config.ts), against a Kubernetes API and an SQS endpoint the caller provides (already holding the
 * objects to watch). Returns RSS once /readyz answers 200 and nothing is pending, after a short settle.
 *
 * Run the bundle the image runs (`node scripts/build-watcher.ts` → dist/watcher.mjs): started from the TypeScript
 * sources, Node loads its type-stripping WebAssembly module, which alone adds about 20 MB.
 */
export interface RssMeasurement {
  rssMb: number;
  /** VmHWM: the highest RSS of the process, the initial list included. */
  peakMb: number;
  /** Of rssMb: anonymous memory (heaps), and file pages (mostly the node binary's own code and data). */
  anonMb: number;
  fileMb: number;
  /** The V8 heap: in use, and reserved (part of anonMb). */
  heapUsedMb: number;
  heapTotalMb: number;
  watchedObjects: number;
}

export interface RssOptions {
  kubeconfigPath: string;
  queueUrl: string;
  sqsEndpoint: string;
  /** Default: dist/watcher.mjs when built, else watcher/main.ts. */
  entry?: string;
  /** Node flags, e.g. RECOMMENDED_NODE_ARGS. */
  nodeArgs?: string[];
  /** Extra environment, e.g. RECOMMENDED_ENV. */
  env?: Record<string, string>;
  settleMs?: number;
  timeoutMs?: number;
}

/**
 * What the container should run with, measured (10,000 objects, glibc): about 70 MB instead of about 115 MB with
 * --max-old-space-size alone. A small young generation keeps RSS near the live heap; --lite-mode (no optimizing
 * compilers, not allowed in NODE_OPTIONS: pass it on the command line) leaves most of node's compiler code untouched and
 * did not slow the initial list. MALLOC_ARENA_MAX=1 matters for glibc only (node:*-alpine uses musl).
 */
export const RECOMMENDED_NODE_ARGS = ['--max-old-space-size=48', '--max-semi-space-size=1', '--lite-mode'];
export const RECOMMENDED_ENV = { MALLOC_ARENA_MAX: '1' };

export async function measureWatcherRss(o: RssOptions): Promise<RssMeasurement> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const bundle = `${root}dist/watcher.mjs`;
  const entry = o.entry ?? (existsSync(bundle) ? bundle : `${root}watcher/main.ts`);
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), entry], {
    env: {
      PATH: process.env.PATH ?? '',
      KUBECONFIG: o.kubeconfigPath,
      CLUSTER_ID: 'rss',
      QUEUE_URL: o.queueUrl,
      SQS_ENDPOINT: o.sqsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      HTTP_ADDR: '127.0.0.1:0',
      RESYNC_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'info',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A fatal error (V8's heap limit) aborts the process: a signal, no exit code.
  const ended = () => (child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode ? `was killed by ${child.signalCode}` : undefined);
  // The bound port is in the first log line ("watcher starting"); the last lines explain an early exit.
  let buf = '';
  const tail = () => buf.trim().split('\n').slice(-3).join('\n');
  const port = new Promise<number>((resolve) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const m = /"msg":"watcher starting".*?"http":\{"host":"[^"]*","port":(\d+)\}/.exec(buf);
      if (m) resolve(Number(m[1]));
      if (buf.length > 65536) buf = buf.slice(-8192);
    });
  });
  const deadline = Date.now() + (o.timeoutMs ?? 300_000);
  let last = '';
  try {
    const base = `http://127.0.0.1:${await Promise.race([port, exited.then(() => Promise.reject(new Error(`the watcher ${ended()}: ${tail()}`)))])}`;
    for (;;) {
      if (ended()) throw new Error(`the watcher ${ended()}: ${tail()}`);
      if (Date.now() > deadline) throw new Error(`the watcher did not become ready with an empty send buffer; last metrics:\n${last}`);
      const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
      last = await fetch(`${base}/metrics`).then((r) => r.text(), () => '');
      const pending = Number(/^apim_sync_watcher_pending_messages (\d+)$/m.exec(last)?.[1] ?? NaN);
      if (ready && pending === 0) {
        await new Promise((r) => setTimeout(r, o.settleMs ?? 2000));
        const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
        const watchedObjects = [...metrics.matchAll(/^apim_sync_watcher_watched_objects\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const mb = (key: string) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 102.4) / 10;
        const gauge = (name: string) => Math.round(Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0) / 104857.6) / 10;
        return {
          rssMb: mb('VmRSS'),
          peakMb: mb('VmHWM'),
          anonMb: mb('RssAnon'),
          fileMb: mb('RssFile'),
          heapUsedMb: gauge('nodejs_heap_size_used_bytes'),
          heapTotalMb: gauge('nodejs_heap_size_total_bytes'),
          watchedObjects,
        };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
