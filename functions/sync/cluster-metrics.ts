import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ClusterUnavailableReason } from '../../shared/kube/cluster-unavailable.ts';

/**
 * One CloudWatch embedded metric (EMF) `ClusterUnavailable` per sync that could not use its member cluster, with the
 * dimensions cluster and reason (a fixed set of six: shared/kube/cluster-unavailable.ts), so an alarm can watch a
 * cluster going dark or refusing the function's credentials. The namespace is POWERTOOLS_METRICS_NAMESPACE
 * (serverless.yml's `metricsNamespace`), as the usage metrics'.
 */
export function emfClusterMetrics(opts: { namespace?: string; serviceName?: string } = {}): (cluster: string, reason: ClusterUnavailableReason) => void {
  return (cluster, reason) => {
    const metrics = new Metrics({ namespace: opts.namespace, serviceName: opts.serviceName });
    metrics.addDimensions({ cluster, reason });
    metrics.addMetric('ClusterUnavailable', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };
}
