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

/** A member cluster the sync function could not use (unreachable, credentials refused) in the period. */
export interface FailingCluster {
  cluster: string;
  /** Syncs that failed because of the cluster, by reason (shared/kube/cluster-unavailable.ts). */
  reasons: Record<string, number>;
  failures: number;
  firstFailure: string;
  lastFailure: string;
  /** The last sync that reached the cluster after its last failure, if any: it has recovered. */
  recoveredAt?: string;
}

/** The usage record's action of a sync its cluster failed: `ClusterUnavailable:<reason>` (shared/engine/sync-message.ts). */
const CLUSTER_UNAVAILABLE = /^ClusterUnavailable:(.+)$/;

/** Clusters with syncs that failed for the cluster's sake, worst first; `since` drops older records. */
export function failingClusters(records: UsageRecord[], since?: Date): FailingCluster[] {
  const byCluster = new Map<string, FailingCluster>();
  const ordered = records.filter((r) => !since || Date.parse(r.time) >= since.getTime()).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  for (const r of ordered) {
    const reason = CLUSTER_UNAVAILABLE.exec(r.action)?.[1];
    let f = byCluster.get(r.cluster);
    if (!reason) {
      // Any other outcome means the sync reached the cluster.
      if (f && !f.recoveredAt) f.recoveredAt = r.time;
      continue;
    }
    if (!f) byCluster.set(r.cluster, (f = { cluster: r.cluster, reasons: {}, failures: 0, firstFailure: r.time, lastFailure: r.time }));
    f.failures++;
    f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
    f.lastFailure = r.time;
    delete f.recoveredAt;
  }
  return [...byCluster.values()].sort((a, b) => Number(!!a.recoveredAt) - Number(!!b.recoveredAt) || b.failures - a.failures || a.cluster.localeCompare(b.cluster));
}

/** One line per failing cluster, for a person: what failed, why, since when, and whether it still does. */
export function failingClusterLines(failing: FailingCluster[]): string[] {
  if (!failing.length) return [];
  return [
    'clusters the sync function could not use (their messages were retried; other clusters were not held up):',
    ...failing.map((f) => {
      const why = Object.entries(f.reasons).sort(([, a], [, b]) => b - a).map(([reason, n]) => `${reason} ${n}`).join(', ');
      return `  ${f.cluster}: ${f.failures} failed sync(s) (${why}) from ${f.firstFailure} to ${f.lastFailure}; ${f.recoveredAt ? `reached again at ${f.recoveredAt}` : 'still failing at its last sync'}`;
    }),
  ];
}
