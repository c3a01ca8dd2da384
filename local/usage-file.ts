import { appendFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { UsageRecord, UsageSink } from '../shared/engine/usage-record.ts';

/** Where `npm start` writes usage records and `apim-sync usage` reads them: APIM_SYNC_USAGE_FILE, else the OS temp dir. */
export function usageFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.APIM_SYNC_USAGE_FILE || join(tmpdir(), 'apim-sync', 'usage.jsonl');
}

/**
 * Usage records as JSON lines, appended one invocation at a time (one write, so concurrent invocations and other
 * processes sharing the file never interleave inside a line). Writes are chained; `flushed()` waits for them.
 */
export function usageFile(path: string, onError: (err: Error) => void): UsageSink & { flushed(): Promise<void> } {
  let pending: Promise<void> = mkdir(dirname(path), { recursive: true }).then(() => {});
  return {
    write(records: UsageRecord[]) {
      if (records.length === 0) return;
      const lines = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      pending = pending.then(() => appendFile(path, lines)).catch((err: Error) => onError(err));
    },
    flushed: () => pending,
  };
}
