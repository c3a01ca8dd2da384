import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { APIS, CRD_DIR, MERGE, apiV4, startHarness, statusOf, type Harness } from './helpers.ts';

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

/** Writes one or several documents to a YAML file. */
async function manifest(name: string, obj: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, (Array.isArray(obj) ? obj : [obj]).map((d) => stringify(d)).join('---\n'));
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

  it('applies several documents (create, unchanged, configure), prints server-side tables, rejects invalid objects', async () => {
    const docs = (version: string, secretLabel: string) => [
      apiV4('kc', { version }, { namespace: 'kc' }),
      { apiVersion: 'gravitee.io/v1alpha1', kind: 'ManagementContext', metadata: { name: 'ctx', namespace: 'kc' }, spec: { baseUrl: 'http://x' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'applied', namespace: 'kc', labels: { x: secretLabel } }, stringData: { [secretLabel]: '1' } },
    ];
    const v1 = await manifest('v1.yaml', docs('1.0', 'blue'));
    expect((await kubectl('apply', '-f', v1)).stdout.trim().split('\n')).toEqual([
      'apiv4definition.gravitee.io/kc created',
      'managementcontext.gravitee.io/ctx created',
      'secret/applied created',
    ]);
    const before = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    const secretBefore = await h.core.readNamespacedSecret({ namespace: 'kc', name: 'applied' });
    // As on a real cluster: defaults inside lists and write-only stringData make kubectl send a patch ("configured"),
    // which changes nothing, so no new resourceVersion; the ManagementContext has nothing to patch at all.
    expect((await kubectl('apply', '-f', v1)).stdout.trim().split('\n')).toEqual([
      'apiv4definition.gravitee.io/kc configured',
      'managementcontext.gravitee.io/ctx unchanged',
      'secret/applied configured',
    ]);
    const after = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await h.core.readNamespacedSecret({ namespace: 'kc', name: 'applied' })).metadata!.resourceVersion).toBe(secretBefore.metadata!.resourceVersion);

    const v2 = await manifest('v2.yaml', docs('2.0', 'green'));
    expect((await kubectl('apply', '-f', v2)).stdout.trim().split('\n')).toEqual([
      'apiv4definition.gravitee.io/kc configured',
      'managementcontext.gravitee.io/ctx unchanged',
      'secret/applied configured',
    ]);
    const api = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' })) as any;
    expect(api.metadata.generation).toBe(2);
    expect(api.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"version":"2.0"');
    const secret = await h.core.readNamespacedSecret({ namespace: 'kc', name: 'applied' });
    expect(secret.metadata!.labels).toEqual({ x: 'green' });
    expect(Buffer.from(secret.data!.green, 'base64').toString()).toBe('1');

    const table = await kubectl('get', 'graviteev4apis', '-n', 'kc');
    expect(table.stdout).toMatch(/^NAME\s+STATE\s+LIFECYCLE STATE\s+VERSION\s+AGE\n/);
    expect(table.stdout).toMatch(/kc\s+STARTED\s+UNPUBLISHED\s+2\.0\s+\d+s/);

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
    await h.custom.createNamespacedCustomObject({ ...APIS, namespace: 'kc', body: apiV4('held', {}, { finalizers: ['gravitee.io/finalizer'] }) });
    const r = await kubectl('delete', 'apiv4definitions', 'held', 'kc', '-n', 'kc', '--wait=false');
    expect(r.stdout.trim().split('\n')).toEqual(['apiv4definition.gravitee.io "held" deleted', 'apiv4definition.gravitee.io "kc" deleted']);
    const held = (await h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'held' })) as any;
    expect(held.metadata.deletionTimestamp).toBeTruthy();
    expect((await statusOf(h.custom.getNamespacedCustomObject({ ...APIS, namespace: 'kc', name: 'kc' }))).code).toBe(404);
  });

  it('installs a CRD at runtime with kubectl apply and then serves its resource to kubectl', async () => {
    expect((await kubectl('apply', '-f', `${CRD_DIR}/gravitee.io_groups.yaml`)).stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/groups.gravitee.io created');
    const group = await manifest('group.yaml', { apiVersion: 'gravitee.io/v1alpha1', kind: 'Group', metadata: { name: 'devs', namespace: 'kc' }, spec: { name: 'devs', members: [] } });
    const r = await kubectl('apply', '-f', group);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('group.gravitee.io/devs created');
    expect(((await h.custom.getNamespacedCustomObject({ group: 'gravitee.io', version: 'v1alpha1', plural: 'groups', namespace: 'kc', name: 'devs' })) as any).spec.name).toBe('devs');
  });

  it('applies server-side (kubectl apply --server-side): CRDs from infra, custom resources, conflicts and --force-conflicts', async () => {
    const crds = await kubectl('apply', '--server-side', '-f', `${CRD_DIR}/gravitee.io_applications.yaml`);
    expect(crds.stderr).toBe('');
    expect(crds.stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/applications.gravitee.io serverside-applied');
    expect((await kubectl('apply', '--server-side', '-f', `${CRD_DIR}/gravitee.io_applications.yaml`)).stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/applications.gravitee.io serverside-applied');
    const app = (description: string) => ({ apiVersion: 'gravitee.io/v1alpha1', kind: 'Application', metadata: { name: 'ssa', namespace: 'kc' }, spec: { name: 'ssa', description, contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } } });
    const first = await kubectl('apply', '--server-side', '-f', await manifest('app.yaml', app('one')));
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('application.gravitee.io/ssa serverside-applied');
    const conflict = await kubectl('apply', '--server-side', '--field-manager', 'other', '-f', await manifest('app2.yaml', app('two')));
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.description');
    expect((await kubectl('apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', await manifest('app2.yaml', app('two')))).code).toBe(0);
    const got = (await h.custom.getNamespacedCustomObject({ group: 'gravitee.io', version: 'v1alpha1', plural: 'applications', namespace: 'kc', name: 'ssa' })) as any;
    expect(got.spec.description).toBe('two');
    expect(got.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`)).toEqual(['kubectl/Apply', 'other/Apply']);
  });

  it('creates Secrets from literals (protobuf request body)', async () => {
    expect((await kubectl('create', 'secret', 'generic', 'creds', '-n', 'kc', '--from-literal=token=abc')).stdout.trim()).toBe('secret/creds created');
    const s = await h.core.readNamespacedSecret({ namespace: 'kc', name: 'creds' });
    expect(s.type).toBe('Opaque');
    expect(s.metadata!.generateName).toBeUndefined();
    expect(Buffer.from(s.data!.token, 'base64').toString()).toBe('abc');
  });

  it('talks to a TLS server with a bearer token through the written kubeconfig', async () => {
    const secure = await startHarness({ tls: true, token: 'tok' });
    const file = join(dir, 'secure-kubeconfig');
    try {
      await secure.server.writeKubeconfig(file);
      const { stdout } = await run(KUBECTL!, ['--kubeconfig', file, '--cache-dir', join(dir, 'cache2'), 'get', 'ns', 'default', '-o', 'name'], { timeout: 20_000 });
      expect(stdout.trim()).toBe('namespace/default');
    } finally {
      await secure.server.close();
    }
  });
});
