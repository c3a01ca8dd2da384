import type { BottomUpStep } from './wso2-bottom-up.ts';
import type { Wso2BenchResult } from './wso2-bench.ts';

const methods = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${k}`).join(' + ');
/** An endpoint list without the method's prefix noise: `GET /rest-apis/{handle}` → `GET …/{handle}` for long bases. */
const short = (e: string) => e.replace('/api/management/v1', '').replace('/api/am/publisher/v4', '').replace('/api/internal/v1', '');
const endpoints = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${short(k)}`).join(' + ');

/**
 * The WSO2 scenario's lines for the terminal: measure, ours, and what the anchor (the operator's and the gateway's
 * code at wso2/api-platform@1c23c350, ../shared/anchors/wso2-api-platform.md) does for the same thing.
 */
export function wso2Rows(r: Wso2BenchResult): [string, string, string][] {
  const { apply: a, topDown: t, bottomUp: b } = r;
  const { initial: i, reconnect: c } = t;
  const operatorFloor = Math.round((a.restApis * 2 * r.emulatorLatencyMs) / 100) / 10;
  const step = (label: string, s: BottomUpStep, anchor: string): [string, string, string] => [
    `bottom-up ${label}: APIM calls per API`,
    `${s.apim.vendor} = ${endpoints(s.apim.vendorByEndpoint) || 'none'}`,
    anchor,
  ];
  const violations = Object.values(r.contractViolations).reduce((x, y) => x + y, 0);
  return [
    [`single RestApi apply→Programmed p50 / p95 / p99 (${a.single.samples})`, `${a.single.p50} / ${a.single.p95} / ${a.single.p99} ms`, ''],
    [`${a.restApis} RestApis at once: all Programmed (throughput)`, `${a.burst.allProgrammedSeconds} s (${a.burst.throughputPerSecond}/s)`, `operator ≥ ${operatorFloor} s (1 worker, GET + POST in turn)`],
    [`${a.restApis} at once: apply→Programmed p50 / p95 / p99`, `${a.burst.p50} / ${a.burst.p95} / ${a.burst.p99} ms`, ''],
    ['RestApi first sync: gateway calls (Kubernetes calls)', `${a.burst.calls.vendor} = ${methods(a.burst.calls.vendorByMethod)} (${a.burst.calls.kube})`, 'operator 2 = GET + POST'],
    ['no-op RestApi resync: gateway calls (Kubernetes calls) per object', `${a.resync.calls.vendor} (${a.resync.calls.kube})`, 'operator 0: never looks (drift stays)'],
    ['no-op RestApi resync: gateway / Kubernetes writes', `${a.resync.calls.vendorWrites} / ${a.resync.calls.kubeWrites}`, '0 / 0'],
    [`no-op resync of ${a.resync.objects} RestApis`, `${a.resync.seconds} s`, ''],
    [`control plane with ${i.deployments} deployments, from scratch: fetch-batch calls`, `${i.calls.fetchBatch} (GET /deployments ${i.calls.listDeployments}, GET /apis/{id} ${i.calls.fetchOne})`, `gateway ⌈${i.deployments}/${i.syncBatchSize}⌉ = ${Math.ceil(i.deployments / i.syncBatchSize)}`],
    ['… connected / all on the gateway / all Programmed / all acked', `${i.connectedSeconds} / ${i.allOnGatewaySeconds} / ${i.allProgrammedSeconds} / ${i.allAckedSeconds} s`, ''],
    ['… acks the control plane recorded (applied / discarded)', `${i.acks.total} (${i.acks.applied} / ${i.acks.discarded}), ${i.acks.failed} failed`, `gateway: ${i.deployments}, one per deployment`],
    [`… gateway calls (writes)`, `${i.calls.gatewayCalls} (${i.calls.gatewayWrites})`, ''],
    [`${sum(c.changes)} changes while the control plane was down (${c.changes.deployed} new, ${c.changes.redeployed} redeployed, ${c.changes.undeployed} undeployed, ${c.changes.deleted} deleted)`, `${c.reflected}/${sum(c.changes)} reflected`, 'gateway: 0, never resyncs on reconnect (#1495)'],
    ['… down / back → reconnected / back → converged', `${c.outageSeconds} s / ${c.reconnectedSeconds} s / ${c.convergedSeconds} s`, 'gateway: until a restart'],
    ['… fetch-batch calls, acks applied', `${c.calls.fetchBatch}, ${c.acks.applied} (${c.acks.deploySuccess} deploy, ${c.acks.undeploySuccess} undeploy)`, ''],
    step(`first sync (${b.apis} APIs, ${b.firstSync.tokenRequests} token requests in all)`, b.firstSync, 'gateway 2 = token + import (no lookup)'),
    step(`no-op resync (${b.resync.tokenRequests} token requests)`, b.resync, 'gateway: none (never re-checks APIM)'),
    step(`update (${b.update.tokenRequests} token requests)`, b.update, 'gateway 3 = token + GET swagger + import'),
    step(`deletion (${b.deletion.tokenRequests} token requests)`, b.deletion, 'gateway 2 = token + undeploy (API kept)'),
    ['requests outside the published contracts', `${violations}`, '0'],
  ];
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
