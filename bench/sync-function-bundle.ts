import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { percentile } from './stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * The sync function as Lambda gets it: bundled like serverless.yml does (ESM, minified, createRequire banner),
 * zipped, and imported cold in fresh Node processes.
 */
export async function measureSyncFunction(runs = 5): Promise<{ zippedBytes: number; bundleBytes: number; coldImportMs: { p50: number; max: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'apim-sync-bundle-'));
  const outfile = join(dir, 'handler.mjs');
  await build({
    entryPoints: [join(ROOT, 'functions/sync/handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    outfile,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const zip = join(dir, 'sync.zip');
  execFileSync('zip', ['-q', '-9', '-j', zip, outfile]);
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [probe], { env: { ...process.env, AWS_REGION: 'us-east-1' } }).toString();
    times.push(Number(out.trim()));
  }
  return { zippedBytes: statSync(zip).size, bundleBytes: statSync(outfile).size, coldImportMs: { p50: percentile(times, 50), max: Math.max(...times) } };
}
