import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import type { SyncPlane, SyncPlaneOptions } from '../../local/sync-plane.ts';
import { startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';
import { startWorldPlane, worldObjects, type WorldObjects } from './world-objects.ts';

export const GRAVITEE = 'gravitee.io/v1alpha1';
export const ADMIN = { username: 'admin', password: 'admin-password-7f3a' };
export const TOKEN = 'bearer-token-0c9e4d1b';

/** One end-to-end world: a cluster, the Gravitee emulator, and the sync plane watching the test namespace. */
export interface GraviteeWorld extends WorldObjects {
  cluster: ClusterUnderTest;
  apim: GraviteeEmulator;
  plane: SyncPlane;
  ns: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startGraviteeWorld(opts: Partial<SyncPlaneOptions> = {}): Promise<GraviteeWorld> {
  const cluster = await startClusterUnderTest();
  const apim = await startGraviteeEmulator({ organizations: { acme: ['dev', 'staging'], DEFAULT: ['DEFAULT'] }, users: [ADMIN], tokens: [TOKEN], pathPrefixes: ['/custom'] });
  const logs: string[] = [];
  const plane = await startWorldPlane(cluster, logs, opts);
  const ns = cluster.namespace;
  return {
    cluster,
    apim,
    plane,
    ns,
    logs,
    ...worldObjects(cluster, GRAVITEE),
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
