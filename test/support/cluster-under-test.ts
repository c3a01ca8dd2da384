import { readFileSync } from 'node:fs';
import { crdFiles } from '../../local/crd-files.ts';
import { randomBytes } from 'node:crypto';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
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

async function installCrds(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const file of crdFiles()) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as KubernetesObject & { metadata: { name: string } };
      if (!crd) continue;
      await api
        .patchCustomResourceDefinition(
          { name: crd.metadata.name, body: crd, fieldManager: 'apim-sync-e2e', force: true },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        )
        .catch(async () => api.createCustomResourceDefinition({ body: crd as never }));
      await waitFor(`CRD ${crd.metadata.name} established`, async () => {
        const got = await api.readCustomResourceDefinition({ name: crd.metadata.name });
        return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
    }
  }
}
