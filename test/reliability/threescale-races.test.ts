import { describe, expect, it } from 'vitest';
import { startWatcher } from '../../watcher/watcher.ts';
import { statusesOf } from '../support/reliability-cases.ts';
import { useThreescaleCases } from '../support/threescale-reliability.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Two syncs of one object at once: a create slower than the queue's visibility timeout is delivered again while
 * the first sync still waits for 3scale; and two watchers (a rolling restart, two replicas) enqueue every change twice.
 */
const VISIBILITY_SECONDS = 2;
const world = useThreescaleCases(['slow', 'watched'], { visibilityTimeoutSeconds: VISIBILITY_SECONDS, vendorTimeoutMs: 4 * VISIBILITY_SECONDS * 1_000 });
const { cases } = world;

for (const c of cases) {
  describe(`3scale ${c.kind} synced twice at once`, () => {
    it('creates one object when a slow create is redelivered after the visibility timeout, and ends in sync', async () => {
      const w = world.w;
      const from = w.threescale.calls.length;
      w.threescale.faults.inject({ ...c.create, delayMs: 2 * VISIBILITY_SECONDS * 1_000, times: 1 });
      await w.apply(c.make('slow'));
      // Both syncs sent the create; the slow one is answered last, after the redelivered one created the object.
      await waitFor('both creates answered', () => statusesOf(w.threescale, c.create, from).length >= 2);
      await waitFor('queue drained', () => w.plane.drained());
      expect(c.copies('slow')).toBe(1);
      const obj = await w.waitForCondition(c.kind, 'slow', c.condition, 'True');
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Invalid', status: 'False' }));
    });

    it('creates one object and converges updates when two watchers enqueue every change', async () => {
      const w = world.w;
      const second = await startWatcher({
        clusterId: 'local',
        kubeConfig: w.cluster.kubeConfig,
        queueUrl: w.plane.queue.queueUrl,
        sqs: w.plane.queue.sqs,
        namespaces: [w.ns],
        resyncIntervalSeconds: 0,
        httpAddr: false,
        log: () => {},
      });
      try {
        await second.ready;
        await w.apply(c.make('watched'));
        await w.waitForCondition(c.kind, 'watched', c.condition, 'True');
        await w.apply(c.change('watched'));
        await w.waitForCondition(c.kind, 'watched', c.condition, 'True');
        await waitFor('queue drained', () => w.plane.drained());
        expect(c.copies('watched')).toBe(1);
        expect(c.changed('watched')).toBe(true);
      } finally {
        await second.stop();
      }
    });
  });
}
