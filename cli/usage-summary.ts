import { readFileSync } from 'node:fs';
import { UsageRecordSchema, type UsageRecord } from '../shared/engine/usage-record.ts';
import { PRICES, type Architecture } from './usage-prices.ts';

export interface UsageRow {
  cluster: string;
  namespace: string;
  syncs: number;
  failed: number;
  vendorCalls: number;
  kubernetesCalls: number;
  /** Sum of the records' shares of their invocations' billed durations (each invocation rounded up to 1 ms). */
  billedMs: number;
  /** Lambda requests: sum of the records' shares of their invocations. */
  lambdaRequests: number;
  sqsRequests: number;
  lambdaUsd: number;
  sqsUsd: number;
}

export interface CostModel {
  memoryMb: number;
  architecture: Architecture;
}

/**
 * SQS requests a sync costs: the watcher's send (counted whole, an upper bound: it sends in batches of up to 10),
 * and its share of the event source's receive and delete of its batch. Not counted: the event source's empty polls
 * (a fixed cost of a running plane, not of a sync) and the ChangeMessageVisibility that backs a retry off.
 */
export const sqsRequestsOf = (r: UsageRecord) => 1 + 2 * r.requestShare;

/** Records per cluster and namespace (sorted), priced with `model`; `since` drops older records. */
export function summarise(records: UsageRecord[], model: CostModel, since?: Date): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const r of records) {
    if (since && Date.parse(r.time) < since.getTime()) continue;
    const key = JSON.stringify([r.cluster, r.namespace]);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { cluster: r.cluster, namespace: r.namespace, syncs: 0, failed: 0, vendorCalls: 0, kubernetesCalls: 0, billedMs: 0, lambdaRequests: 0, sqsRequests: 0, lambdaUsd: 0, sqsUsd: 0 }));
    row.syncs++;
    if (r.outcome === 'failed' || r.outcome === 'retrying') row.failed++;
    row.vendorCalls += r.vendorCalls;
    row.kubernetesCalls += r.kubernetesCalls;
    row.billedMs += r.billedMs;
    row.lambdaRequests += r.requestShare;
    row.sqsRequests += sqsRequestsOf(r);
  }
  for (const row of rows.values()) {
    const gbSeconds = (row.billedMs / 1000) * (model.memoryMb / 1024);
    row.lambdaUsd = gbSeconds * PRICES.lambdaGbSecond[model.architecture] + row.lambdaRequests * PRICES.lambdaRequest;
    row.sqsUsd = row.sqsRequests * PRICES.sqsFifoRequest;
  }
  return [...rows.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace));
}

/** The records of a JSON-lines file, and how many of its lines were no usage record (skipped, not fatal). */
export function readUsageFile(path: string): { records: UsageRecord[]; skipped: number } {
  const records: UsageRecord[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof UsageRecordSchema.safeParse>;
    try {
      parsed = UsageRecordSchema.safeParse(JSON.parse(line));
    } catch {
      skipped++;
      continue;
    }
    if (parsed.success) records.push(parsed.data);
    else skipped++;
  }
  return { records, skipped };
}

/** `7d`, `24h`, `30m` before `now`, or an ISO date/time. */
export function parseSince(value: string, now = new Date()): Date {
  const m = /^(\d+)([dhm])$/.exec(value.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm']);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`--since ${value}: expected a duration such as 7d, 24h or 30m, or an ISO date`);
  return new Date(t);
}
