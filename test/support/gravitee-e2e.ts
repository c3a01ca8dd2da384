import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { startSyncPlane, type SyncPlane, type SyncPlaneOptions } from '../../local/sync-plane.ts';
import { jsonLogger } from '../../shared/log.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';
import { waitFor } from './wait.ts';

export const GRAVITEE = 'gravitee.io/v1alpha1';
export const ADMIN = { username: 'admin', password: 'admin-password-7f3a' };
export const TOKEN = 'bearer-token-0c9e4d1b';

/** One end-to-end world: a cluster, the Gravitee emulator, and the sync plane watching the test namespace. */
export interface GraviteeWorld {
  cluster: ClusterUnderTest;
  apim: GraviteeEmulator;
  plane: SyncPlane;
  ns: string;
  logs: string[];
  apply(obj: Record<string, unknown>): Promise<KubeObject>;
  get(kind: string, name: string, apiVersion?: string): Promise<KubeObject | undefined>;
  remove(kind: string, name: string, apiVersion?: string): Promise<void>;
  waitForCondition(kind: string, name: string, type: string, status: 'True' | 'False', opts?: { reason?: string; generation?: boolean }): Promise<KubeObject>;
  waitForGone(kind: string, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startGraviteeWorld(opts: Partial<SyncPlaneOptions> = {}): Promise<GraviteeWorld> {
  const cluster = await startClusterUnderTest();
  const apim = await startGraviteeEmulator({ organizations: { acme: ['dev', 'staging'], DEFAULT: ['DEFAULT'] }, users: [ADMIN], tokens: [TOKEN], pathPrefixes: ['/custom'] });
  const logs: string[] = [];
  const plane = await startSyncPlane({
    kubeConfig: cluster.kubeConfig,
    namespaces: [cluster.namespace],
    allowLoopback: true,
    retry: { baseSeconds: 1, maxSeconds: 2, referenceAttempts: 3 },
    log: jsonLogger({ level: 'DEBUG', sink: (l) => logs.push(l) }),
    ...opts,
  });
  const ns = cluster.namespace;
  const get = async (kind: string, name: string, apiVersion = GRAVITEE) => {
    try {
      return (await cluster.objects.read({ apiVersion, kind, metadata: { name, namespace: ns } })) as KubeObject;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  return {
    cluster,
    apim,
    plane,
    ns,
    logs,
    get,
    async apply(obj) {
      const o = { ...obj, metadata: { namespace: ns, ...(obj.metadata as object) } } as KubernetesObject & { metadata: { name: string } };
      const existing = await get(o.kind ?? '', o.metadata.name, o.apiVersion);
      if (!existing) return (await cluster.objects.create(o)) as KubeObject;
      return (await cluster.objects.patch(o, undefined, undefined, 'apim-sync-e2e', undefined, PatchStrategy.MergePatch)) as KubeObject;
    },
    async remove(kind, name, apiVersion = GRAVITEE) {
      await cluster.objects.delete({ apiVersion, kind, metadata: { name, namespace: ns } }).catch((err) => {
        if ((err as { code?: number }).code !== 404) throw err;
      });
    },
    waitForCondition(kind, name, type, status, o = {}) {
      return waitFor(`${kind} ${name} ${type}=${status}${o.reason ? ` (${o.reason})` : ''}`, async () => {
        const obj = await get(kind, name);
        const c = (obj?.status?.conditions as { type: string; status: string; reason: string; observedGeneration?: number }[] | undefined)?.find((x) => x.type === type);
        if (!obj || !c || c.status !== status || (o.reason && c.reason !== o.reason)) return undefined;
        if (o.generation !== false && c.observedGeneration !== obj.metadata.generation) return undefined;
        return obj;
      });
    },
    async waitForGone(kind, name) {
      await waitFor(`${kind} ${name} gone`, async () => !(await get(kind, name)));
    },
    async close() {
      await plane.stop();
      await apim.close();
      await cluster.close();
    },
  };
}

/** A Secret with string data (applied as stringData, read back base64 like a real API server). */
export function secret(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data };
}

export function managementContext(name: string, apimUrl: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: GRAVITEE, kind: 'ManagementContext', metadata: { name }, spec: { baseUrl: apimUrl, organizationId: 'acme', environmentId: 'dev', auth, ...extra } };
}

export function apiV4(name: string, context: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: GRAVITEE,
    kind: 'ApiV4Definition',
    metadata: { name },
    spec: {
      name,
      version: '1.0',
      description: 'e2e',
      contextRef: { name: context },
      type: 'PROXY',
      state: 'STARTED',
      listeners: [{ type: 'HTTP', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }],
      endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'default', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'https://api.gravitee.io/echo' }, secondary: false }] }],
      plans: { KeyLess: { name: 'Free plan', description: 'keyless', security: { type: 'KEY_LESS' } } },
      ...extra,
    },
  };
}

export function application(name: string, context: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: GRAVITEE,
    kind: 'Application',
    metadata: { name },
    spec: { name, description: 'e2e app', contextRef: { name: context }, settings: { app: { type: 'WEB' } }, ...extra },
  };
}

export function apiV2(name: string, context: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: GRAVITEE,
    kind: 'ApiDefinition',
    metadata: { name },
    spec: {
      name,
      version: '1.0',
      description: 'e2e v2',
      contextRef: { name: context },
      local: false,
      proxy: { virtual_hosts: [{ path: `/${name}` }], groups: [{ endpoints: [{ name: 'default', target: 'https://api.gravitee.io/echo' }] }] },
      plans: [{ name: 'free', description: 'keyless', security: 'KEY_LESS' }],
      ...extra,
    },
  };
}
