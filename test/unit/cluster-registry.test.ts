import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { clusterRegistryFromEnv } from '../../shared/kube/cluster-registry.ts';
import { SyncError } from '../../shared/engine/errors.ts';

let a: KubeApiServer;
let b: KubeApiServer;
let dir: string;
beforeAll(async () => {
  [a, b] = await Promise.all([startKubeApiServer({ token: 'token-a' }), startKubeApiServer({ token: 'token-b' })]);
  dir = mkdtempSync(join(tmpdir(), 'registry-'));
  await b.writeKubeconfig(join(dir, 'b.kubeconfig'));
  writeFileSync(
    join(dir, 'registry.json'),
    JSON.stringify({ clusters: { a: { server: a.url, token: 'token-a', insecureSkipTLSVerify: true }, b: { kubeconfig: join(dir, 'b.kubeconfig') } } }),
  );
});
afterAll(async () => Promise.all([a?.close(), b?.close()]));

describe('cluster registry', () => {
  it('reaches each cluster of the registry document with its own credentials', async () => {
    const registry = await clusterRegistryFromEnv({ CLUSTER_REGISTRY_FILE: join(dir, 'registry.json') });
    for (const [id, server] of [['a', a], ['b', b]] as const) {
      const cfg = server.kubeConfig();
      const core = cfg.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `in-${id}` }, data: { cluster: id } } });
      const cluster = await registry.get(id);
      const cm = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: `in-${id}` });
      expect(cm?.data).toEqual({ cluster: id });
      expect(await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: `in-${id === 'a' ? 'b' : 'a'}` })).toBeUndefined();
    }
  });

  it('says which cluster is unknown, as a permanent error', async () => {
    const registry = await clusterRegistryFromEnv({ CLUSTER_REGISTRY_FILE: join(dir, 'registry.json') });
    const err = await registry.get('nowhere').catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.retry).toBe('permanent');
    expect(err.message).toContain('nowhere');
  });
});
