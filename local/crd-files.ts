import { readdirSync } from 'node:fs';

const CRD_DIR = new URL('../infra/crds/', import.meta.url);

/** Our CRDs (infra/crds), installed into the test server, the sandbox and, for e2e runs, a real cluster. */
export function crdFiles(): string[] {
  return readdirSync(CRD_DIR)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('kustomization'))
    .sort()
    .map((f) => new URL(f, CRD_DIR).pathname);
}
