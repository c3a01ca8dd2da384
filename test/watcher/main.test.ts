import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';
import { measureWatcherRss } from '../../watcher/measure-rss.ts';
import { api, Kube, startTestCluster, waitFor } from './helpers.ts';

const MAIN = new URL('../../watcher/main.ts', import.meta.url).pathname;

let server: KubeApiServer;
let kube: Kube;
let queue: EmbeddedQueue;
beforeAll(async () => {
  ({ server, kube } = await startTestCluster());
  queue = await startEmbeddedQueue({ name: 'watcher-main' });
});
afterAll(async () => {
  await queue?.close();
  kube?.close();
  await server?.close();
});

describe('container entry (watcher/main.ts)', () => {
  it('refuses an incomplete configuration with one JSON log line naming the variable', () => {
    const run = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH, QUEUE_URL: 'http://127.0.0.1:9/q.fifo' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const entry = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(entry).toMatchObject({ level: 'error', msg: 'invalid configuration', error: 'CLUSTER_ID is required' });
  });

  it('becomes ready from its environment, forwards what is not in step, drains and reports its memory', async () => {
    await kube.namespace('main-entry');
    for (let i = 0; i < 12; i++) await kube.create(api('main-entry', `m${i}`, 'ctx'));
    const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'watcher-main-')), 'config');
    await server.writeKubeconfig(kubeconfigPath);
    const m = await measureWatcherRss({ entry: MAIN, kubeconfigPath, queueUrl: queue.queueUrl, sqsEndpoint: queue.endpoint, settleMs: 0, timeoutMs: 60_000 });
    expect(m.watchedObjects).toBe(12);
    expect(m.rssMb).toBeGreaterThan(0);
    // What it sent (over its own SigV4 transport) is on the queue; fauxqs hands out one message per group per receive.
    const names = new Set<string>();
    await waitFor('12 messages on the queue', async () => {
      const got = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
      for (const msg of got.Messages ?? []) names.add(parseSyncMessage(msg.Body ?? '').name);
      return names.size === 12;
    });
  });
});
