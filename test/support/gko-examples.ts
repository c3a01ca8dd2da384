/** GKO's published examples, copied unchanged into `test/e2e/fixtures/gko/`, read as a user's `kubectl apply` would. */
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../shared/kube/object-ref.ts';

/** A resource of an example, as written: its metadata as Kubernetes has it, the rest as GKO wrote it. */
export type GkoExample = Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'> & Record<string, any>;

const FIXTURES = new URL('../e2e/fixtures/gko/', import.meta.url);

/** Every resource of an example file (`apim/group/group.yml`), empty documents left out. */
export function gkoDocuments(path: string): GkoExample[] {
  return parseAllDocuments(readFileSync(new URL(path, FIXTURES), 'utf8'))
    .map((d) => d.toJS() as GkoExample | null)
    .filter((d): d is GkoExample => Boolean(d));
}

/** The resource of a single-resource example file. */
export function gkoExample(path: string): GkoExample {
  const [doc, ...more] = gkoDocuments(path);
  if (!doc || more.length) throw new Error(`${path}: expected one resource, found ${more.length + (doc ? 1 : 0)}`);
  return doc;
}

/** The example files of a folder (`apim/dictionary`), as paths the functions above take. */
export function gkoExampleFiles(dir: string): string[] {
  return readdirSync(new URL(`${dir}/`, FIXTURES))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${dir}/${f}`);
}

/** GKO's JWT use case subscribes until 2026-12-31: from a minute before, apim-sync (as GKO) refuses to create it. */
export const jwtUseCaseExpired = (now = Date.now()): boolean => now >= Date.parse('2026-12-31T00:00:00Z') - 60_000;
