import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvocationUsage } from '../../functions/sync/invocation-usage.ts';
import { emfUsageSink } from '../../functions/sync/usage-metrics.ts';
import { countingView } from '../../shared/engine/call-tally.ts';
import { UsageRecordSchema, vendorOf, type SyncUsage } from '../../shared/engine/usage-record.ts';
import { CallCounter } from '../../shared/kube/call-counter.ts';

class FakeClient {
  readonly calls = new CallCounter();
  seen = 0;
  async get(): Promise<void> {
    this.calls.add('get');
    this.seen++;
  }
  async getTwice(): Promise<void> {
    await this.get();
    await this.get();
  }
}

const sync = (over: Partial<SyncUsage> = {}): SyncUsage => ({ cluster: 'east', namespace: 'shop', name: 'orders', kind: 'ApiV4Definition', vendor: 'gravitee', outcome: 'synced', action: 'created', vendorCalls: 2, kubernetesCalls: 4, durationMs: 10, ...over });

describe('a sync counts its own calls', () => {
  it('counts through a view into the sync and the shared client alike, each sync apart', async () => {
    const client = new FakeClient();
    const a = { n: 0 };
    const b = { n: 0 };
    const viewA = countingView(client, () => a.n++);
    const viewB = countingView(client, () => b.n++);
    await Promise.all([viewA.getTwice(), viewB.get(), viewA.get()]);
    expect([a.n, b.n]).toEqual([3, 1]);
    expect(client.calls.total()).toBe(4);
    expect(viewA.calls.total()).toBe(4); // the view's counter reads the client's
    expect(client.seen).toBe(4); // state written through the view lands on the client
  });
});

describe('usage records of an invocation', () => {
  it('shares the invocation billed duration, rounded up to 1 ms, in proportion to the syncs, and the request evenly', () => {
    const usage = new InvocationUsage('req-1');
    usage.add(sync({ durationMs: 30 }));
    usage.add(sync({ name: 'payments', durationMs: 10, outcome: 'unchanged', action: 'unchanged' }));
    const records = usage.records(50.2); // billed 51 ms: 51 × 30/40 and 51 × 10/40
    expect(records.map((r) => [r.name, r.billedMs, r.requestShare, r.invocationId])).toEqual([
      ['orders', 38.25, 0.5, 'req-1'],
      ['payments', 12.75, 0.5, 'req-1'],
    ]);
    for (const r of records) expect(UsageRecordSchema.parse(r)).toEqual(r);
  });

  it('splits evenly when the syncs took no measurable time, and has no record without a sync', () => {
    const usage = new InvocationUsage('req-2');
    usage.add(sync({ durationMs: 0 }));
    usage.add(sync({ durationMs: 0 }));
    expect(usage.records(0.3).map((r) => r.billedMs)).toEqual([0.5, 0.5]);
    expect(new InvocationUsage('req-3').records(5)).toEqual([]);
  });

  it('names the vendor by API group', () => {
    expect(['gravitee.io/v1alpha1', 'capabilities.3scale.net/v1beta1', 'gateway.api-platform.wso2.com/v1alpha1'].map(vendorOf)).toEqual(['gravitee', '3scale', 'wso2']);
  });
});

describe('usage records as embedded metrics', () => {
  afterEach(() => (vi.restoreAllMocks(), vi.unstubAllEnvs()));

  it('writes one EMF line per sync: cluster, vendor and kind as dimensions, namespace and name as properties', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'); // the test config silences metrics everywhere else
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const usage = new InvocationUsage('req-4');
    usage.add(sync({ durationMs: 4 }));
    usage.add(sync({ cluster: 'west', kind: 'Backend', vendor: '3scale', namespace: 'billing', name: 'pay', durationMs: 4 }));
    emfUsageSink({ namespace: 'ApimSync', serviceName: 'apim-sync' }).write(usage.records(7.5));
    vi.restoreAllMocks();
    const emf = lines.map((l) => JSON.parse(l));
    expect(emf).toHaveLength(2);
    const [first, second] = emf;
    expect(first._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ApimSync',
        Dimensions: [['service', 'cluster', 'vendor', 'kind']],
        Metrics: expect.arrayContaining([{ Name: 'Syncs', Unit: 'Count' }, { Name: 'VendorCalls', Unit: 'Count' }, { Name: 'KubernetesCalls', Unit: 'Count' }, { Name: 'SyncDuration', Unit: 'Milliseconds' }, { Name: 'BilledDuration', Unit: 'Milliseconds' }]),
      },
    ]);
    expect(first).toMatchObject({ cluster: 'east', vendor: 'gravitee', kind: 'ApiV4Definition', namespace: 'shop', name: 'orders', outcome: 'synced', Syncs: 1, VendorCalls: 2, KubernetesCalls: 4, SyncDuration: 4, BilledDuration: 4, invocationId: 'req-4' });
    expect(second).toMatchObject({ cluster: 'west', vendor: '3scale', kind: 'Backend', namespace: 'billing', name: 'pay' });
  });
});
