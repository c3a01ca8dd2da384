import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clusterCommand, type ClusterCommandIo } from '../../cli/cluster.ts';
import { syncAccessManifests, waitForToken } from '../../cli/cluster-access.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { clusterRegistryFromEnv } from '../../shared/kube/cluster-registry.ts';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../support/secrets-manager.ts';
import { waitFor } from '../support/wait.ts';

// The admin's token (the kubeconfig's); the server also accepts the service account tokens its token controller issues.
const ADMIN_TOKEN = 'admin-token-of-the-test-cluster';
let server: KubeApiServer;
let sm: SecretsManagerStandIn;
let dir: string;
let kubeconfig: string;
let admin: KubernetesObjectApi;

beforeAll(async () => {
  server = await startKubeApiServer({ tls: true, token: ADMIN_TOKEN });
  sm = await startSecretsManagerStandIn();
  dir = mkdtempSync(join(tmpdir(), 'cluster-add-'));
  kubeconfig = join(dir, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig);
  admin = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
}, 30_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await sm?.close();
});

/** Runs the command, keeping what it printed. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: ClusterCommandIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, pollMs: 10, secretsManager: { endpoint: sm.endpoint } };
  const code = await clusterCommand(args, io);
  return { code, out, err, printed: [...out, ...err].join('\n') };
}

const read = (o: { apiVersion: string; kind: string; name: string; namespace?: string }) =>
  admin.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace } }) as Promise<KubernetesObject & Record<string, any>>;
const tokenSecret = () => read({ apiVersion: 'v1', kind: 'Secret', namespace: 'apim-sync', name: 'apim-sync-sync-token' });
const registryFile = (name: string) => join(dir, name);
const registry = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { clusters: Record<string, Record<string, any>> };

describe('apim-sync cluster add (kubeconfig context)', () => {
  it('applies infra/sync-access by server-side apply, waits for the token and writes {server, caData, token} without printing it', async () => {
    const file = registryFile('registry.json');
    writeFileSync(file, JSON.stringify({ clusters: { west: { server: 'https://west.example:6443', token: 'west-token' } } }));
    const r = await run(['add', 'east', '--context', 'kube-api-server', '--kubeconfig', kubeconfig, '--registry-file', file]);
    expect(r.err.join('\n')).not.toMatch(/could not/);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/cluster east added in .*registry\.json: https:\/\/127\.0\.0\.1:\d+, token of ServiceAccount apim-sync\/apim-sync-sync/);

    // Every object of the kustomization, owned by the field manager apim-sync through Apply.
    for (const o of syncAccessManifests()) {
      const got = await read({ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name, namespace: o.metadata.namespace });
      expect(got.metadata?.managedFields?.some((m) => m.manager === 'apim-sync' && m.operation === 'Apply'), `${o.kind} ${o.metadata.name}`).toBe(true);
    }
    const binding = await read({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'apim-sync-sync' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'apim-sync-sync', namespace: 'apim-sync' }]);

    const secret = await tokenSecret();
    const token = Buffer.from(secret.data.token, 'base64').toString('utf8');
    const doc = registry(file);
    expect(doc.clusters.west).toEqual({ server: 'https://west.example:6443', token: 'west-token' });
    expect(doc.clusters.east).toEqual({ server: server.url, caData: server.kubeConfig().getCurrentCluster()!.caData, token });
    // The token the controller issued names the account, and is nowhere in what the command printed.
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.sub).toBe('system:serviceaccount:apim-sync:apim-sync-sync');
    expect(r.printed).not.toContain(token);
    expect(r.printed).not.toContain(secret.data.token);
    expect(JSON.stringify(await run(['list', '--registry-file', file]))).not.toContain(token);

    // The sync function reaches the cluster through the entry (the server refuses any other token: admin's aside).
    const clusters = await clusterRegistryFromEnv({ CLUSTER_REGISTRY_FILE: file });
    const seen = await (await clusters.get('east')).get({ apiVersion: 'v1', kind: 'Secret', namespace: 'apim-sync', name: 'apim-sync-sync-token' });
    expect(seen?.metadata.name).toBe('apim-sync-sync-token');
    await expect((await clusters.get('west')).get({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'default' })).rejects.toThrow();
  });

  it('run again, updates the entry in place with the same token (the Secret is applied, not recreated)', async () => {
    const file = registryFile('registry.json');
    const before = registry(file).clusters.east;
    const r = await run(['add', 'east', '--context', 'kube-api-server', '--kubeconfig', kubeconfig, '--registry-file', file]);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/cluster east updated/);
    expect(registry(file).clusters.east).toEqual(before);
    expect(Object.keys(registry(file).clusters).sort()).toEqual(['east', 'west']);
  });

  it('lists ids, servers and kinds of credential, never a token; removes an entry', async () => {
    const file = registryFile('list.json');
    writeFileSync(
      file,
      JSON.stringify({
        clusters: {
          a: { server: 'https://a.example', caData: 'Y2E=', token: 'secret-token-a' },
          b: { eks: { name: 'orders-prod', region: 'eu-west-1' }, server: 'https://b.eks.amazonaws.com' },
          c: { kubeconfig: '/etc/kube/c.yaml' },
        },
      }),
    );
    const listed = await run(['list', '--registry-file', file]);
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([
      expect.stringMatching(/^ID\s+SERVER\s+CREDENTIAL$/),
      expect.stringMatching(/^a\s+https:\/\/a\.example\s+token$/),
      expect.stringMatching(/^b\s+https:\/\/b\.eks\.amazonaws\.com\s+eks orders-prod \(eu-west-1\)$/),
      expect.stringMatching(/^c\s+-\s+kubeconfig \/etc\/kube\/c\.yaml$/),
    ]);
    expect(listed.printed).not.toContain('secret-token-a');
    expect((await run(['remove', 'a', '--registry-file', file])).code).toBe(0);
    expect(Object.keys(registry(file).clusters)).toEqual(['b', 'c']);
    const again = await run(['remove', 'a', '--registry-file', file]);
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(/cluster a is not in/);
  });

  it('refuses to overwrite a registry document it cannot read, and unknown contexts, with clear messages', async () => {
    const file = registryFile('broken.json');
    writeFileSync(file, '{"clusters": {"x": {"server": "not a url"}}}');
    const r = await run(['add', 'east', '--context', 'kube-api-server', '--kubeconfig', kubeconfig, '--registry-file', file]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/is not a cluster registry document: clusters\.x/);
    expect(readFileSync(file, 'utf8')).toBe('{"clusters": {"x": {"server": "not a url"}}}');
    const ctx = await run(['add', 'east', '--context', 'nope', '--kubeconfig', kubeconfig, '--registry-file', registryFile('other.json')]);
    expect(ctx.code).toBe(1);
    expect(ctx.err.join('\n')).toMatch(/no context "nope" in .*; contexts: kube-api-server/);
    expect((await run(['add', 'east', '--kubeconfig', kubeconfig])).code).toBe(2);
  });

  it('says clearly when the token Secret is not filled in time', async () => {
    const kc: KubeConfig = server.kubeConfig();
    // An Opaque Secret: the token controller leaves it alone, as a cluster without the controller would.
    const unfilled = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'never-filled', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'apim-sync-sync' } } };
    await admin.patch(unfilled, undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
    const progress: number[] = [];
    await expect(waitForToken(kc, unfilled, { timeoutMs: 100, pollMs: 10, progress: (ms) => progress.push(ms) })).rejects.toThrow(
      /Secret default\/never-filled still has no token after 0 s\. The cluster's token controller \(kube-controller-manager\) fills it; check that it runs and that ServiceAccount default\/apim-sync-sync exists/,
    );
    expect(progress.length).toBeGreaterThan(0);
  });
});

describe('the test API server token controller (as kube-controller-manager)', () => {
  it('deletes a token Secret whose ServiceAccount does not exist, and the token Secrets of a deleted account', async () => {
    const orphan = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'orphan-token', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'nobody' } } };
    await admin.create(orphan);
    await waitFor('orphan token Secret deleted', async () => (await read({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'orphan-token' }).then(() => false, (e) => e.code === 404)));

    await admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } });
    await admin.create({ ...orphan, metadata: { ...orphan.metadata, name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } } });
    const filled = await waitFor('robot token filled', async () => {
      const s = await read({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'robot-token' });
      return s.data?.token ? s : undefined;
    });
    const sa = await read({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'robot' });
    expect(filled.metadata?.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.metadata?.uid);
    expect(Buffer.from(filled.data.namespace, 'base64').toString()).toBe('default');
    expect(Buffer.from(filled.data['ca.crt'], 'base64').toString('base64')).toBe(filled.data['ca.crt']);
    await admin.delete({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } });
    await waitFor('robot token deleted with its account', async () => (await read({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'robot-token' }).then(() => false, (e) => e.code === 404)));
  });
});

describe('apim-sync cluster add --registry-secret (Secrets Manager)', () => {
  it('creates the secret when absent, then writes new versions keeping the other clusters; no protocol violation', async () => {
    const id = 'apim-sync/test/cluster-registry';
    const first = await run(['add', 'east', '--context', 'kube-api-server', '--kubeconfig', kubeconfig, '--registry-secret', id, '--region', sm.region]);
    expect(first.code).toBe(0);
    expect(sm.calls).toEqual(['GetSecretValue', 'CreateSecret']);
    const token = Buffer.from((await tokenSecret()).data.token, 'base64').toString('utf8');
    const current = () => JSON.parse(sm.secrets.get(id)!.versions.at(-1)!.value) as { clusters: Record<string, Record<string, unknown>> };
    expect(current().clusters.east).toMatchObject({ server: server.url, token });

    const eks = await run(['add', 'orders', '--eks', 'orders-prod', '--region', 'us-east-1', '--registry-region', sm.region, '--server', 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', '--ca-data', 'Y2E=', '--registry-secret', id]);
    expect(eks.code).toBe(0);
    expect(sm.calls.slice(2)).toEqual(['GetSecretValue', 'PutSecretValue']);
    expect(current().clusters).toEqual({ east: expect.objectContaining({ token }), orders: { eks: { name: 'orders-prod', region: 'us-east-1' }, server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', caData: 'Y2E=' } });
    expect(sm.secrets.get(id)!.versions).toHaveLength(2);

    const listed = await run(['list', '--registry-secret', id, '--region', sm.region]);
    expect(listed.out.join('\n')).toMatch(/east .*token\n.*orders .*eks orders-prod \(us-east-1\)/s);
    expect(listed.printed).not.toContain(token);
    // CLUSTER_REGISTRY_SECRET_ID names the registry when no flag does, as for the sync function.
    expect((await run(['remove', 'orders'], { CLUSTER_REGISTRY_SECRET_ID: id, AWS_REGION: sm.region })).code).toBe(0);
    expect(Object.keys(current().clusters)).toEqual(['east']);
    expect(new Set(sm.signedRegions)).toEqual(new Set([sm.region]));
    expect(sm.violations).toEqual([]);
  });
});

describe('apim-sync cluster add --eks', () => {
  it('with a context: binds the sync ClusterRole to the access entry group, stores no token, prints the access entry', async () => {
    const file = registryFile('eks.json');
    const r = await run(['add', 'orders', '--eks', 'orders-prod', '--region', 'eu-west-1', '--context', 'kube-api-server', '--kubeconfig', kubeconfig, '--role-arn', 'arn:aws:iam::123456789012:role/apim-sync-prod-eu-west-1-lambdaRole', '--registry-file', file]);
    expect(r.code).toBe(0);
    expect(registry(file).clusters.orders).toEqual({ eks: { name: 'orders-prod', region: 'eu-west-1' }, server: server.url, caData: server.kubeConfig().getCurrentCluster()!.caData });
    const binding = await read({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'apim-sync-sync-eks' });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'apim-sync-sync' });
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'apim-sync:sync' }]);
    expect(r.out).toContain('  aws eks create-access-entry --region eu-west-1 --cluster-name orders-prod --principal-arn arn:aws:iam::123456789012:role/apim-sync-prod-eu-west-1-lambdaRole --kubernetes-groups apim-sync:sync');
  });

  it('needs a region, and a context or the endpoint', async () => {
    expect((await run(['add', 'orders', '--eks', 'orders-prod', '--registry-file', registryFile('x.json')])).code).toBe(2);
    const r = await run(['add', 'orders', '--eks', 'orders-prod', '--region', 'eu-west-1', '--registry-file', registryFile('x.json')]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--context, or --server and --ca-data/);
  });
});
