import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { UsageRecord, UsageSink } from '../../shared/engine/usage-record.ts';

/**
 * Usage records as CloudWatch embedded metrics (EMF), one log line per sync. Dimensions are cluster, vendor and kind
 * only: every distinct combination is a custom metric, billed monthly, so namespace and name (unbounded) and the
 * record's other fields travel as properties, which Logs Insights queries and `apim-sync usage` reads alike.
 * The namespace is POWERTOOLS_METRICS_NAMESPACE (serverless.yml's `metricsNamespace`).
 */
export function emfUsageSink(opts: { namespace?: string; serviceName?: string } = {}): UsageSink {
  return {
    write(records: UsageRecord[]) {
      for (const r of records) {
        const metrics = new Metrics({ namespace: opts.namespace, serviceName: opts.serviceName, singleMetric: false });
        metrics.addDimensions({ cluster: r.cluster, vendor: r.vendor, kind: r.kind });
        metrics.addMetric('Syncs', MetricUnit.Count, 1);
        metrics.addMetric('VendorCalls', MetricUnit.Count, r.vendorCalls);
        metrics.addMetric('KubernetesCalls', MetricUnit.Count, r.kubernetesCalls);
        metrics.addMetric('SyncDuration', MetricUnit.Milliseconds, r.durationMs);
        metrics.addMetric('BilledDuration', MetricUnit.Milliseconds, r.billedMs);
        for (const key of ['time', 'namespace', 'name', 'outcome', 'action', 'invocationId', 'requestShare'] as const) metrics.addMetadata(key, String(r[key]));
        metrics.publishStoredMetrics();
      }
    },
  };
}
