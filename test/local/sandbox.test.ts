import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifests, type Manifest } from '../../local/apply.ts';
import { showProgress } from '../../local/progress-view.ts';
import { startSandbox } from '../../local/sandbox.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { waitFor } from '../support/wait.ts';

const EXAMPLES = new URL('../../examples', import.meta.url).pathname;
const WSO2 = 'gateway.api-platform.wso2.com';

/** The conditions each vendor's operator reports once an object is in the vendor: 3scale's Backend and Product say Synced. */
function documentedConditions(m: { apiVersion?: string; kind?: string }): string[] {
  if (m.apiVersion?.startsWith('gravitee.io/')) return ['Accepted', 'Ready'];
  if (m.apiVersion?.startsWith(`${WSO2}/`)) return m.kind === 'APIGateway' ? ['Accepted', 'Programmed', 'ControlPlaneConnected', 'Ready'] : ['Accepted', 'Programmed', 'Ready'];
  return m.kind === 'Backend' || m.kind === 'Product' ? ['Synced', 'Ready'] : ['Ready'];
}

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let objects: KubernetesObjectApi;
let kc: KubeConfig;
beforeAll(async () => {
  sandbox = await startSandbox({ progress: false, stateDir: mkdtempSync(join(tmpdir(), 'apim-sync-sandbox-')) });
  kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  objects = KubernetesObjectApi.makeApiClient(kc);
}, 90_000);
afterAll(async () => {
  expect(sandbox?.threescale.violations ?? []).toEqual([]);
  expect(sandbox?.wso2.gatewayController.violations() ?? []).toEqual([]);
  expect(sandbox?.wso2.apim.violations() ?? []).toEqual([]);
  expect(sandbox?.wso2.controlPlane.violations() ?? []).toEqual([]);
  const steps: string[] = [];
  await sandbox?.stop((what) => steps.push(what));
  expect(steps).toEqual([
    'stopping the watcher',
    'stopping the local Lambda runner (the syncs in flight finish)',
    'closing the queue',
    'stopping the WSO2, 3scale and Gravitee emulators',
    'stopping the Kubernetes API test server',
  ]);
});

/** Every condition its vendor's operator documents for it is True for the object's current generation. */
async function reached(m: Manifest): Promise<boolean> {
  const obj = (await objects.read({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: m.metadata.namespace ?? 'default' } })) as KubeObject;
  const conditions = (obj.status?.conditions ?? []) as { type: string; status: string; observedGeneration?: number }[];
  return documentedConditions(m).every((t) => conditions.some((c) => c.type === t && c.status === 'True' && c.observedGeneration === obj.metadata.generation));
}

const synced = readManifests(EXAMPLES).filter((m) => ['gravitee.io/', 'capabilities.3scale.net/', `${WSO2}/`].some((g) => m.apiVersion?.startsWith(g)));

describe('npm start without a cluster (the sandbox)', () => {
  it('has examples of every vendor', () => {
    expect(synced.filter((m) => m.apiVersion?.startsWith('gravitee.io/')).length).toBeGreaterThan(0);
    expect(new Set(synced.filter((m) => m.apiVersion?.startsWith(`${WSO2}/`)).map((m) => m.kind))).toEqual(new Set(['APIGateway', 'RestApi']));
    expect(new Set(synced.filter((m) => m.apiVersion?.startsWith('capabilities.3scale.net/')).map((m) => m.kind))).toEqual(
      new Set(['Backend', 'Product', 'DeveloperUser', 'DeveloperAccount', 'Application', 'ActiveDoc', 'CustomPolicyDefinition', 'OpenAPI', 'ProxyConfigPromote', 'Tenant']),
    );
  });

  it('says every example settled only once each has reached its condition', async () => {
    const refs = synced.map((m) => ({ apiVersion: m.apiVersion ?? '', kind: m.kind ?? '', namespace: m.metadata.namespace ?? 'default', name: m.metadata.name }));
    const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    expect(await showProgress(kc, refs, { out: quiet, waiting: (ref) => sandbox.plane.waitsForReference(ref) })).toBe(true);
    for (const m of synced) expect(await reached(m), `${m.kind} ${m.metadata.name}`).toBe(true);
    expect(refs.filter((ref) => sandbox.plane.waitsForReference(ref))).toEqual([]);
  });

  it.each(synced.map((m) => [`${m.kind} ${m.metadata.namespace}/${m.metadata.name}`, documentedConditions(m).join(' and '), m] as const))('%s reaches %s', async (_, types, m) => {
    await waitFor(`${m.kind} ${m.metadata.name} ${types}`, () => reached(m));
  });

  it("shows the API WSO2's control plane deployed to the gateway as a RestApi owned by the APIGateway, and acks it", async () => {
    const api = { apiVersion: `${WSO2}/v1`, kind: 'RestApi', metadata: { name: 'petstore-api-v1.0', namespace: 'ap-gateway' } };
    await waitFor('the control plane\'s PetStore API Programmed', () => reached(api as Manifest));
    const obj = (await objects.read(api)) as KubeObject;
    expect(obj.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`)).toEqual(['APIGateway/prod-gateway']);
    expect(obj.metadata.labels?.['apim-sync.io/origin']).toBe('control-plane');
    await waitFor('a success ack on the control plane', () =>
      sandbox.wso2.controlPlane.acks().some((a) => {
        const ack = a.payload as { status?: string; artifactId?: string };
        return a.outcome === 'applied' && ack.status === 'success' && ack.artifactId === obj.metadata.annotations?.['gateway.api-platform.wso2.com/artifact-id'];
      }),
    );
  });

  it('imports the RestApis declared in the cluster into APIM, deployed to the gateway\'s environment (bottom-up)', async () => {
    const declared = synced.filter((m) => m.kind === 'RestApi').map((m) => (m as unknown as { spec: { displayName: string } }).spec.displayName);
    await waitFor('every declared RestApi in APIM', () => declared.every((name) => sandbox.wso2.apim.apis().some((a) => a.name === name && a.deployments.some((d) => d.environment === 'prod-gateway'))));
  });
});
