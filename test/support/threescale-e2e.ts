import { afterAll, beforeAll, expect } from 'vitest';
import { startThreescaleEmulator, type ThreescaleEmulator } from '../../emulators/threescale/index.ts';
import type { SyncPlane, SyncPlaneOptions } from '../../local/sync-plane.ts';
import { startClusterUnderTest, type ClusterUnderTest } from './cluster-under-test.ts';
import { startPublicDocuments } from './public-documents.ts';
import { startWorldPlane, worldObjects, type WorldObjects } from './world-objects.ts';

export const THREESCALE = 'capabilities.3scale.net/v1beta1';
export const TENANT = 'acme';
export const TENANT_TOKEN = 'acme-admin-token-5b1e';
/** The emulator's master token (Master API, the master portal's admin API): a Tenant's `MASTER_ACCESS_TOKEN`. */
export const MASTER_TOKEN = 'master-token-e2e';

/** One end-to-end world: a cluster, the 3scale emulator with one tenant, and the sync plane watching the namespace. */
export interface ThreescaleWorld extends WorldObjects {
  cluster: ClusterUnderTest;
  threescale: ThreescaleEmulator;
  plane: SyncPlane;
  ns: string;
  logs: string[];
  /** The tenant's admin portal, as a provider account Secret's adminURL. */
  adminURL: string;
  close(): Promise<void>;
}

export async function startThreescaleWorld(opts: Partial<SyncPlaneOptions> = {}): Promise<ThreescaleWorld> {
  const cluster = await startClusterUnderTest();
  const threescale = await startThreescaleEmulator({ tenants: [{ name: TENANT, adminToken: TENANT_TOKEN }], masterToken: MASTER_TOKEN });
  const logs: string[] = [];
  // The examples' public document URLs reach a local stand-in (the tests run offline).
  const documents = await startPublicDocuments();
  const plane = await startWorldPlane(cluster, logs, { vendorConnectTo: documents.vendorConnectTo, vendorCa: documents.vendorCa, ...opts });
  return {
    cluster,
    threescale,
    plane,
    ns: cluster.namespace,
    logs,
    adminURL: threescale.adminUrl(TENANT),
    ...worldObjects(cluster, THREESCALE),
    async close() {
      await plane.stop();
      await documents.close();
      await threescale.close();
      await cluster.close();
    },
  };
}

/** The provider account Secret the operator reads: `adminURL` and `token`. */
export function providerAccount(name: string, adminURL: string, token: string) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { adminURL, token } };
}

/**
 * One world per test file with the default provider account applied; `ready` gets it for the file's own setup.
 * Afterwards the emulator must have seen no request outside 3scale's published contract.
 */
export function useThreescaleWorld(ready: (w: ThreescaleWorld) => void | Promise<void>, opts: Partial<SyncPlaneOptions> = {}): void {
  let world: ThreescaleWorld | undefined;
  beforeAll(async () => {
    world = await startThreescaleWorld(opts);
    await world.apply(providerAccount('threescale-provider-account', world.adminURL, TENANT_TOKEN));
    await ready(world);
  }, 60_000);
  afterAll(async () => {
    expect(world?.threescale.violations ?? []).toEqual([]);
    await world?.close();
  });
}
