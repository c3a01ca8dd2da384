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

/** The conditions each vendor's operator reports once an object is in the vendor: 3scale's Backend and Product say Synced. */
function documentedConditions(m: { apiVersion?: string; kind?: string }): string[] {
  if (m.apiVersion?.startsWith('gravitee.io/')) return ['Accepted', 'Ready'];
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
  await sandbox?.stop();
});

/** Every condition its vendor's operator documents for it is True for the object's current generation. */
async function reached(m: Manifest): Promise<boolean> {
  const obj = (await objects.read({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, namespace: m.metadata.namespace ?? 'default' } })) as KubeObject;
  const conditions = (obj.status?.conditions ?? []) as { type: string; status: string; observedGeneration?: number }[];
  return documentedConditions(m).every((t) => conditions.some((c) => c.type === t && c.status === 'True' && c.observedGeneration === obj.metadata.generation));
}

const synced = readManifests(EXAMPLES).filter((m) => m.apiVersion?.startsWith('gravitee.io/') || m.apiVersion?.startsWith('capabilities.3scale.net/'));

describe('npm start without a cluster (the sandbox)', () => {
  it('has examples of both vendors', () => {
    expect(synced.filter((m) => m.apiVersion?.startsWith('gravitee.io/')).length).toBeGreaterThan(0);
    expect(new Set(synced.filter((m) => m.apiVersion?.startsWith('capabilities.3scale.net/')).map((m) => m.kind))).toEqual(
      new Set(['Backend', 'Product', 'DeveloperUser', 'DeveloperAccount', 'Application', 'ActiveDoc', 'CustomPolicyDefinition', 'OpenAPI', 'ProxyConfigPromote', 'Tenant']),
    );
  });

  it('says every example settled only once each has reached its condition', async () => {
    const refs = synced.map((m) => ({ apiVersion: m.apiVersion ?? '', kind: m.kind ?? '', namespace: m.metadata.namespace ?? 'default', name: m.metadata.name }));
    const quiet = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    expect(await showProgress(kc, refs, { out: quiet })).toBe(true);
    for (const m of synced) expect(await reached(m), `${m.kind} ${m.metadata.name}`).toBe(true);
  });

  it.each(synced.map((m) => [`${m.kind} ${m.metadata.namespace}/${m.metadata.name}`, documentedConditions(m).join(' and '), m] as const))('%s reaches %s', async (_, types, m) => {
    await waitFor(`${m.kind} ${m.metadata.name} ${types}`, () => reached(m));
  });
});
