// Bundles the watcher (watcher/main.ts) into one ES module, dist/watcher.mjs, for infra/watcher/Dockerfile.
//   node scripts/build-watcher.ts          (npm run package runs it too)
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

export const WATCHER_ENTRY = 'watcher/main.ts';
export const WATCHER_OUTFILE = 'dist/watcher.mjs';

/** Bundled CommonJS dependencies still call require() for Node builtins; an ES module has none of its own. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export type WatcherBuild = { built: true; file: string; bytes: number; ms: number } | { built: false; reason: string };

/** Everything is bundled (the AWS SDK too: a container has none), minified with names kept for readable logs. */
export async function buildWatcher(root: string): Promise<WatcherBuild> {
  const entry = join(root, WATCHER_ENTRY);
  if (!existsSync(entry)) return { built: false, reason: `${WATCHER_ENTRY} does not exist yet` };
  const outfile = join(root, WATCHER_OUTFILE);
  const started = performance.now();
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    sourcemap: false,
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
  });
  return { built: true, file: relative(root, outfile), bytes: statSync(outfile).size, ms: Math.round(performance.now() - started) };
}

if (import.meta.main) {
  const result = await buildWatcher(process.cwd());
  if (result.built) console.log(`watcher: ${result.file} (${(result.bytes / 1024).toFixed(0)} KiB) in ${result.ms} ms`);
  else console.log(`watcher: skipped, ${result.reason}`);
}
