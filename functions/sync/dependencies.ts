import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { retryPolicyFromEnv } from '../../shared/engine/retry-policy.ts';
import type { SyncDependencies } from '../../shared/engine/sync-message.ts';
import { clusterRegistryFromEnv } from '../../shared/kube/cluster-registry.ts';
import { createLogger } from '../../shared/log.ts';
import { policyFromEnv } from '../../shared/vendor-http/address-policy.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';
import type { UsageSink } from '../../shared/engine/usage-record.ts';
import { SqsRequeue, type Requeue } from './requeue.ts';
import { emfUsageSink } from './usage-metrics.ts';
import { emfClusterMetrics } from './cluster-metrics.ts';

export interface HandlerDependencies extends SyncDependencies {
  requeue: Requeue;
  /** Where each invocation's usage records go (EMF in Lambda, a file locally); none: not recorded. */
  usage?: UsageSink;
}

/** Built once per container from the environment (see README, "Configuration"). */
export async function dependenciesFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<HandlerDependencies> {
  return {
    clusters: await clusterRegistryFromEnv(env),
    kinds: new KindCatalog(syncKinds),
    http: new VendorHttp({ policy: policyFromEnv(env), timeoutMs: Number(env.VENDOR_TIMEOUT_MS ?? 10_000) }),
    log: createLogger('apim-sync'),
    retry: retryPolicyFromEnv(env),
    requeue: new SqsRequeue({ endpoint: env.SQS_ENDPOINT }),
    usage: emfUsageSink(),
    onClusterUnavailable: emfClusterMetrics(),
  };
}
