import { ApiException, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from '../../emulators/kube-api-server/index.ts';

// GKO's CRDs as published (copied from ../shared/crds/gravitee), as test fixtures.
export const CRD_DIR = new URL('../fixtures/crds', import.meta.url).pathname;
export const CRD_FILES = [`${CRD_DIR}/gravitee.io_apiv4definitions.yaml`, `${CRD_DIR}/gravitee.io_managementcontexts.yaml`];

export const G = 'gravitee.io';
export const V = 'v1alpha1';
export const APIS = { group: G, version: V, plural: 'apiv4definitions' } as const;
export const CONTEXTS = { group: G, version: V, plural: 'managementcontexts' } as const;
export const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
export const STRATEGIC = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export interface Harness {
  server: KubeApiServer;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export async function startHarness(opts: KubeApiServerOptions = {}): Promise<Harness> {
  const server = await startKubeApiServer({ crdFiles: CRD_FILES, ...opts });
  const kc = server.kubeConfig();
  return { server, custom: kc.makeApiClient(CustomObjectsApi), core: kc.makeApiClient(CoreV1Api), objects: KubernetesObjectApi.makeApiClient(kc) };
}

/** The Status body of a failed call; fails the test if the call succeeded. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: any; kind: string; apiVersion: string; status: string; metadata: unknown }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    // client-node drops the body of some codes (401); the code is still there.
    const body = typeof e.body === 'string' && e.body ? JSON.parse(e.body) : (e.body ?? { code: e.code });
    return body;
  }
  throw new Error('expected the call to fail');
}

/** A ManagementContext as the project's examples write them. */
export function context(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: `${G}/${V}`,
    kind: 'ManagementContext',
    metadata: { name, ...extra },
    spec: { baseUrl: 'http://gravitee:8083', environmentId: 'DEFAULT', organizationId: 'DEFAULT', auth: { bearerToken: 'xyz' } },
  };
}

/** The smallest ApiV4Definition the CRD schema accepts. */
export function apiV4(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: `${G}/${V}`,
    kind: 'ApiV4Definition',
    metadata: { name, ...metadata },
    spec: {
      name: `api ${name}`,
      version: '1.0',
      type: 'PROXY',
      listeners: [{ type: 'HTTP', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy' }] }],
      endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'http://backend' } }] }],
      ...spec,
    },
  };
}

export const ns = (i = 0) => `ns-${process.pid}-${i}`;
