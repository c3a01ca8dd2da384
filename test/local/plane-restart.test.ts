import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { conditionOf, startWorldPlane } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import type { SyncPlane } from '../../local/sync-plane.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { classifyNew } from '../../watcher/change-filter.ts';
import { observe } from '../../watcher/object-state.ts';

/**
 * A plane restarted with other settings retries what failed under the old ones: the watcher's initial list forwards
 * objects whose Ready is False, though neither their spec nor anything they reference changed, and no resync runs
 * (the local plane's resync interval is 0).
 */
let w: GraviteeWorld;
let restarted: SyncPlane | undefined;
const writes = () => w.apim.calls.filter((c) => c.method !== 'GET').length;

beforeAll(async () => {
  // As a real deployment: loopback vendors refused, so the emulator's address fails permanently.
  w = await startGraviteeWorld({ allowLoopback: false });
});
afterAll(async () => {
  await restarted?.stop();
  await w?.close();
});

describe('a plane restarted with other settings', () => {
  it('re-syncs the objects that failed permanently under the old settings, and only those', async () => {
    await w.apply(secret('creds', { bearerToken: TOKEN }));
    await w.apply(managementContext('ctx', w.apim.url, { secretRef: { name: 'creds' } }));
    await w.apply(apiV4('orders', 'ctx'));
    const refused = await w.waitForCondition('ApiV4Definition', 'orders', 'Accepted', 'False', { reason: 'AddressRefused' });
    expect(conditionOf(refused, 'Accepted')?.message).toMatch(/address refused/);
    expect(conditionOf(refused, 'Ready')?.status).toBe('False');
    await waitFor('the queue drained', () => w.plane.drained());
    expect(writes()).toBe(0);

    // The operator allows loopback and restarts the plane; the resources are not touched.
    await w.plane.stop();
    restarted = await startWorldPlane(w.cluster, w.logs, { allowLoopback: true });
    const accepted = await w.waitForCondition('ApiV4Definition', 'orders', 'Accepted', 'True');
    expect(accepted.metadata.generation).toBe(refused.metadata.generation);
    await w.waitForCondition('ManagementContext', 'ctx', 'Ready', 'True');
    expect(w.apim.state.apis('acme', 'dev').map((a) => a.hrid)).toEqual([`${w.ns}-orders`]);
    await waitFor('the queue drained', () => restarted!.drained());

    // In step now: another restart forwards nothing, so the vendor sees no write.
    const before = writes();
    await restarted.restartWatcher();
    await waitFor('the queue drained', () => restarted!.drained());
    expect(restarted.watchers[0].metrics().skippedByReason).toMatchObject({ 'in-step': 2 });
    expect(writes()).toBe(before);
  });
});

describe("the watcher's first sight of an object", () => {
  const seen = (ready: Record<string, unknown> | undefined): KubeObject => ({
    apiVersion: 'gravitee.io/v1alpha1',
    kind: 'ApiV4Definition',
    metadata: { name: 'a', namespace: 'ns', uid: 'u', resourceVersion: '7', generation: 2 },
    status: ready ? { conditions: [{ type: 'Ready', observedGeneration: 2, ...ready }] } : undefined,
  });
  const decide = (obj: KubeObject) => classifyNew(obj, observe(obj));

  it('forwards an object whose last sync failed at its generation, and skips one that succeeded', () => {
    expect(decide(seen({ status: 'False', reason: 'AddressRefused' }))).toEqual({ forward: 'added' });
    expect(decide(seen({ status: 'False', reason: 'ReconcileFailed' }))).toEqual({ forward: 'added' });
    expect(decide(seen({ status: 'True', reason: 'Synced' }))).toEqual({ skip: 'in-step' });
    expect(decide(seen(undefined))).toEqual({ forward: 'added' });
  });
});
