import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageCommand } from '../../cli/usage.ts';
import { parseSince, summarise } from '../../cli/usage-summary.ts';
import type { UsageRecord } from '../../shared/engine/usage-record.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const record = (over: Partial<UsageRecord>): UsageRecord => ({
  time: '2026-12-02T12:00:00Z',
  cluster: 'east',
  namespace: 'shop',
  name: 'orders',
  kind: 'ApiV4Definition',
  vendor: 'gravitee',
  outcome: 'synced',
  action: 'created',
  vendorCalls: 2,
  kubernetesCalls: 3,
  durationMs: 900,
  invocationId: 'req-1',
  billedMs: 1000,
  requestShare: 0.5,
  ...over,
});

// Two syncs of one invocation in east/shop, one invocation of its own in west/billing, eight days old.
const RECORDS = [
  record({}),
  record({ name: 'payments', outcome: 'failed', action: 'Unauthorized', vendorCalls: 1, kubernetesCalls: 2 }),
  record({ time: '2026-11-25T12:00:00Z', cluster: 'west', namespace: 'billing', kind: 'Backend', vendor: '3scale', outcome: 'unchanged', action: 'unchanged', vendorCalls: 0, kubernetesCalls: 1, billedMs: 2000, requestShare: 1, invocationId: 'req-2' }),
];

describe('usage summary', () => {
  it('adds up syncs, calls and billed duration per cluster and namespace, and prices them (by hand)', () => {
    const [east, west] = summarise(RECORDS, { memoryMb: 512, architecture: 'arm64' });
    // east/shop: 2 s billed × 0.5 GB = 1 GB-s × $0.0000133334, plus 1 request × $0.0000002;
    // SQS: each sync 1 send + 2 × ½ (receive, delete of its batch) = 2 requests, 4 × $0.0000005.
    expect(east).toMatchObject({ cluster: 'east', namespace: 'shop', syncs: 2, failed: 1, vendorCalls: 3, kubernetesCalls: 5, billedMs: 2000, lambdaRequests: 1, sqsRequests: 4 });
    expect(east.lambdaUsd).toBeCloseTo(0.0000135334, 12);
    expect(east.sqsUsd).toBeCloseTo(0.000002, 12);
    // west/billing: 1 GB-s and 1 request as well; SQS 1 send + 2 × 1 = 3 requests.
    expect(west).toMatchObject({ cluster: 'west', namespace: 'billing', syncs: 1, failed: 0, billedMs: 2000, sqsRequests: 3 });
    expect(west.sqsUsd).toBeCloseTo(0.0000015, 12);
  });

  it('prices x86_64 and another memory size, and drops records before --since', () => {
    const [east] = summarise(RECORDS, { memoryMb: 1024, architecture: 'x86_64' });
    expect(east.lambdaUsd).toBeCloseTo(2 * 0.0000166667 + 0.0000002, 12); // 2 s × 1 GB
    expect(summarise(RECORDS, { memoryMb: 512, architecture: 'arm64' }, parseSince('7d', NOW)).map((r) => r.cluster)).toEqual(['east']);
  });

  it('reads --since as a duration or a date, and refuses anything else', () => {
    expect(parseSince('24h', NOW).toISOString()).toBe('2026-12-02T12:00:00.000Z');
    expect(parseSince('30m', NOW).toISOString()).toBe('2026-12-03T11:30:00.000Z');
    expect(parseSince('2026-12-01', NOW).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(() => parseSince('a week')).toThrow(/--since a week/);
  });
});

describe('apim-sync usage', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'usage-')), 'usage.jsonl');
  writeFileSync(file, [...RECORDS.map((r) => JSON.stringify(r)), 'not json', '{"cluster":"east"}', ''].join('\n'));

  it('prints one row per cluster and namespace and a total, skipping lines that are no record', () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(usageCommand(['--file', file, '--since', '7d'], (l) => out.push(l), (l) => err.push(l), NOW)).toBe(0);
    expect(err).toEqual([`2 line(s) of ${file} are no usage record; skipped`]);
    const lines = out.join('\n').split('\n');
    expect(lines[0]).toContain('since 2026-11-26T12:00:00.000Z; Lambda arm64 512 MB; eu-west-1 list prices');
    expect(lines[1].split(/\s{2,}/)).toEqual(['CLUSTER', 'NAMESPACE', 'SYNCS', 'FAILED', 'VENDOR CALLS', 'KUBE CALLS', 'BILLED MS', 'LAMBDA $', 'SQS $', 'TOTAL $', '$ / 1M SYNCS']);
    // $0.0000155334 for 2 syncs: $7.77 per million.
    expect(lines[2].split(/\s+/)).toEqual(['east', 'shop', '2', '1', '3', '5', '2000', '0.000014', '0.000002', '0.000016', '7.77']);
    expect(lines[3].split(/\s+/)).toEqual(['total', '2', '1', '3', '5', '2000', '0.000014', '0.000002', '0.000016', '7.77']);
    expect(lines).toHaveLength(4);
  });

  it('answers bad arguments and a missing file with the problem and exit code 2', () => {
    const err: string[] = [];
    expect(usageCommand(['--file', join(tmpdir(), 'no-such-usage.jsonl')], () => {}, (l) => err.push(l))).toBe(2);
    expect(usageCommand(['--file', file, '--since', 'yesterday'], () => {}, (l) => err.push(l))).toBe(2);
    expect(usageCommand(['--file', file, '--arch', 'sparc'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err.map((e) => e.split('\n')[0])).toEqual([`no usage records at ${join(tmpdir(), 'no-such-usage.jsonl')} (npm start writes them; --file names another file)`, '--since yesterday: expected a duration such as 7d, 24h or 30m, or an ISO date', '--arch sparc: expected arm64 or x86_64']);
  });

  it('runs as `apim-sync usage --json`', () => {
    const bin = new URL('../../cli/bin.js', import.meta.url).pathname;
    const json = JSON.parse(execFileSync(process.execPath, [bin, 'usage', '--file', file, '--json', '--memory', '1024'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(json).toMatchObject({ memoryMb: 1024, architecture: 'arm64', prices: { region: 'eu-west-1' } });
    expect(json.rows.map((r: { cluster: string; syncs: number; billedMs: number }) => [r.cluster, r.syncs, r.billedMs])).toEqual([
      ['east', 2, 2000],
      ['west', 1, 2000],
    ]);
  });
});
