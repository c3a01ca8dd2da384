import { z } from 'zod';

/** How a sync ended, coarsely, for billing and dashboards (`action` keeps the reconciler's own word). */
export const SYNC_OUTCOMES = ['synced', 'unchanged', 'waiting', 'retrying', 'failed'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

/** What one sync did, measured by the engine (shared/engine/sync-message.ts). */
export interface SyncUsage {
  cluster: string;
  namespace: string;
  name: string;
  kind: string;
  vendor: string;
  outcome: SyncOutcome;
  /** The reconciler's action (`created`, `unchanged`, `waiting-for-reference`…), or the failure's condition reason. */
  action: string;
  vendorCalls: number;
  kubernetesCalls: number;
  /** Wall time of the sync, from reading its message to its outcome. */
  durationMs: number;
}

/**
 * One usage record per sync, as written to EMF in Lambda and to a JSON-lines file locally. Lambda bills an
 * invocation (a batch), not a sync: `billedMs` is this sync's share of its invocation's billed duration (rounded up
 * to 1 ms, split in proportion to the syncs' durations) and `requestShare` its share of the invocation (1/batch).
 */
export const UsageRecordSchema = z.object({
  time: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  kind: z.string(),
  vendor: z.string(),
  outcome: z.enum(SYNC_OUTCOMES),
  action: z.string(),
  vendorCalls: z.number().int().nonnegative(),
  kubernetesCalls: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  invocationId: z.string(),
  billedMs: z.number().nonnegative(),
  requestShare: z.number().positive().max(1),
});
export type UsageRecord = z.infer<typeof UsageRecordSchema>;

/** Where usage records go: EMF in Lambda (functions/sync/usage-metrics.ts), a file locally (local/usage-file.ts). */
export interface UsageSink {
  write(records: UsageRecord[]): void;
}

/** The vendor a kind syncs to, from its API group. */
export function vendorOf(apiVersion: string): string {
  const group = apiVersion.split('/')[0];
  if (group === 'gravitee.io') return 'gravitee';
  if (group === 'capabilities.3scale.net') return '3scale';
  if (group.endsWith('wso2.com')) return 'wso2';
  return group;
}
