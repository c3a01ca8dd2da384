import { readFileSync } from 'node:fs';
import { crdFiles } from '../../local/crd-files.ts';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { resolveConnection } from '../../shared/kube/connection.ts';
import { KubeHttp } from '../../shared/kube/kube-http.ts';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { waitFor } from './wait.ts';


/**
 * The Kubernetes API the end-to-end tests run against: a real cluster when E2E_KUBECONFIG is set (CRDs from infra/
 * installed, a uniquely named namespace per suite), else the in-process test server.
 */
export interface ClusterUnderTest {
  kubeConfig: KubeConfig;
  namespace: string;
  server: KubeApiServer | undefined;
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  close(): Promise<void>;
}

export async function startClusterUnderTest(): Promise<ClusterUnderTest> {
  let server: KubeApiServer | undefined;
  const kubeConfig = new KubeConfig();
  if (process.env.E2E_KUBECONFIG) {
    kubeConfig.loadFromFile(process.env.E2E_KUBECONFIG);
    await installCrds(kubeConfig);
  } else {
    server = await startKubeApiServer({ crdFiles: crdFiles() });
    kubeConfig.loadFromString(server.kubeconfigYaml());
  }
  const namespace = `e2e-${randomBytes(4).toString('hex')}`;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  return {
    kubeConfig,
    namespace,
    server,
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
    core,
    async close() {
      if (server) return server.close();
      await core.deleteNamespace({ name: namespace }).catch(() => {});
    },
  };
}

/**
 * Installs our CRDs, or brings them up to date, by server-side apply: idempotent, and test files that start together
 * apply the same CRDs without racing (a GET then PUT fails one of them with 409). Raw JSON (valid YAML): client-node's
 * typed models drop the x-kubernetes-* schema keys, which would make a real API server prune the status apim-sync writes.
 */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const http = new KubeHttp(await resolveConnection(kc));
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const file of crdFiles()) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as { metadata: { name: string } } | null;
      if (!crd) continue;
      await http.send('PATCH', `${base}/${crd.metadata.name}`, { fieldManager: 'apim-sync-e2e', force: true }, { json: crd, contentType: 'application/apply-patch+yaml' });
      await waitFor(`CRD ${crd.metadata.name} established`, async () => {
        const got = await http.send<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `${base}/${crd.metadata.name}`);
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
    }
  }
}
