import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, apiV4, managementContext, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld();
  await w.apply(managementContext('ctx', w.apim.url, { credentials: ADMIN }));
  await w.waitForCondition('ManagementContext', 'ctx', 'Accepted', 'True');
}, 60_000);
afterAll(async () => w?.close());

/** Every object ends Ready for its latest generation, and APIM holds exactly one copy with the latest description. */
async function allInStep(names: string[], description: (name: string) => string) {
  for (const name of names) await w.waitForCondition('ApiV4Definition', name, 'Ready', 'True');
  await waitFor('vendor state', () => {
    const apis = w.apim.state.apis('acme', 'dev');
    return names.every((n) => {
      const copies = apis.filter((a) => a.hrid === `${w.ns}-${n}`);
      return copies.length === 1 && copies[0].description === description(n);
    });
  });
}

describe('watch disruptions', () => {
  it.skipIf(Boolean(process.env.E2E_KUBECONFIG))('loses no event when watches drop and history expires mid-burst', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `burst-${i}`);
    for (const [i, name] of names.entries()) {
      await w.apply(apiV4(name, 'ctx', { description: 'v1' }));
      if (i === 10) w.cluster.server?.dropWatches();
      if (i === 20) {
        w.cluster.server?.compact();
        w.cluster.server?.dropWatches();
      }
    }
    // Updates and a deletion while the watch is down again.
    w.cluster.server?.compact();
    w.cluster.server?.dropWatches();
    for (const name of names.slice(0, 5)) await w.apply(apiV4(name, 'ctx', { description: 'v2' }));
    await w.remove('ApiV4Definition', 'burst-29');
    await w.waitForGone('ApiV4Definition', 'burst-29');
    await allInStep(names.slice(0, 29), (n) => (names.slice(0, 5).includes(n) ? 'v2' : 'v1'));
    expect(w.apim.state.apis('acme', 'dev').some((a) => a.hrid === `${w.ns}-burst-29`)).toBe(false);
  });

  it('catches up after a watcher restart mid-burst, enqueuing only what is out of step', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `restart-${i}`);
    for (const name of names.slice(0, 10)) await w.apply(apiV4(name, 'ctx', { description: 'v1' }));
    await allInStep(names.slice(0, 10), () => 'v1');
    const before = w.apim.calls.filter((c) => c.method === 'PUT').length;
    await w.plane.restartWatcher(async () => {
      // While no watcher runs: new objects, changed objects.
      for (const name of names.slice(10)) await w.apply(apiV4(name, 'ctx', { description: 'v1' }));
      for (const name of names.slice(0, 3)) await w.apply(apiV4(name, 'ctx', { description: 'v2' }));
    });
    const changed = names.slice(0, 3);
    await allInStep(names, (n) => (changed.includes(n) ? 'v2' : 'v1'));
    await waitFor('queue drained', () => w.plane.drained());
    // 10 new + 3 changed objects written; the 7 in-step objects cost no vendor write.
    expect(w.apim.calls.filter((c) => c.method === 'PUT').length - before).toBe(13);
  });
});
