import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KindCatalog } from '../shared/engine/kind-catalog.ts';
import { formatIssues } from '../shared/engine/spec-validation.ts';
import { notSyncedBecause } from '../vendors/not-synced.ts';
import { syncKinds } from '../vendors/sync-kinds.ts';

export interface Finding {
  file: string;
  resource: string;
  problems: string[];
}

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => yamlFiles(join(path, f)))
    .filter((f) => /\.ya?ml$/.test(f));
}

/** Checks resources offline against apim-sync's schemas: the same checks the sync function makes before any call. */
export function validatePaths(paths: string[]): { checked: number; findings: Finding[]; notSynced: Finding[] } {
  const kinds = new KindCatalog(syncKinds);
  const findings: Finding[] = [];
  const notSynced: Finding[] = [];
  let checked = 0;
  for (const file of paths.flatMap(yamlFiles)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length) {
        findings.push({ file, resource: '(document)', problems: doc.errors.map((e) => e.message) });
        continue;
      }
      const obj = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: unknown } | null;
      if (!obj || !obj.kind || !obj.apiVersion) continue;
      const kind = kinds.get(obj.apiVersion, obj.kind);
      const resource = `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '(no name)'}`;
      if (!kind) {
        const why = notSyncedBecause(obj.apiVersion, obj.kind);
        if (why) notSynced.push({ file, resource, problems: [`not synced by apim-sync: ${why}`] });
        continue;
      }
      checked++;
      const problems: string[] = [];
      if (!obj.metadata?.name) problems.push('metadata.name: Required');
      const r = kind.schema.safeParse(obj.spec ?? {});
      if (!r.success) problems.push(...formatIssues(r.error.issues).split('; '));
      if (problems.length) findings.push({ file, resource, problems });
    }
  }
  return { checked, findings, notSynced };
}
