import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { benchGravitee } from './gravitee-apply.ts';
import { measureSyncFunction } from './sync-function-bundle.ts';
import { benchWatcherRss } from './watcher-rss.ts';

/** `npm run bench [-- --count 1000 --latency 20 --json]`: prints the figures docs/benchmarks.md records. */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    singles: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '8' },
    'watched-objects': { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
  },
});

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
const gravitee = await benchGravitee({ count: Number(values.count), latencyMs: Number(values.latency), singles: Number(values.singles), concurrency: Number(values.concurrency) });
const watcher = await benchWatcherRss(Number(values['watched-objects']));
const fn = await measureSyncFunction();
const result = { machine, gravitee, watcher, syncFunction: fn };

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const rows: [string, string, string][] = [
    ['single-object apply→Accepted p50 / p95 / p99', `${gravitee.single.p50} / ${gravitee.single.p95} / ${gravitee.single.p99} ms`, 'p50 ≤ 100 ms, p99 ≤ 300 ms'],
    [`${gravitee.count} at once: apply→Accepted p50 / p95 / p99`, `${gravitee.burst.p50} / ${gravitee.burst.p95} / ${gravitee.burst.p99} ms`, ''],
    [`${gravitee.count} at once: all Accepted`, `${gravitee.burst.allAcceptedSeconds} s`, '≤ 20 s'],
    ['throughput', `${gravitee.burst.throughputPerSecond} syncs/s`, ''],
    ['calls per sync (vendor / Kubernetes)', `${gravitee.burst.vendorCallsPerSync} / ${gravitee.burst.kubeCallsPerSync}`, ''],
    ['no-op resync: calls per sync (vendor / Kubernetes)', `${gravitee.resync.vendorCallsPerSync} / ${gravitee.resync.kubeCallsPerSync}`, ''],
    ['no-op resync: vendor writes / Kubernetes writes', `${gravitee.resync.vendorWrites} / ${gravitee.resync.kubeWrites}`, 'vendor writes = 0'],
    ['no-op resync duration', `${gravitee.resync.seconds} s`, ''],
    [`watcher RSS with ${watcher.objects} objects (peak)`, `${watcher.rssMb} MB (${watcher.peakMb} MB)`, '≤ 64 MB'],
    ['sync function zipped / bundle', `${(fn.zippedBytes / 1024).toFixed(0)} KiB / ${(fn.bundleBytes / 1024).toFixed(0)} KiB`, '≤ 1 MB zipped'],
    ['sync function cold import p50 (max)', `${fn.coldImportMs.p50.toFixed(0)} ms (${fn.coldImportMs.max.toFixed(0)} ms)`, '≤ 250 ms'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`apim-sync benchmark — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; emulator latency ${gravitee.emulatorLatencyMs} ms\n`);
  for (const [k, v, t] of rows) console.log(`${k.padEnd(w0)}  ${v.padEnd(w1)}  ${t}`);
}
