import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export type Manifest = KubernetesObject & { metadata: { name: string; namespace?: string } };

/** Every object in the YAML files under `path`, in file order (a numeric prefix orders dependencies). */
export function readManifests(path: string): Manifest[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f))
    : [path];
  return files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as Manifest)).filter((o) => o?.kind);
}

/** `kubectl apply` for our purposes: create, or merge-patch what exists. */
export async function applyManifests(kc: KubeConfig, manifests: Manifest[]): Promise<Manifest[]> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const applied: Manifest[] = [];
  for (const m of manifests) {
    try {
      applied.push((await api.create(m)) as Manifest);
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      applied.push((await api.patch(m, undefined, undefined, 'apim-sync', undefined, PatchStrategy.MergePatch)) as Manifest);
    }
  }
  return applied;
}
