import type { BottomUpStep } from './wso2-bottom-up.ts';
import type { Wso2BenchResult } from './wso2-bench.ts';

const methods = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${k}`).join(' + ');
/** Endpoints without their API's base path, which the scenario's table names once. */
const short = (e: string) => e.replace(/\/api\/(management\/v1|am\/publisher\/v4|internal\/v1)/, '');
const endpoints = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${v} ${short(k)}`).join(' + ') || 'none';
const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);

/**
 * The WSO2 scenario's lines for the terminal: measure, ours, and what the anchor (the operator's and the gateway's
 * code at wso2/api-platform@1c23c350, ../shared/anchors/wso2-api-platform.md) does for the same thing.
 */
export function wso2Rows(r: Wso2BenchResult): [string, string, string][] {
  const { apply: a, bottomUp: b } = r;
  const { initial: i, reconnect: c } = r.topDown;
  // The operator reconciles RestApis with one worker, a GET then a POST each: its floor at this latency.
  const operatorFloor = Math.round((a.restApis * 2 * r.emulatorLatencyMs) / 100) / 10;
  const step = (label: string, s: BottomUpStep, anchor: string): [string, string, string] => [
    `bottom-up ${label}: APIM calls per API (echoes acked)`,
    `${s.apim.vendor} = ${endpoints(s.apim.vendorByEndpoint)} (${s.echoAcks.applied}${s.echoAcks.discarded ? `, ${s.echoAcks.discarded} repeats` : ''})`,
    anchor,
  ];
  const violations = sum(r.contractViolations);
  return [
    [`single RestApi apply→Programmed p50 / p95 / p99 (${a.single.samples})`, `${a.single.p50} / ${a.single.p95} / ${a.single.p99} ms`, ''],
    [`${a.restApis} RestApis at once: all Programmed (throughput)`, `${a.burst.allProgrammedSeconds} s (${a.burst.throughputPerSecond}/s)`, `operator ≥ ${operatorFloor} s (1 worker, GET then POST)`],
    [`${a.restApis} at once: apply→Programmed p50 / p95 / p99`, `${a.burst.p50} / ${a.burst.p95} / ${a.burst.p99} ms`, ''],
    ['RestApi first sync: gateway calls; Kubernetes calls (writes)', `${a.burst.calls.vendor} = ${methods(a.burst.calls.vendorByMethod)}; ${a.burst.calls.kube} (${a.burst.calls.kubeWrites / a.restApis})`, 'operator 2 = GET + POST; 3 writes'],
    ['no-op RestApi resync: gateway calls; Kubernetes calls', `${a.resync.calls.vendor} ${Object.keys(a.resync.calls.vendorByMethod).join(', ')}; ${a.resync.calls.kube}`, 'operator 0: skips it (drift stays)'],
    ['no-op RestApi resync: gateway / Kubernetes writes', `${a.resync.calls.vendorWrites} / ${a.resync.calls.kubeWrites}`, '0 / 0'],
    [`no-op resync of ${a.resync.objects} RestApis`, `${a.resync.seconds} s`, ''],
    [`control plane with ${i.deployments} deployments, first connect: fetch-batch calls`, `${i.calls.fetchBatch}`, `gateway ⌈${i.deployments}/${i.syncBatchSize}⌉ = ${Math.ceil(i.deployments / i.syncBatchSize)}, first connect only`],
    ['… APIGateway applied → connected / all on the gateway / all Programmed / all acked', `${i.connectedSeconds} / ${i.allOnGatewaySeconds} / ${i.allProgrammedSeconds} / ${i.allAckedSeconds} s`, ''],
    ['… acks the control plane recorded (applied, failed)', `${i.acks.total} (${i.acks.applied}, ${i.acks.failed})`, `gateway ${i.deployments}, one per deployment`],
    ['… control-plane calls besides fetch-batch', endpoints(without(i.calls.controlPlaneByEndpoint, 'fetch-batch')), ''],
    ['… gateway calls (writes); Kubernetes calls (writes)', `${i.calls.gatewayCalls} (${i.calls.gatewayWrites}); ${i.calls.kubeCalls} (${i.calls.kubeWrites})`, ''],
    ['… APIGateway syncs (each a control-plane probe and a gateway probe)', `${i.calls.apiGatewaySyncs}`, ''],
    [`${sum(c.changes)} changes while the control plane was down: reflected`, `${c.reflected}/${sum(c.changes)} (${c.changes.deployed} new, ${c.changes.redeployed} redeployed, ${c.changes.undeployed} undeployed, ${c.changes.deleted} deleted)`, 'gateway 0 until restarted (#1495)'],
    ['… control plane back → reconnected / → converged', `${c.reconnectedSeconds} / ${c.convergedSeconds} s (down ${c.outageSeconds} s)`, 'gateway: never'],
    ['… fetch-batch calls; acks applied (re-acks discarded); APIGateway syncs', `${c.calls.fetchBatch}; ${c.acks.applied} (${c.acks.discarded}); ${c.calls.apiGatewaySyncs}`, ''],
    step(`first sync (token requests: ${b.firstSync.tokenRequests} for ${b.apis} APIs)`, b.firstSync, 'gateway 2 = token + import (no lookup)'),
    step('no-op resync', b.resync, 'gateway: none (never re-checks APIM)'),
    step('update', b.update, 'gateway 3 = token + GET swagger + import'),
    step('deletion', b.deletion, 'gateway 2 = token + undeploy (API kept)'),
    [`bottom-up ${b.apis} APIs: first sync / resync / update / deletion`, `${b.firstSync.seconds} / ${b.resync.seconds} / ${b.update.seconds} / ${b.deletion.seconds} s`, ''],
    ['requests outside the published contracts', `${violations}`, '0'],
  ];
}

const without = (m: Record<string, number>, part: string) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.includes(part)));
