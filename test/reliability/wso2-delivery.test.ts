import { describe } from 'vitest';
import { itConvergesOnRedelivery, itCreatesNoDuplicateAfterACrash, itRidesOutTransientFaults, itSendsPoisonToTheDlq } from '../support/reliability-cases.ts';
import { useWso2Cases } from '../support/wso2-reliability.ts';

// The shared delivery cases (reliability-cases.ts) for the WSO2 kinds: transient faults on the create and the update,
// duplicate and out-of-order pointers, a crash between the gateway write and the status write, poison to the DLQ.
const world = useWso2Cases(['faults', 'dup', 'crash'], { sync: { vendorTimeoutMs: 1_000, maxReceiveCount: 8 } });
const writes = () => world.w.gateway.calls.filter((c) => c.method !== 'GET').length;

for (const c of world.cases) {
  describe(`WSO2 ${c.kind} delivery`, () => {
    itRidesOutTransientFaults(c, { ...c, vendor: () => world.w.gateway, slowerThanTimeoutMs: 1_500 });
    itConvergesOnRedelivery(c, writes);
    itCreatesNoDuplicateAfterACrash(c);
  });
}

describe('WSO2 poison messages', () => {
  itSendsPoisonToTheDlq(world.cases[0]);
});
