// npm run package [-- --json] [-- --no-network] [-- <osls options: --stage prod --region eu-central-1 ...>]
//
// Packages the sync function with `osls package` (serverless-esbuild) offline, with no cloud credentials, bundles
// the watcher into dist/watcher.mjs, and prints each artifact's size. Deploy the result with
// `npx osls deploy --package .serverless --stage <stage> --region <region>` (that step needs credentials).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { buildWatcher, type WatcherBuild } from './build-watcher.ts';

/** AWS Lambda takes 50 MB zipped; we aim far lower, for cold starts. */
export const ZIP_TARGET_BYTES = 1024 * 1024;
export const HANDLER_FILE = 'functions/sync/handler.ts';
const PLACEHOLDER = `// Placeholder written by scripts/package.ts because ${HANDLER_FILE} did not exist; removed after packaging.\nexport const handler = async () => ({ batchItemFailures: [] });\n`;

export interface Artifact {
  name: string;
  file: string;
  zippedBytes: number;
  unzippedBytes: number;
  files: number;
  withinTarget: boolean;
}

export interface PackageReport {
  functions: Artifact[];
  watcher: WatcherBuild;
  placeholderHandler: boolean;
  networkIsolated: boolean;
  ms: number;
}

export interface PackageOptions {
  root: string;
  /** Extra arguments for `osls package` (--stage, --region, --param, --package DIR). */
  oslsArgs?: string[];
  /** Where osls's output goes: the terminal (default), stderr (keeps stdout for --json), or captured and shown on failure. */
  oslsOutput?: 'inherit' | 'stderr' | 'capture';
  /** Run osls in a network namespace with no interface up (Linux `unshare --net`): proves packaging is offline. */
  isolateNetwork?: boolean;
  log?: (line: string) => void;
}

/**
 * The child's environment: any real credential or profile is removed and replaced by an obviously fake static pair,
 * so a variable that needed AWS (${aws:accountId}, ${ssm:...}) fails loudly instead of using someone's session, and
 * the SDK's credential chain never falls through to the instance metadata endpoint.
 */
export function offlineEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^AWS_(PROFILE|DEFAULT_PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN|ROLE_SESSION_NAME|CONTAINER_.+)$/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINEPACKAGING',
    AWS_SECRET_ACCESS_KEY: 'offline-packaging-has-no-credentials',
    AWS_CONFIG_FILE: devNull,
    AWS_SHARED_CREDENTIALS_FILE: devNull,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export function canIsolateNetwork(): boolean {
  return process.platform === 'linux' && spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status === 0;
}

/** Entry count and total uncompressed size, from the zip's central directory. */
export function zipStats(file: string): { files: number; unzippedBytes: number } {
  const buf = readFileSync(file);
  for (let eocd = buf.length - 22; eocd >= Math.max(0, buf.length - 22 - 0xffff); eocd--) {
    if (buf.readUInt32LE(eocd) !== 0x06054b50) continue;
    const files = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    let unzippedBytes = 0;
    for (let i = 0; i < files; i++) {
      if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: corrupt central directory`);
      unzippedBytes += buf.readUInt32LE(p + 24);
      p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    }
    return { files, unzippedBytes };
  }
  throw new Error(`${file} is not a zip archive`);
}

function optionValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

function runOsls(opts: PackageOptions, args: string[]): Promise<void> {
  const bin = join(opts.root, 'node_modules/osls/bin/serverless.js');
  const [cmd, argv] = opts.isolateNetwork ? ['unshare', ['--net', process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  const output = opts.oslsOutput ?? 'inherit';
  const stdio = output === 'capture' ? 'pipe' : output === 'stderr' ? 2 : 'inherit';
  const child = spawn(cmd, argv, { cwd: opts.root, env: offlineEnv(process.env), stdio: ['ignore', stdio, output === 'capture' ? 'pipe' : 'inherit'] });
  let captured = '';
  child.stdout?.on('data', (b: Buffer) => (captured += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (captured += b.toString()));
  return new Promise((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (code === 0) return ok();
      const tail = captured ? `\n${captured.trim().split('\n').slice(-40).join('\n')}` : '';
      fail(new Error(`osls package failed (${signal ?? `exit ${code}`})${tail}`));
    });
  });
}

export async function packageService(opts: PackageOptions): Promise<PackageReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const oslsArgs = opts.oslsArgs ?? [];

  log('› bundling the watcher (watcher/main.ts → dist/watcher.mjs)');
  const watcher = await buildWatcher(opts.root);
  log(watcher.built ? `  ${watcher.file}: ${formatBytes(watcher.bytes)} in ${watcher.ms} ms` : `  skipped: ${watcher.reason}; the watcher image cannot be built until it does`);

  const handler = join(opts.root, HANDLER_FILE);
  let placeholderHandler = false;
  if (!existsSync(handler)) {
    try {
      writeFileSync(handler, PLACEHOLDER, { flag: 'wx' }); // never overwrites: the real handler may appear at any moment
      placeholderHandler = true;
      log(`  ${HANDLER_FILE} does not exist yet: packaging a placeholder (not deployable)`);
    } catch {
      // Created meanwhile: package the real one.
    }
  }

  log(`› osls package${opts.isolateNetwork ? ' in a network namespace with no network' : ''} (offline, no AWS credentials)`);
  try {
    await runOsls(opts, ['package', ...oslsArgs]);
  } finally {
    if (placeholderHandler && readFileSync(handler, 'utf8') === PLACEHOLDER) unlinkSync(handler);
  }

  const outDir = resolve(opts.root, optionValue(oslsArgs, '--package', '-p') ?? '.serverless');
  const functions = readdirSync(outDir)
    .filter((f) => f.endsWith('.zip'))
    .sort()
    .map((f): Artifact => {
      const file = join(outDir, f);
      const zippedBytes = readFileSync(file).length;
      return { name: basename(f, '.zip'), file: relative(opts.root, file), zippedBytes, ...zipStats(file), withinTarget: zippedBytes <= ZIP_TARGET_BYTES };
    });
  return { functions, watcher, placeholderHandler, networkIsolated: !!opts.isolateNetwork, ms: Math.round(performance.now() - started) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function sizeTable(report: PackageReport): string {
  const rows = [['artifact', 'file', 'zipped', 'unzipped', 'files', `target ≤ ${formatBytes(ZIP_TARGET_BYTES)} zipped`]];
  for (const a of report.functions) {
    rows.push([a.name, a.file, formatBytes(a.zippedBytes), formatBytes(a.unzippedBytes), String(a.files), a.withinTarget ? 'ok' : 'OVER TARGET']);
  }
  if (report.watcher.built) rows.push(['watcher', report.watcher.file, '-', formatBytes(report.watcher.bytes), '1', 'n/a (container image)']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

const USAGE = `Usage: npm run package [-- --json] [-- --no-network] [-- <osls package options>]
  --json        print the report as JSON on stdout, osls output on stderr (npm run -s keeps npm's banner out of it)
  --no-network  run osls under 'unshare --net' (Linux, root or user namespaces): fails if anything needs the network
  anything else is passed to 'osls package', e.g. --stage prod --region eu-central-1 --param="maxReceiveCount=3"`;

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const json = args.includes('--json');
  const isolateNetwork = args.includes('--no-network');
  if (isolateNetwork && !canIsolateNetwork()) {
    console.error('--no-network needs Linux `unshare --net` (root or unprivileged user namespaces)');
    process.exit(1);
  }
  const oslsArgs = args.filter((a) => a !== '--json' && a !== '--no-network');
  try {
    const report = await packageService({ root: process.cwd(), oslsArgs, oslsOutput: json ? 'stderr' : 'inherit', isolateNetwork });
    if (json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(`\n${sizeTable(report)}\n`);
      for (const a of report.functions.filter((f) => !f.withinTarget)) console.log(`warning: ${a.name} is ${formatBytes(a.zippedBytes)} zipped, over the ${formatBytes(ZIP_TARGET_BYTES)} target`);
      if (report.placeholderHandler) console.log(`warning: ${HANDLER_FILE} was a placeholder: do not deploy this package`);
      console.log(`packaged in ${(report.ms / 1000).toFixed(1)} s; deploy with: npx osls deploy --package .serverless --stage <stage> --region <region>`);
    }
  } catch (err) {
    console.error(`package failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
