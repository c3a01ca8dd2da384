import { describe } from 'vitest';
import { itConvergesOnRedelivery, itRidesOutTransientFaults, itSendsPoisonToTheDlq } from '../support/reliability-cases.ts';
import { useThreescaleCases } from '../support/threescale-reliability.ts';

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
