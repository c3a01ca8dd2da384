import type { ThreescaleBenchResult, ThreescaleBurst, ThreescaleResync } from './threescale-apply.ts';
import type { OperatorCount } from './threescale-operator-calls.ts';

const operator = (o: OperatorCount) => `${o.atLeast ? '≥ ' : ''}${o.total}`;
const methods = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${k}`).join(' + ');

/** The 3scale scenario's lines for the terminal: measure, ours, and the operator's count for the same objects. */
export function threescaleRows(r: ThreescaleBenchResult): [string, string, string][] {
  const burst = (label: string, b: ThreescaleBurst): [string, string, string][] => [
    [`${b.objects} ${label} at once: all Synced (throughput)`, `${b.allSyncedSeconds} s (${b.throughputPerSecond}/s)`, ''],
    [`${b.objects} ${label} at once: apply→Synced p50 / p95 / p99`, `${b.p50} / ${b.p95} / ${b.p99} ms`, ''],
    [`${label}: vendor calls per first sync (operator)`, `${b.calls.vendor} = ${methods(b.calls.vendorByMethod)}`, `operator ${operator(b.operator)}`],
    [`${label}: Kubernetes calls per first sync`, `${b.calls.kube}`, ''],
  ];
  const resync = (label: string, s: ThreescaleResync): [string, string, string][] => [
    [`no-op ${label} resync: vendor calls per sync (operator)`, `${s.calls.vendor}`, `operator ${operator(s.operator)}`],
    [`no-op ${label} resync: Kubernetes calls per sync; writes`, `${s.calls.kube}; ${s.calls.vendorWrites} vendor, ${s.calls.kubeWrites} Kubernetes`, 'vendor writes = 0'],
    [`no-op ${label} resync of ${s.objects}`, `${s.seconds} s`, ''],
  ];
  const violations = [r.backendBurst, r.productBurst, r.productResync, r.backendResync].reduce((n, p) => n + p.calls.contractViolations, 0);
  return [
    [`single Backend apply→Synced p50 / p95 / p99 (${2 * r.single.samples})`, `${r.single.backend.p50} / ${r.single.backend.p95} / ${r.single.backend.p99} ms`, ''],
    [`single Product apply→Synced p50 / p95 / p99 (${r.single.samples})`, `${r.single.product.p50} / ${r.single.product.p95} / ${r.single.product.p99} ms`, ''],
    ...burst('Backends', r.backendBurst),
    ...burst('Products', r.productBurst),
    ...resync('Product', r.productResync),
    ...resync('Backend', r.backendResync),
    ['requests outside 3scale\'s published contract', `${violations}`, '0'],
  ];
}
