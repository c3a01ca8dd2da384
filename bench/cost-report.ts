import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { usageCommand } from '../cli/usage.ts';
import { costOfUsageFile, costRows } from './cost.ts';

/** The usage file of one bench scenario (a file of the bench's own, never npm start's), emptied for a new run. */
export async function benchUsageFile(scenario: string): Promise<string> {
  const path = benchUsageFile.pathOf(scenario);
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  return path;
}
benchUsageFile.pathOf = (scenario: string) => join(tmpdir(), 'apim-sync', `usage-bench-${scenario}.jsonl`);

type Table = (title: string, rows: [string, string, string][]) => void;

/** Prints the cost per million syncs of a scenario's usage records, then `apim-sync usage --file <that file>` as the CLI prints it. */
export function costReport(title: string, file: string, table: Table, out: (line: string) => void = console.log): void {
  if (!existsSync(file)) return out(`${title}: no usage records at ${file}\n`);
  table(`Cost per million syncs: ${title} (usage records of ${file}; last column: an always-on operator pod per cluster)`, costRows(costOfUsageFile(file)));
  out(`$ apim-sync usage --file ${file}`);
  usageCommand(['--file', file], out, out);
  out('');
}
