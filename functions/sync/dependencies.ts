import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { retryPolicyFromEnv } from '../../shared/engine/retry-policy.ts';
import type { SyncDependencies } from '../../shared/engine/sync-message.ts';
import { clusterRegistryFromEnv } from '../../shared/kube/cluster-registry.ts';
import { ClusterCircuit } from '../../shared/kube/cluster-circuit.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import { policyFromEnv } from '../../shared/vendor-http/address-policy.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';
import type { UsageSink } from '../../shared/engine/usage-record.ts';
import { SqsRequeue, type Requeue } from './requeue.ts';
import { emfUsageSink } from './usage-metrics.ts';
import { emfClusterMetrics } from './cluster-metrics.ts';
import { SqsRetryRenewal, type RetryRenewal } from './renewal.ts';
import { lazySqs, type SqsSender } from './lazy-sqs.ts';
import { sqsWake } from './wake.ts';

export interface HandlerDependencies extends SyncDependencies {
  requeue: Requeue;
  /** Where each invocation's usage records go (EMF in Lambda, a file locally); none: not recorded. */
  usage?: UsageSink;
  /** Keeps transiently failing messages out of the DLQ (functions/sync/renewal.ts); none: they reach it after maxReceiveCount. */
  renewal?: RetryRenewal;
  /**
   * Time an invocation keeps for its last sync (SYNC_TIME_RESERVE_SECONDS, default 20): with less left, it starts no
   * more syncs and hands the rest of its batch back untried, rather than time out and fail the whole batch.
   */
  reserveMs?: number;
}

/** Built once per container from the environment (see README, "Configuration"). */
export async function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<HandlerDependencies> {
  const log = createLogger('apim-sync');
  // A cluster that does not answer fails its next syncs at once for a while, not after a timeout each.
  const clusters = new ClusterCircuit(await clusterRegistryFromEnv(env));
  const clusterMetric = emfClusterMetrics();
  // One SQS client for the requeue, the renewal and the wake-ups, made on the first message any of them sends.
  const sqs = lazySqs({ endpoint: env.SQS_ENDPOINT });
  const requeue = new SqsRequeue(sqs);
  return {
    ...(await ownershipFromEnv(env, log, sqs)),
    clusters,
    kinds: new KindCatalog(syncKinds),
    http: new VendorHttp({ policy: policyFromEnv(env), timeoutMs: Number(env.VENDOR_TIMEOUT_MS ?? 10_000) }),
    log,
    retry: retryPolicyFromEnv(env),
    requeue,
    usage: emfUsageSink(),
    onClusterUnavailable: (cluster, reason) => (clusters.trip(cluster, reason), clusterMetric(cluster, reason)),
    reserveMs: Number(env.SYNC_TIME_RESERVE_SECONDS ?? 20) * 1000,
    renewal: new SqsRetryRenewal(sqs, (record) => requeue.queueUrlOf(record)),
  };
}

/**
 * The ownership table (OWNERSHIP_TABLE, serverless.yml's OwnershipTable) and the changes queue that wakes the
 * resources waiting for a released vendor object (QUEUE_URL). Without a table no records are kept: said once, here.
 */
async function ownershipFromEnv(env: NodeJS.ProcessEnv, log: Logger, sqs: SqsSender): Promise<Pick<HandlerDependencies, 'ownership' | 'wake'>> {
  // The changes queue also takes a resync's drift correction (reason drift), with or without ownership records.
  const wake = env.QUEUE_URL ? { wake: sqsWake(sqs, env.QUEUE_URL) } : {};
  if (!env.OWNERSHIP_TABLE) {
    log.warn('OWNERSHIP_TABLE is not set: no ownership records are kept, so resources anywhere in the fleet that name one vendor object all write it');
    return wake;
  }
  const [{ DynamoDBClient }, { DynamoDbOwnershipStore }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('../../shared/ownership/dynamodb-ownership-store.ts')]);
  const ownership = new DynamoDbOwnershipStore(new DynamoDBClient({}), env.OWNERSHIP_TABLE);
  if (!env.QUEUE_URL) log.warn('QUEUE_URL is not set: resources waiting for a released vendor object sync at their next resync');
  return { ownership, ...wake };
}
