import { afterAll, beforeAll, describe } from 'vitest';
import { ADMIN, apiV4, managementContext, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itFailsOnlyTheFailingGroup } from '../support/reliability-cases.ts';

let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld();
  await w.apply(managementContext('ctx', w.apim.url, { credentials: ADMIN }));
  for (const name of ['x', 'y']) await w.apply(apiV4(name, 'ctx'));
  await w.apply(apiV4('z', 'ctx', { name: '' }));
  for (const name of ['x', 'y']) await w.waitForCondition('ApiV4Definition', name, 'Accepted', 'True');
  await w.waitForCondition('ApiV4Definition', 'z', 'Accepted', 'False');
}, 60_000);
afterAll(async () => w?.close());

describe('FIFO batches', () => {
  itFailsOnlyTheFailingGroup({
    world: () => w,
    failing: { kind: 'ApiV4Definition', name: 'x' },
    good: { kind: 'ApiV4Definition', name: 'y' },
    malformed: { kind: 'ApiV4Definition', name: 'z' },
    // x drifts in APIM and APIM refuses writes for a while: its sync must fail and be retried.
    breakFailing: () => {
      w.apim.state.patchApi('acme', 'dev', `${w.ns}-x`, { description: 'edited in the console' });
      w.apim.faults.inject({ method: 'PUT', path: /\/apis$/, status: 503, times: 5 });
    },
    heal: () => w.apim.faults.clear(),
  });
});
