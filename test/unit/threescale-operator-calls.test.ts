import { describe, expect, it } from 'vitest';
import { backend, product } from '../../bench/threescale-objects.ts';
import { operatorBackendFirstSync, operatorBackendResync, operatorProductFirstSync, operatorProductResync, pgcPages } from '../../bench/threescale-operator-calls.ts';

const small = { services: 10, backendApis: 20 };

describe("the 3scale operator's call count (bench model of the anchor's algorithm)", () => {
  it('pages as the porta client does: 500 per page, one more page when the last one is full', () => {
    expect([0, 1, 499, 500, 999, 1000].map(pgcPages)).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it("gives the anchor's 9 + 2×plans + backend metrics for a steady-state Product resync", () => {
    const spec = { applicationPlans: { a: {}, b: {}, c: {} } };
    expect(operatorProductResync(spec, small).total).toBe(9 + 2 * 3);
    const named = { applicationPlans: { a: { limits: [{ metricMethodRef: { systemName: 'hits', backend: 'b1' } }] }, b: { pricingRules: [{ metricMethodRef: { systemName: 'hits', backend: 'b1' } }, { metricMethodRef: { systemName: 'x', backend: 'b2' } }] } } };
    expect(operatorProductResync(named, small).total).toBe(9 + 2 * 2 + 2);
  });

  it('adds list pages as the tenant grows, and the OIDC read only when flows are set', () => {
    expect(operatorProductResync({}, { services: 500, backendApis: 1200 }).total).toBe(9 + 1 + 2);
    const oidc = { deployment: { apicastHosted: { authentication: { oidc: { authenticationFlow: { standardFlowEnabled: true } } } } } };
    expect(operatorProductResync(oidc, small).total).toBe(10);
  });

  it("gives the anchor's ≈ 4 + pages for a steady-state Backend resync", () => {
    expect(operatorBackendResync({}, small).total).toBe(4);
    expect(operatorBackendResync({}, { services: 0, backendApis: 500 }).total).toBe(5);
  });

  it("counts the bench's objects: 17 reads per Product resync, and first syncs as lower bounds of reads + one create per object", () => {
    const p = product('p-0', 'ns').spec;
    expect(operatorProductResync(p, small).total).toBe(17);
    const first = operatorProductFirstSync(p, small);
    expect(first.atLeast).toBe(true);
    // service, 2 usages, 1 method, 1 metric, 2 rules, 3 plans, 5 limits, 3 pricing rules
    expect(first.total).toBe(17 + 18);
    expect(operatorBackendFirstSync(backend('p-0-catalog', 'ns').spec, small).total).toBe(4 + 1 + 2 + 1 + 3);
  });
});
