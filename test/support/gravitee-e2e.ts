import { afterAll, beforeAll, expect } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import type { SyncPlane, SyncPlaneOptions } from '../../local/sync-plane.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';
import { sendPointer } from './send-message.ts';
import { waitFor } from './wait.ts';
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
  /** The HRID apim-sync gives the resource `name` of the test namespace in APIM (`<namespace>-<name>`). */
  hrid(name: string): string;
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
    hrid: (name) => `${ns}-${name}`,
    ...worldObjects(cluster, GRAVITEE),
    async close() {
      await plane.stop();
      await apim.close();
      await cluster.close();
    },
  };
}

/**
 * One world per test file, with the ManagementContext `ctx` (acme/dev, basic credentials from the `apim-admin` Secret)
 * Accepted; `ready` gets it for the file's own setup. Afterwards APIM must have seen no request outside its published
 * contract.
 */
export function useGraviteeWorld(ready: (w: GraviteeWorld) => void | Promise<void>, opts: Partial<SyncPlaneOptions> = {}): void {
  let world: GraviteeWorld | undefined;
  beforeAll(async () => {
    world = await startGraviteeWorld(opts);
    await world.apply(secret('apim-admin', ADMIN));
    await world.apply(managementContext('ctx', world.apim.url, { secretRef: { name: 'apim-admin' } }));
    await world.waitForCondition('ManagementContext', 'ctx', 'Accepted', 'True');
    await ready(world);
  }, 60_000);
  afterAll(async () => {
    const violations = [...(world?.apim.violations ?? [])];
    await world?.close();
    expect(violations).toEqual([]);
  });
}

let resyncs = 0;

/** Sends a resync of `obj` once the queue is quiet, and waits until it was handled (a cause of its own: never deduplicated). */
export async function resyncOnce(w: GraviteeWorld, obj: KubeObject, cause = 'e2e'): Promise<void> {
  await waitFor('queue drained', () => w.plane.drained());
  await sendPointer(w.plane, obj, { reason: 'resync', cause: `${cause}-${++resyncs}` });
  await waitFor('queue drained', () => w.plane.drained());
}

/** APIM writes (calls other than GET) made by one resync of `obj`: none when nothing changed. */
export async function writesOfOneResync(w: GraviteeWorld, obj: KubeObject, cause = 'e2e'): Promise<number> {
  const writes = () => w.apim.calls.filter((call) => call.method !== 'GET').length;
  await waitFor('queue drained', () => w.plane.drained());
  const before = writes();
  await resyncOnce(w, obj, cause);
  return writes() - before;
}

/** A Secret with string data (applied as stringData, read back base64 like a real API server). */
export function secret(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data };
}

export function managementContext(name: string, apimUrl: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { apiVersion: GRAVITEE, kind: 'ManagementContext', metadata: { name }, spec: { baseUrl: apimUrl, organizationId: 'acme', environmentId: 'dev', auth, ...extra } };
}

/** GKO's `dev-ctx`, as its examples name it (DEFAULT/DEFAULT), pointed at `apimUrl` with the emulator's admin. */
export function gkoDevContext(apimUrl: string) {
  return managementContext('dev-ctx', apimUrl, { credentials: ADMIN }, { organizationId: 'DEFAULT', environmentId: 'DEFAULT' });
}

/** Any Gravitee resource of the test namespace: `metadata` merged from `meta` (annotations, labels). */
export function gravitee(kind: string, name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) {
  return { apiVersion: GRAVITEE, kind, metadata: { name, ...meta }, spec };
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

/** A next-gen Portal of the context `ctx`, with no navigation. */
export function portal(name: string, extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return gravitee('Portal', name, { contextRef: { name: 'ctx' }, name: `Portal ${name}`, ...extra }, meta);
}

/** A Group of the context `ctx` named as the resource, without members. */
export function group(name: string, extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return gravitee('Group', name, { contextRef: { name: 'ctx' }, name, notifyMembers: false, members: [], ...extra }, meta);
}
