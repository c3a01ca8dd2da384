import { describe, expect, it } from 'vitest';
import { ALWAYS_ON_PODS, costPerVendor, podMonthlyUsd, POD_PRICES } from '../../bench/cost.ts';
import { PRICES } from '../../cli/usage-prices.ts';
import type { UsageRecord } from '../../shared/engine/usage-record.ts';

const record = (vendor: string, outcome: UsageRecord['outcome'], billedMs: number): UsageRecord => ({
  time: '2026-12-03T12:00:00.000Z',
  cluster: 'east',
  namespace: 'ns',
  name: 'x',
  kind: 'K',
  vendor,
  outcome,
  action: outcome,
  vendorCalls: 2,
  kubernetesCalls: 3,
  durationMs: billedMs,
  invocationId: 'i',
  billedMs,
  requestShare: 0.5,
});

describe('bench cost per million syncs', () => {
  it("prices each vendor's syncs as apim-sync usage does (512 MB arm64), no-op resyncs apart", () => {
    const costs = costPerVendor([record('gravitee', 'synced', 300), record('gravitee', 'unchanged', 100), record('3scale', 'synced', 200)]);
    const g = costs.find((c) => c.vendor === 'gravitee')!;
    // Per sync: billed GB-s at arm64, half a Lambda request, and the watcher's send plus half a receive and a delete.
    const perSync = (ms: number) => (ms / 1000) * 0.5 * PRICES.lambdaGbSecond.arm64 + 0.5 * PRICES.lambdaRequest + 2 * PRICES.sqsFifoRequest;
    expect(g.syncs).toBe(2);
    expect(g.billedMsPerSync).toBe(200);
    expect(g.usdPerMillionSyncs).toBeCloseTo(((perSync(300) + perSync(100)) / 2) * 1e6, 2);
    expect(g.unchanged?.usdPerMillionSyncs).toBeCloseTo(perSync(100) * 1e6, 2);
    // 1,000 objects every 600 s for 730 hours.
    expect(g.unchanged?.resyncUsdPerMonthPer1000Objects).toBeCloseTo(perSync(100) * 4_380_000, 1);
    expect(costs.find((c) => c.vendor === '3scale')?.unchanged).toBeUndefined();
  });

  it("sets the operator pod's month beside it, and the syncs a month at which they cost the same", () => {
    const [g] = costPerVendor([record('gravitee', 'synced', 300)]);
    const gko = ALWAYS_ON_PODS.gravitee;
    const month = (gko.cpu * POD_PRICES.vcpuHour + (gko.memoryMiB / 1024) * POD_PRICES.gbHour) * 730;
    expect(podMonthlyUsd('gravitee')).toBeCloseTo(month, 6);
    expect(g!.operatorPod).toEqual({ name: 'GKO manager', usdPerMonth: Math.round(month * 100) / 100 });
    const perSync = g!.usdPerMillionSyncs / 1e6;
    expect(g!.breakEvenSyncsPerMonth! * perSync).toBeCloseTo(month - podMonthlyUsd('watcher'), 1);
  });
});
