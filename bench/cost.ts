import { DEPLOYED, PRICES } from '../cli/usage-prices.ts';
import { readUsageFile, summarise } from '../cli/usage-summary.ts';
import type { UsageRecord } from '../shared/engine/usage-record.ts';
import { round } from './stats.ts';

/**
 * The cost per million syncs per vendor, from the usage records a bench run wrote (billed duration at the deployed
 * memory and architecture, Lambda requests, SQS requests: `apim-sync usage`'s own pricing), beside what an always-on
 * operator pod costs in each cluster, and the watcher pod apim-sync itself keeps in each cluster.
 */

/**
 * On-demand price of pod capacity: AWS Fargate, Linux/x86, us-east-1, per vCPU-hour and per GB-hour. Recorded
 * 2026-12-03 from the prices AWS has listed since 2020 (aws.amazon.com/fargate/pricing); not re-read online for this
 * release, so check them before quoting a figure. A pod's requests are priced pro rata (what the capacity costs on a
 * shared node); EKS on Fargate rounds each pod up to at least 0.25 vCPU and 0.5 GB plus 256 MB, which costs more.
 */
export const POD_PRICES = { provider: 'AWS Fargate, Linux/x86, us-east-1', recorded: '2026-12-03', vcpuHour: 0.04048, gbHour: 0.004445, hoursPerMonth: 730 } as const;

/** Published default resource requests of each vendor's operator pod, and of apim-sync's watcher, with where they come from. */
export const ALWAYS_ON_PODS = {
  gravitee: { name: 'GKO manager', cpu: 0.05, memoryMiB: 128, source: 'GKO helm/gko/values.yaml manager.resources.requests (anchor gravitee-gko.md)' },
  '3scale': { name: '3scale operator', cpu: 0.1, memoryMiB: 300, source: '3scale-operator config/manager/manager.yaml (anchor threescale-operator.md)' },
  wso2: { name: 'WSO2 gateway operator', cpu: 0.1, memoryMiB: 128, source: 'wso2/api-platform@1c23c350 kubernetes/helm/operator-helm-chart/values.yaml resources.requests' },
  watcher: { name: 'apim-sync watcher', cpu: 0.01, memoryMiB: 64, source: 'infra/watcher/base/deployment.yaml resources.requests' },
} as const;

export type PodName = keyof typeof ALWAYS_ON_PODS;

/** A pod's requests, priced per month at POD_PRICES. */
export function podMonthlyUsd(pod: PodName): number {
  const p = ALWAYS_ON_PODS[pod];
  return (p.cpu * POD_PRICES.vcpuHour + (p.memoryMiB / 1024) * POD_PRICES.gbHour) * POD_PRICES.hoursPerMonth;
}

/** The watcher's default period of the full resync (RESYNC_INTERVAL_SECONDS): each object is synced this often, changed or not. */
export const RESYNC_INTERVAL_SECONDS = 600;
const RESYNCS_PER_OBJECT_MONTH = (POD_PRICES.hoursPerMonth * 3600) / RESYNC_INTERVAL_SECONDS;

export interface VendorCost {
  vendor: string;
  syncs: number;
  billedMsPerSync: number;
  vendorCallsPerSync: number;
  usdPerMillionSyncs: number;
  /** No-op syncs (outcome `unchanged`: a resync that found nothing to do), when the records hold some. */
  unchanged?: { syncs: number; billedMsPerSync: number; usdPerMillionSyncs: number; resyncUsdPerMonthPer1000Objects: number };
  /** The vendor's operator pod per cluster and month, when the vendor has one. */
  operatorPod?: { name: string; usdPerMonth: number };
  /** Syncs a month at which apim-sync costs what the operator pod (less apim-sync's own watcher pod) costs, per cluster. */
  breakEvenSyncsPerMonth?: number;
}

/** Per vendor: the records' syncs priced as `apim-sync usage` prices them (serverless.yml's memory and architecture). */
export function costPerVendor(records: UsageRecord[]): VendorCost[] {
  const rows = summarise(records.map((r) => ({ ...r, cluster: r.vendor, namespace: '' })), { memoryMb: DEPLOYED.memoryMb, architecture: DEPLOYED.architecture });
  const unchangedRows = new Map(
    summarise(
      records.filter((r) => r.outcome === 'unchanged').map((r) => ({ ...r, cluster: r.vendor, namespace: '' })),
      { memoryMb: DEPLOYED.memoryMb, architecture: DEPLOYED.architecture },
    ).map((r) => [r.cluster, r]),
  );
  return rows.map((row) => {
    const vendor = row.cluster;
    const u = unchangedRows.get(vendor);
    const unchangedUsd = u?.syncs ? (u.lambdaUsd + u.sqsUsd) / u.syncs : undefined;
    const usdPerSync = row.syncs ? (row.lambdaUsd + row.sqsUsd) / row.syncs : 0;
    const pod = vendor in ALWAYS_ON_PODS && vendor !== 'watcher' ? (vendor as PodName) : undefined;
    const podUsd = pod ? podMonthlyUsd(pod) : undefined;
    return {
      vendor,
      syncs: row.syncs,
      billedMsPerSync: round(row.billedMs / Math.max(1, row.syncs), 1),
      vendorCallsPerSync: round(row.vendorCalls / Math.max(1, row.syncs), 2),
      usdPerMillionSyncs: round(usdPerSync * 1_000_000, 2),
      ...(u && unchangedUsd !== undefined
        ? {
            unchanged: {
              syncs: u.syncs,
              billedMsPerSync: round(u.billedMs / u.syncs, 1),
              usdPerMillionSyncs: round(unchangedUsd * 1_000_000, 2),
              resyncUsdPerMonthPer1000Objects: round(unchangedUsd * RESYNCS_PER_OBJECT_MONTH * 1000, 2),
            },
          }
        : {}),
      ...(pod && podUsd !== undefined
        ? { operatorPod: { name: ALWAYS_ON_PODS[pod].name, usdPerMonth: round(podUsd, 2) }, breakEvenSyncsPerMonth: usdPerSync ? Math.round((podUsd - podMonthlyUsd('watcher')) / usdPerSync) : undefined }
        : {}),
    };
  });
}

export const costOfUsageFile = (path: string) => costPerVendor(readUsageFile(path).records);

/** The table the bench prints: one row per vendor, then the assumptions. */
export function costRows(costs: VendorCost[]): [string, string, string][] {
  const rows: [string, string, string][] = costs.map((c) => [
    `${c.vendor}: $ per 1M syncs (${c.syncs} syncs, ${c.billedMsPerSync} billed ms and ${c.vendorCallsPerSync} vendor calls per sync)`,
    `$${c.usdPerMillionSyncs.toFixed(2)}`,
    c.operatorPod ? `${c.operatorPod.name} pod: $${c.operatorPod.usdPerMonth.toFixed(2)}/month per cluster; same cost at ${c.breakEvenSyncsPerMonth?.toLocaleString('en-US') ?? '-'} syncs/month` : '',
  ]);
  for (const c of costs) {
    if (!c.unchanged) continue;
    rows.push([
      `${c.vendor}: no-op resync, $ per 1M syncs (${c.unchanged.syncs} syncs, ${c.unchanged.billedMsPerSync} billed ms per sync)`,
      `$${c.unchanged.usdPerMillionSyncs.toFixed(2)}`,
      `1,000 objects resynced every ${RESYNC_INTERVAL_SECONDS} s: ${Math.round(RESYNCS_PER_OBJECT_MONTH * 1000).toLocaleString('en-US')} syncs, $${c.unchanged.resyncUsdPerMonthPer1000Objects.toFixed(2)}/month`,
    ]);
  }
  rows.push([`apim-sync watcher pod (${ALWAYS_ON_PODS.watcher.cpu * 1000}m CPU, ${ALWAYS_ON_PODS.watcher.memoryMiB} Mi)`, `$${podMonthlyUsd('watcher').toFixed(2)}/month per cluster`, '']);
  rows.push([
    'assumptions',
    `Lambda ${DEPLOYED.architecture} ${DEPLOYED.memoryMb} MB, ${PRICES.region} list prices of ${PRICES.recorded}; pods: requests × ${POD_PRICES.provider} ($${POD_PRICES.vcpuHour}/vCPU-h, $${POD_PRICES.gbHour}/GB-h, ${POD_PRICES.recorded}), ${POD_PRICES.hoursPerMonth} h/month`,
    '',
  ]);
  return rows;
}
