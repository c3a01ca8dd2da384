import { beforeAll, describe } from 'vitest';
import { TENANT } from '../support/threescale-e2e.ts';
import { itConvergesOnRedelivery, itFailsOnlyTheFailingGroup, itRidesOutTransientFaults, itSendsPoisonToTheDlq } from '../support/reliability-cases.ts';
import { resource, useThreescaleCases } from '../support/threescale-reliability.ts';

// The Gravitee delivery cases (delivery.test.ts), run for the 3scale kinds whose creates are POSTs.
const world = useThreescaleCases(['faults', 'dup'], { vendorTimeoutMs: 1_000, maxReceiveCount: 8 });
const { cases } = world;

const writes = () => world.w.threescale.calls.filter((c) => c.method !== 'GET').length;

for (const c of cases) {
  describe(`3scale ${c.kind} delivery`, () => {
    itRidesOutTransientFaults(c, { ...c, vendor: () => world.w.threescale, slowerThanTimeoutMs: 1_500 });
    itConvergesOnRedelivery(c, writes);
  });
}

describe('3scale poison messages', () => {
  itSendsPoisonToTheDlq(cases[0]);
});

describe('3scale FIFO batches', () => {
  const [backend, product] = cases;
  beforeAll(async () => {
    const w = world.w;
    await Promise.all([w.apply(backend.make('fifo-x')), w.apply(product.make('fifo-y')), w.apply(resource('Backend', 'fifo-z', { name: '', privateBaseURL: 'https://api.example.com' }))]);
    await w.waitForCondition('Backend', 'fifo-x', 'Synced', 'True');
    await w.waitForCondition('Product', 'fifo-y', 'Synced', 'True');
    await w.waitForCondition('Backend', 'fifo-z', 'Invalid', 'True');
  });
  itFailsOnlyTheFailingGroup({
    world: () => world.w,
    failing: { kind: 'Backend', name: 'fifo-x' },
    good: { kind: 'Product', name: 'fifo-y' },
    malformed: { kind: 'Backend', name: 'fifo-z' },
    // fifo-x drifts in the admin portal and 3scale refuses writes for a while: its sync must fail and be retried.
    breakFailing: () => {
      const [{ id }] = world.w.threescale.state.list(TENANT, 'backends', (b) => b.name === 'Backend fifo-x');
      world.w.threescale.state.patch(TENANT, 'backends', id as number, { description: 'edited in the admin portal' });
      world.w.threescale.faults.inject({ ...backend.update, status: 503, times: 5 });
    },
    heal: () => world.w.threescale.faults.clear(),
  });
});
