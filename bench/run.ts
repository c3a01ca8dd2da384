import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { benchGravitee, type GraviteeBenchResult } from './gravitee-apply.ts';
import { benchGraviteeMix, type GraviteeMixResult } from './gravitee-mix.ts';
import { measureSyncFunction } from './sync-function-bundle.ts';
import { benchThreescale } from './threescale-apply.ts';
import { threescaleRows } from './threescale-report.ts';
import { benchWatcherRss } from './watcher-rss.ts';
import { benchWso2 } from './wso2-bench.ts';
import { wso2Rows } from './wso2-report.ts';
import { benchChaos, CHAOS_DEFAULTS, type ChaosResult } from './chaos.ts';
import { chaosRows } from './chaos-report.ts';
import { benchUsageFile, costReport } from './cost-report.ts';
import { benchFairness, fairnessRows, type FairnessResult } from './fairness.ts';
import { costOfUsageFile } from './cost.ts';

/**
 * `npm run bench [-- --scenario gravitee|3scale|wso2|footprint|chaos|cost|fairness … --count 1000 --mixed-sets 200 --products 200 --latency 20
 * --watched-objects 10000 --unreferenced-secrets 2000 --objects 1000 --deadline 900 --max-receive-count N --visibility-timeout S --usage-file F --json]`:
 * prints the figures docs/benchmarks.md records. Without `--scenario`, the first four run (chaos, cost and fairness only when
 * named; fairness: --fairness-objects 10000 --resync-per-second 1000 --resync-concurrency 2 --fairness-spacing-ms 250).
 * Each scenario's syncs write their usage records to a file of the bench's own; gravitee, 3scale, wso2 and chaos end
 * with their cost per million syncs and the `apim-sync usage` report of that file; `cost` prices a given `--usage-file`.
 */
const SCENARIOS = ['gravitee', '3scale', 'wso2', 'footprint'] as const;
const NAMED_ONLY = ['chaos', 'cost', 'fairness'] as const;
const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    count: { type: 'string', default: '1000' },
    'mixed-sets': { type: 'string', default: '200' },
    products: { type: 'string', default: '200' },
    latency: { type: 'string', default: '20' },
    singles: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '8' },
    'watched-objects': { type: 'string', default: '10000' },
    'unreferenced-secrets': { type: 'string', default: '2000' },
    restapis: { type: 'string', default: '500' },
    deployments: { type: 'string', default: '1000' },
    changes: { type: 'string', default: '100' },
    'bottom-up': { type: 'string', default: '50' },
    objects: { type: 'string', default: '1000' },
    // fairness: cluster B's objects, resynced while A's single changes are measured; B's resync pace; runners per queue.
    'fairness-objects': { type: 'string', default: '10000' },
    'fairness-spacing-ms': { type: 'string', default: '250' },
    'resync-per-second': { type: 'string', default: '1000' },
    'resync-concurrency': { type: 'string', default: '2' },
    'max-receive-count': { type: 'string' },
    'visibility-timeout': { type: 'string' },
    deadline: { type: 'string', default: String(CHAOS_DEFAULTS.deadlineSeconds) },
    'usage-file': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const scenarios = new Set(values.scenario?.length ? values.scenario : SCENARIOS);
for (const s of scenarios) if (![...SCENARIOS, ...NAMED_ONLY].includes(s as never)) throw new Error(`unknown scenario "${s}"; one of ${[...SCENARIOS, ...NAMED_ONLY].join(', ')}`);

const started = performance.now();
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
// Each scenario's planes write their usage records to a file of the bench's own (emptied first), priced at its end.
const usageOf = async <T>(scenario: string, run: () => Promise<T>): Promise<T> => {
  process.env.APIM_SYNC_USAGE_FILE = await benchUsageFile(scenario);
  return run();
};
const gravitee = scenarios.has('gravitee') ? await usageOf('gravitee', () => benchGravitee({ count: Number(values.count), latencyMs, singles: Number(values.singles), concurrency })) : undefined;
const graviteeMix = scenarios.has('gravitee') ? await benchGraviteeMix({ sets: Number(values['mixed-sets']), latencyMs, concurrency }) : undefined;
const threescale = scenarios.has('3scale')
  ? await usageOf('3scale', () => benchThreescale({ products: Number(values.products), latencyMs, singles: Number(values.singles), concurrency }))
  : undefined;
const wso2 = scenarios.has('wso2')
  ? await usageOf('wso2', () => benchWso2({
      restApis: Number(values.restapis),
      singles: Number(values.singles),
      deployments: Number(values.deployments),
      changes: Number(values.changes),
      bottomUpApis: Number(values['bottom-up']),
      latencyMs,
      concurrency,
    }))
  : undefined;
const watcher = scenarios.has('footprint') ? await benchWatcherRss(Number(values['watched-objects']), Number(values['unreferenced-secrets'])) : undefined;
const fn = scenarios.has('footprint') ? await measureSyncFunction() : undefined;
const chaos: ChaosResult | undefined = scenarios.has('chaos')
  ? await benchChaos({
      ...CHAOS_DEFAULTS,
      objects: Number(values.objects),
      deadlineSeconds: Number(values.deadline),
      latencyMs,
      concurrency,
      usageFile: await benchUsageFile('chaos'),
      ...(values['max-receive-count'] ? { maxReceiveCount: Number(values['max-receive-count']) } : {}),
      ...(values['visibility-timeout'] ? { visibilityTimeoutSeconds: Number(values['visibility-timeout']) } : {}),
    })
  : undefined;
const fairness: FairnessResult | undefined = scenarios.has('fairness')
  ? await benchFairness({
      objects: Number(values['fairness-objects']),
      singles: Number(values.singles),
      spacingMs: Number(values['fairness-spacing-ms']),
      latencyMs,
      concurrency,
      resyncConcurrency: Number(values['resync-concurrency']),
      resyncPerSecond: Number(values['resync-per-second']),
    })
  : undefined;
const seconds = Math.round((performance.now() - started) / 1000);
const result = { machine, emulatorLatencyMs: latencyMs, seconds, gravitee, graviteeMix, threescale, wso2, watcher, syncFunction: fn, chaos, fairness };
// The cost of what each scenario synced, from its usage file (`--scenario cost --usage-file F`: any file).
const costed = [
  ...(['gravitee', '3scale', 'wso2', 'chaos'] as const).filter((s) => scenarios.has(s)).map((s) => ({ title: s, file: benchUsageFile.pathOf(s) })),
  ...(scenarios.has('cost') ? [{ title: 'cost', file: values['usage-file'] ?? benchUsageFile.pathOf('chaos') }] : []),
];

if (values.json) {
  console.log(JSON.stringify({ ...result, costs: costed.map((c) => ({ scenario: c.title, file: c.file, perVendor: existsSync(c.file) ? costOfUsageFile(c.file) : [] })) }, null, 2));
} else {
  console.log(`apim-sync benchmark — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; emulator latency ${latencyMs} ms; ${seconds} s\n`);
  if (gravitee) table('Gravitee', graviteeRows(gravitee));
  if (graviteeMix) table(`Gravitee, mixed kinds (last column: GKO's APIM calls per apply)`, graviteeMixRows(graviteeMix));
  if (threescale) table('3scale', threescaleRows(threescale));
  if (wso2) table('WSO2 API Platform (last column: the anchor, wso2/api-platform@1c23c350)', wso2Rows(wso2));
  if (watcher && fn) {
    const secrets = watcher.unreferencedSecrets;
    const withSecrets: [string, string, string][] = secrets
      ? [[`… and ${secrets.count} unreferenced Secrets of ${secrets.kb} KB: RSS (peak), received`, 'failed' in secrets ? `failed: ${secrets.failed}` : `${secrets.rssMb} MB (${secrets.peakMb} MB), ${secrets.receivedMb} MB`, 'as without them']]
      : [];
    table('Footprint', [
      [`watcher RSS with ${watcher.objects} objects (peak)`, `${watcher.rssMb} MB (${watcher.peakMb} MB)`, '≤ 64 MB'],
      ['… bytes received until ready', `${watcher.receivedMb} MB`, ''],
      ...withSecrets,
      ['sync function zipped / bundle', `${(fn.zippedBytes / 1024).toFixed(0)} KiB / ${(fn.bundleBytes / 1024).toFixed(0)} KiB`, '≤ 1 MB zipped'],
      ['sync function cold import p50 (max)', `${fn.coldImportMs.p50.toFixed(0)} ms (${fn.coldImportMs.max.toFixed(0)} ms)`, '≤ 250 ms'],
    ]);
  }
  if (fairness) table(`Fairness: changes in cluster A while cluster B resyncs ${fairness.options.objects} objects`, fairnessRows(fairness));
  if (chaos) table(`Chaos: ${chaos.clusters} clusters × ${chaos.objects / chaos.clusters} objects, Gravitee and 3scale mixed`, chaosRows(chaos));
  for (const c of costed) costReport(c.title, c.file, table);
}

function graviteeRows(g: GraviteeBenchResult): [string, string, string][] {
  return [
    ['single-object apply→Accepted p50 / p95 / p99', `${g.single.p50} / ${g.single.p95} / ${g.single.p99} ms`, 'p50 ≤ 100 ms, p99 ≤ 300 ms'],
    [`${g.count} at once: apply→Accepted p50 / p95 / p99`, `${g.burst.p50} / ${g.burst.p95} / ${g.burst.p99} ms`, ''],
    [`${g.count} at once: all Accepted`, `${g.burst.allAcceptedSeconds} s`, '≤ 20 s'],
    ['throughput', `${g.burst.throughputPerSecond} syncs/s`, ''],
    ['calls per sync (vendor / Kubernetes)', `${g.burst.vendorCallsPerSync} / ${g.burst.kubeCallsPerSync}`, ''],
    ['no-op resync: calls per sync (vendor / Kubernetes)', `${g.resync.vendorCallsPerSync} / ${g.resync.kubeCallsPerSync}`, ''],
    ['no-op resync: vendor writes / Kubernetes writes', `${g.resync.vendorWrites} / ${g.resync.kubeWrites}`, 'vendor writes = 0'],
    ['no-op resync duration', `${g.resync.seconds} s`, ''],
  ];
}

function graviteeMixRows(m: GraviteeMixResult): [string, string, string][] {
  const rows: [string, string, string][] = [
    [`${m.sets} sets, ${m.objects} objects applied at once, users first: all Accepted`, `${m.allAcceptedSeconds} s`, 'GKO: refused at admission until dependencies exist'],
  ];
  for (const [kind, k] of Object.entries(m.perKind)) {
    rows.push([`${kind}: syncs / APIM calls per object (first sync)`, `${k.syncsPerObject} / ${k.callsPerObject}`, `${k.gkoCallsPerApply}`]);
    rows.push([`${kind}: no-op resync APIM calls per object, writes`, `${k.resyncCallsPerObject}, ${k.resyncWrites}`, '0 (GKO never reads APIM back)']);
  }
  rows.push(['requests outside the published contract', String(m.violations), '0']);
  return rows;
}

function table(title: string, rows: [string, string, string][]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`${title}\n`);
  for (const [k, v, t] of rows) console.log(`${k.padEnd(w0)}  ${v.padEnd(w1)}  ${t}`);
  console.log('');
}
