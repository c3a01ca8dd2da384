import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, expect } from 'vitest';
import { startWso2GatewayController, type Wso2GatewayController, type Wso2GatewayControllerOptions } from '../../emulators/wso2/gateway-controller/index.ts';
import type { SyncPlane, SyncPlaneOptions } from '../../local/sync-plane.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { ANNOTATIONS } from '../../vendors/wso2/gateway/config.ts';
import { WSO2_API_VERSION } from '../../vendors/wso2/resource-types.ts';
import { startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';
import { startWorldPlane, worldObjects, type WorldObjects } from './world-objects.ts';
import { waitFor } from './wait.ts';

export const WSO2 = WSO2_API_VERSION;
/** The APIGateway every world starts with, pointed at the gateway emulator. */
export const GATEWAY = 'e2e-gateway';

/**
 * One end-to-end world for WSO2: a cluster, the gateway controller emulator, the sync plane watching the test
 * namespace, and an APIGateway named GATEWAY whose management URL is the emulator's (admin/admin, the chart's
 * default user, unless the gateway options say otherwise). Other worlds (top-down, bottom-up) start it with their
 * own options and add their emulators.
 */
export interface Wso2World extends WorldObjects {
  cluster: ClusterUnderTest;
  gateway: Wso2GatewayController;
  plane: SyncPlane;
  ns: string;
  logs: string[];
  /** How many management API calls of `method` (any when omitted) the emulator answered since `from`. */
  gatewayCalls(from?: number, method?: string): number;
  /** The gateway's writes (POST, PUT, DELETE) since `from` (an index into gateway.calls). */
  gatewayWrites(from?: number): { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

export interface Wso2WorldOptions {
  sync?: Partial<SyncPlaneOptions>;
  gateway?: Wso2GatewayControllerOptions;
  /** The default APIGateway's spec and metadata (false: none is applied). */
  apiGateway?: false | { spec?: Record<string, unknown>; annotations?: Record<string, string> };
}

export async function startWso2World(opts: Wso2WorldOptions = {}): Promise<Wso2World> {
  const cluster = await startClusterUnderTest();
  const gateway = await startWso2GatewayController({ policies: 'any', ...opts.gateway });
  const logs: string[] = [];
  const plane = await startWorldPlane(cluster, logs, opts.sync ?? {});
  const world: Wso2World = {
    cluster,
    gateway,
    plane,
    ns: cluster.namespace,
    logs,
    ...worldObjects(cluster, WSO2),
    gatewayCalls: (from = 0, method) => gateway.calls.slice(from).filter((c) => !method || c.method === method).length,
    gatewayWrites: (from = 0) => gateway.calls.slice(from).filter((c) => c.method !== 'GET'),
    async close() {
      await plane.stop();
      await gateway.close();
      await cluster.close();
    },
  };
  if (opts.apiGateway !== false) {
    await world.apply(apiGateway(GATEWAY, gateway.url, opts.apiGateway ?? {}));
    await world.waitForCondition('APIGateway', GATEWAY, 'Ready', 'True');
  }
  return world;
}

/**
 * One world per test file; `ready` gets it for the file's own setup. Afterwards the emulator must have seen no
 * request outside the management API's published contract.
 */
export function useWso2World(ready: (w: Wso2World) => void | Promise<void>, opts: Wso2WorldOptions = {}): void {
  let world: Wso2World | undefined;
  beforeAll(async () => {
    world = await startWso2World(opts);
    await ready(world);
  }, 60_000);
  afterAll(async () => {
    expect(world?.gateway.violations() ?? []).toEqual([]);
    await world?.close();
  });
}

/**
 * An APIGateway reaching its gateway at `url` (`apim-sync.io/management-url`). It selects the resources of its own
 * namespace (scope Namespaced), so worlds sharing a real cluster never select each other's resources.
 */
export function apiGateway(name: string, url: string, extra: { spec?: Record<string, unknown>; annotations?: Record<string, string>; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: WSO2,
    kind: 'APIGateway',
    metadata: { name, annotations: { [ANNOTATIONS.managementUrl]: url, ...extra.annotations }, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: { apiSelector: { scope: 'Namespaced' }, ...extra.spec },
  };
}

/** A WSO2 resource of `kind` with `spec` (and optional metadata). */
export function wso2(kind: string, name: string, spec: Record<string, unknown>, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) {
  return { apiVersion: WSO2, kind, metadata: { name, ...metadata }, spec };
}

/** The operator sample's RestApi shape, with a context of its own. */
export function restApi(name: string, spec: Record<string, unknown> = {}, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) {
  return wso2('RestApi', name, { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend.example:8080/api' } }, operations: [{ method: 'GET', path: '/info' }], ...spec }, metadata);
}

/** A Secret with string data. */
export function secret(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data };
}

/** The kinds of the operator's examples that apim-sync syncs or reads; Deployments, Services and Namespaces are the demo's own. */
const OURS = new Set(['APIGateway', 'RestApi', 'ApiKey', 'SubscriptionPlan', 'Subscription', 'Certificate', 'ManagedSecret', 'LlmProviderTemplate', 'LlmProvider', 'LlmProxy', 'Mcp', 'Secret', 'ConfigMap']);

/**
 * The documents of one of the operator's example files (test/e2e/fixtures/wso2-operator/…), unchanged but for their
 * namespace (the world's) and the kinds that are not apim-sync's (skipped).
 */
export function operatorExample(file: string): (KubeObject & Record<string, unknown>)[] {
  const text = readFileSync(join(import.meta.dirname, '../e2e/fixtures/wso2-operator', file), 'utf8');
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => Boolean(o?.kind) && OURS.has(o!.kind))
    .map((o) => {
      const { namespace: _ns, ...metadata } = o.metadata;
      return { ...o, metadata } as KubeObject & Record<string, unknown>;
    });
}

/** Waits until the queue has nothing left: every sync, retry and cascade is done. */
export function drained(w: Wso2World): Promise<boolean> {
  return waitFor('queue drained', () => w.plane.drained());
}
