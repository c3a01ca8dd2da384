import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { APIS, CRD_DIR, MERGE, apiV4, startHarness, type Harness } from './helpers.ts';

const run = promisify(execFile);
const KUBECTL = ['/usr/bin/kubectl', ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'kubectl'))].find((p) => existsSync(p));

let h: Harness;
let dir: string;
let kubeconfig: string;

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(KUBECTL!, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function manifest(name: string, obj: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, stringify(obj));
  return file;
}

describe.skipIf(!KUBECTL)('kubectl against the test server', () => {
  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(join(tmpdir(), 'kube-api-server-'));
    kubeconfig = join(dir, 'kubeconfig');
    await h.server.writeKubeconfig(kubeconfig);
    // kubectl create sends protobuf for built-in kinds; kubectl get -n checks the namespace exists on NotFound.
    expect((await kubectl('create', 'namespace', 'kc')).stdout.trim()).toBe('namespace/kc created');
  });
  afterAll(async () => {
    await h.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('discovers resources with short names, including CRDs', async () => {
    const r = await kubectl('api-resources');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/apiv4definitions\s+graviteev4apis\s+gravitee\.io\/v1alpha1\s+true\s+ApiV4Definition/);
    expect(r.stdout).toMatch(/secrets\s+v1\s+true\s+Secret/);
  });

  it('applies (create, configure, unchanged), gets as table and JSON, rejects invalid objects', async () => {
    const file = await manifest('api.yaml', apiV4('kc', {}, { namespace: 'kc' }));
    expect((await kubectl('apply', '-f', file)).stdout.trim()).toBe('apiv4definition.gravitee.io/kc created');
    const before = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    // Server-side defaults inside lists make kubectl's merge patch non-empty (as on a real cluster); the write is a no-op.
    expect((await kubectl('apply', '-f', file)).stdout.trim()).toMatch(/^apiv4definition\.gravitee\.io\/kc (unchanged|configured)$/);
    const after = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const ctx = await manifest('ctx.yaml', { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'ctx', namespace: 'kc' }, spec: { baseUrl: 'http://x' } });
    expect((await kubectl('apply', '-f', ctx)).stdout.trim()).toBe('managementcontext.gravitee.io/ctx created');
    expect((await kubectl('apply', '-f', ctx)).stdout.trim()).toBe('managementcontext.gravitee.io/ctx unchanged');
    const changed = await manifest('api2.yaml', apiV4('kc', { version: '2.0' }, { namespace: 'kc' }));
    expect((await kubectl('apply', '-f', changed)).stdout.trim()).toBe('apiv4definition.gravitee.io/kc configured');

    const table = await kubectl('get', 'graviteev4apis', '-n', 'kc');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATE\s+LIFECYCLE STATE\s+VERSION\s+AGE\n/);
    expect(table.stdout).toMatch(/kc\s+STARTED\s+UNPUBLISHED\s+2\.0\s+\d+s/);

    const json = JSON.parse((await kubectl('get', 'apiv4definition', 'kc', '-n', 'kc', '-o', 'json')).stdout);
    expect(json.metadata.generation).toBe(2);
    expect(json.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"version":"2.0"');

    const bad = await manifest('bad.yaml', { ...apiV4('bad', {}, { namespace: 'kc' }), spec: { ...apiV4('bad').spec, type: 'NOPE' } });
    const r = await kubectl('apply', '-f', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The ApiV4Definition "bad" is invalid: spec.type: Unsupported value: "NOPE"');
  });

  it('waits for a condition set through the status subresource', async () => {
    const cur = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    const waiting = kubectl('wait', '--for=condition=Accepted', 'apiv4definition/kc', '-n', 'kc', '--timeout=15s');
    await h.custom.patchNamespacedCustomObjectStatus(
      {
        ...APIS,
        namespace: 'kc',
        name: 'kc',
        body: { status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: cur.metadata.generation }] } },
      },
      MERGE,
    );
    const r = await waiting;
    expect(r.stdout.trim()).toBe('apiv4definition.gravitee.io/kc condition met');
  });

  it('deletes with --wait=false, leaving finalizer-held objects terminating', async () => {
    const file = await manifest('fin.yaml', apiV4('held', {}, { namespace: 'kc', finalizers: ['gravitee.io/finalizer'] }));
    await kubectl('apply', '-f', file);
    expect((await kubectl('delete', '-f', file, '--wait=false')).stdout.trim()).toBe('apiv4definition.gravitee.io "held" deleted');
    const held = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'held' })) as any;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect((await kubectl('delete', 'apiv4definition', 'kc', '-n', 'kc', '--wait=false')).code).toBe(0);
    expect((await kubectl('get', 'apiv4definition', 'kc', '-n', 'kc')).stderr).toContain('apiv4definitions.gravitee.io "kc" not found');
  });

  it('installs a CRD at runtime with kubectl apply and serves its resource', async () => {
    expect((await kubectl('apply', '-f', `${CRD_DIR}/gravitee.io_groups.yaml`)).stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/groups.gravitee.io created');
    expect((await kubectl('wait', '--for=condition=Established', 'crd/groups.gravitee.io', '--timeout=10s')).code).toBe(0);
    const group = await manifest('group.yaml', { apiVersion: 'gravitee.io/v1alpha1', kind: 'Group', metadata: { name: 'devs', namespace: 'kc' }, spec: { name: 'devs', members: [] } });
    const r = await kubectl('apply', '-f', group);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('group.gravitee.io/devs created');
    expect((await kubectl('get', 'groups.gravitee.io', '-n', 'kc', '-o', 'name')).stdout.trim()).toBe('group.gravitee.io/devs');
  });

  it('creates and applies Secrets (strategic merge patch on a core kind)', async () => {
    expect((await kubectl('create', 'secret', 'generic', 'creds', '-n', 'kc', '--from-literal=token=abc')).code).toBe(0);
    expect((await kubectl('get', 'secret', 'creds', '-n', 'kc', '-o', 'jsonpath={.data.token}')).stdout).toBe(Buffer.from('abc').toString('base64'));
    const file = await manifest('secret.yaml', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'applied', namespace: 'kc' }, stringData: { a: '1' } });
    expect((await kubectl('apply', '-f', file)).stdout.trim()).toBe('secret/applied created');
    const file2 = await manifest('secret2.yaml', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'applied', namespace: 'kc', labels: { x: 'blue' } }, stringData: { b: '2' } });
    expect((await kubectl('apply', '-f', file2)).stdout.trim()).toBe('secret/applied configured');
    const s = await h.core.readNamespacedSecret({ namespace: 'kc', name: 'applied' });
    expect(s.metadata!.labels).toEqual({ x: 'blue' });
    expect(Buffer.from(s.data!.b, 'base64').toString()).toBe('2');
    const table = await kubectl('get', 'secrets', '-n', 'kc');
    expect(table.stdout).toMatch(/NAME\s+TYPE\s+DATA\s+AGE/);
  });

  it('creates namespaces and configmaps (protobuf bodies) and lists namespaces', async () => {
    expect((await kubectl('create', 'namespace', 'from-kubectl')).stdout.trim()).toBe('namespace/from-kubectl created');
    expect((await kubectl('get', 'ns', 'from-kubectl', '-o', 'jsonpath={.status.phase}')).stdout).toBe('Active');
    expect((await kubectl('create', 'configmap', 'cfg', '-n', 'from-kubectl', '--from-literal=k=v')).code).toBe(0);
    const cm = await h.core.readNamespacedConfigMap({ namespace: 'from-kubectl', name: 'cfg' });
    expect(cm.data).toEqual({ k: 'v' });
    expect(cm.metadata!.generateName).toBeUndefined();
    expect((await kubectl('get', 'ns')).stdout).toMatch(/default\s+Active/);
  });
});
