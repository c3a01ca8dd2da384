import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transient } from '../../shared/engine/errors.ts';
import { ADMIN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';

let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld({ vendorTimeoutMs: 1_000, maxReceiveCount: 6 });
  await w.apply(secret('apim-admin', ADMIN));
  await w.apply(managementContext('ctx', w.apim.url, { secretRef: { name: 'apim-admin' } }));
  await w.waitForCondition('ManagementContext', 'ctx', 'Accepted', 'True');
}, 60_000);
afterAll(async () => w?.close());

const hrid = (name: string) => `${w.ns}-${name}`;
const vendorCopies = (name: string) => w.apim.state.apis('acme', 'dev').filter((a) => a.hrid === hrid(name)).length;

describe('at-least-once delivery', () => {
  it('converges with duplicate and out-of-order deliveries, without writing again', async () => {
    await w.apply(apiV4('dup', 'ctx'));
    const synced = await w.waitForCondition('ApiV4Definition', 'dup', 'Accepted', 'True');
    await waitFor('queue drained', () => w.plane.drained());
    const before = w.apim.calls.filter((c) => c.method === 'PUT').length;
    const stale = { ...synced, metadata: { ...synced.metadata, resourceVersion: '1' } };
    for (const [obj, reason] of [[synced, 'spec-changed'], [stale, 'added'], [synced, 'resync'], [stale, 'spec-changed'], [synced, 'reference-changed']] as const) {
      await sendPointer(w.plane, obj, { reason, cause: String(Math.random()) });
    }
    await waitFor('queue drained', () => w.plane.drained());
    expect(vendorCopies('dup')).toBe(1);
    expect(w.apim.calls.filter((c) => c.method === 'PUT').length).toBe(before);
    await w.waitForCondition('ApiV4Definition', 'dup', 'Accepted', 'True');
  });

  it('converges after a crash between the vendor call and the status write, with no duplicate', async () => {
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await w.apply(apiV4('crash', 'ctx'));
      const obj = await w.waitForCondition('ApiV4Definition', 'crash', 'Accepted', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(vendorCopies('crash')).toBe(1);
      expect(obj.status?.id).toBe(w.apim.state.apis('acme', 'dev').find((a) => a.hrid === hrid('crash'))?.id);
    } finally {
      crash.restore();
    }
  });

  it('rides out vendor 500, 429 (honouring Retry-After) and timeout bursts', async () => {
    const path = /\/automation\/organizations\/acme\/environments\/dev\/apis$/;
    w.apim.faults.inject({ method: 'PUT', path, status: 500, times: 2 });
    w.apim.faults.inject({ method: 'PUT', path, status: 429, retryAfterSeconds: 1, times: 1 });
    w.apim.faults.inject({ method: 'PUT', path, delayMs: 1_500, times: 1 });
    await w.apply(apiV4('bursts', 'ctx'));
    await w.waitForCondition('ApiV4Definition', 'bursts', 'Accepted', 'True');
    expect(vendorCopies('bursts')).toBe(1);
    const statuses = w.apim.calls.filter((c) => c.method === 'PUT' && path.test(c.path)).map((c) => c.status);
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(429);
  });

  it('retries status writes that meet a conflict', async () => {
    const cluster = await w.plane.deps.clusters.get('local');
    const patchStatus = cluster.patchStatus.bind(cluster);
    let conflicts = 0;
    cluster.patchStatus = async (ref, status, rv) => {
      if (ref.name === 'conflict' && conflicts++ < 2) throw transient('Conflict', 'the object has been modified');
      return patchStatus(ref, status, rv);
    };
    try {
      await w.apply(apiV4('conflict', 'ctx'));
      await w.waitForCondition('ApiV4Definition', 'conflict', 'Accepted', 'True');
      expect(conflicts).toBeGreaterThanOrEqual(3);
    } finally {
      cluster.patchStatus = patchStatus;
    }
  });

  it('sends a poison message to the DLQ after maxReceiveCount, without blocking other objects', async () => {
    await w.plane.queue.sqs.send(
      new SendMessageCommand({ QueueUrl: w.plane.queue.queueUrl, MessageBody: '{"not":"an envelope"}', MessageGroupId: 'poison', MessageDeduplicationId: 'poison-1' }),
    );
    await w.apply(apiV4('beside-poison', 'ctx'));
    await w.waitForCondition('ApiV4Definition', 'beside-poison', 'Accepted', 'True');
    const dead = await waitFor('poison in the DLQ', async () => {
      const res = await w.plane.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: w.plane.queue.dlqUrl, WaitTimeSeconds: 1 }));
      return res.Messages?.find((m) => m.Body === '{"not":"an envelope"}');
    });
    expect(dead.Body).toBe('{"not":"an envelope"}');
  });
});
