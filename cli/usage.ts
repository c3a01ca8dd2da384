import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { usageFilePath } from '../local/usage-file.ts';
import { DEPLOYED, PRICES, type Architecture } from './usage-prices.ts';
import { failingClusterLines, failingClusters, parseSince, readUsageFile, summarise, type UsageRow } from './usage-summary.ts';

export const USAGE_HELP = `apim-sync usage [--since 7d|24h|30m|ISO-DATE] [--file F] [--memory MB] [--arch arm64|x86_64] [--json]
  Syncs, vendor and Kubernetes calls, billed duration and cost per cluster and namespace, from the usage records
  npm start writes (default file: APIM_SYNC_USAGE_FILE, else ${usageFilePath({})}), or records exported from the
  function's EMF logs as JSON lines. Memory and architecture default to serverless.yml's (${DEPLOYED.memoryMb} MB, ${DEPLOYED.architecture}).`;

/** `apim-sync usage`: prints the summary; 2 on bad arguments or a missing file. */
export function usageCommand(args: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error, now = new Date()): number {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { since: { type: 'string' }, file: { type: 'string', short: 'f' }, memory: { type: 'string' }, arch: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE_HELP}`);
    return 2;
  }
  const memoryMb = values.memory === undefined ? DEPLOYED.memoryMb : Number(values.memory);
  const architecture = (values.arch ?? DEPLOYED.architecture) as Architecture;
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) return fail(err, `--memory ${values.memory}: Lambda takes 128 to 10240 MB`);
  if (!(architecture in PRICES.lambdaGbSecond)) return fail(err, `--arch ${values.arch}: expected arm64 or x86_64`);
  let since: Date | undefined;
  try {
    since = values.since === undefined ? undefined : parseSince(values.since, now);
  } catch (e) {
    return fail(err, (e as Error).message);
  }
  const file = values.file ?? usageFilePath();
  if (!existsSync(file)) return fail(err, `no usage records at ${file} (npm start writes them; --file names another file)`);
  const { records, skipped } = readUsageFile(file);
  if (skipped) err(`${skipped} line(s) of ${file} are no usage record; skipped`);
  const rows = summarise(records, { memoryMb, architecture }, since);
  const failing = failingClusters(records, since);
  if (values.json) {
    out(JSON.stringify({ file, since: since?.toISOString(), memoryMb, architecture, prices: PRICES, rows, failingClusters: failing }, null, 2));
    return 0;
  }
  out(`usage from ${file}${since ? ` since ${since.toISOString()}` : ''}; Lambda ${architecture} ${memoryMb} MB; ${PRICES.region} list prices of ${PRICES.recorded}`);
  out(table(rows));
  for (const line of failingClusterLines(failing)) out(line);
  return 0;
}

function table(rows: UsageRow[]): string {
  const total = rows.reduce<UsageRow>(
    (t, r) => ({ ...t, syncs: t.syncs + r.syncs, failed: t.failed + r.failed, vendorCalls: t.vendorCalls + r.vendorCalls, kubernetesCalls: t.kubernetesCalls + r.kubernetesCalls, billedMs: t.billedMs + r.billedMs, lambdaRequests: t.lambdaRequests + r.lambdaRequests, sqsRequests: t.sqsRequests + r.sqsRequests, lambdaUsd: t.lambdaUsd + r.lambdaUsd, sqsUsd: t.sqsUsd + r.sqsUsd }),
    { cluster: 'total', namespace: '', syncs: 0, failed: 0, vendorCalls: 0, kubernetesCalls: 0, billedMs: 0, lambdaRequests: 0, sqsRequests: 0, lambdaUsd: 0, sqsUsd: 0 },
  );
  const header = ['CLUSTER', 'NAMESPACE', 'SYNCS', 'FAILED', 'VENDOR CALLS', 'KUBE CALLS', 'BILLED MS', 'LAMBDA $', 'SQS $', 'TOTAL $', '$ / 1M SYNCS'];
  const cells = [...rows, total].map((r) => [
    r.cluster,
    r.namespace,
    String(r.syncs),
    String(r.failed),
    String(r.vendorCalls),
    String(r.kubernetesCalls),
    r.billedMs.toFixed(0),
    usd(r.lambdaUsd),
    usd(r.sqsUsd),
    usd(r.lambdaUsd + r.sqsUsd),
    r.syncs ? ((r.lambdaUsd + r.sqsUsd) * 1_000_000 / r.syncs).toFixed(2) : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells].map((c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** Fractions of a cent matter here: a sync costs micro-dollars. */
const usd = (n: number) => n.toFixed(6);

function fail(err: (line: string) => void, problem: string): number {
  err(`${problem}\n\n${USAGE_HELP}`);
  return 2;
}
