import { ApiException, type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import type { SyncPlane } from '../../local/sync-plane.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { startClusterUnderTest, type ClusterUnderTest } from '../support/cluster-under-test.ts';
import { gkoDocuments, gkoExampleFiles, jwtUseCaseExpired } from '../support/gko-examples.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf, startWorldPlane } from '../support/world-objects.ts';

/**
 * Every GKO example (test/e2e/fixtures/gko, unchanged), applied as a user would: each file as it is, into a namespace
 * of its group. The only change is a ManagementContext's `baseUrl`, pointed at an APIM emulator. Files that use each
 * other are grouped (an API with its ApiResources, shared policy group, Group and Notification; a Subscription with its
 * API and Application; pages and listings with their Portal and API); files defining the same names (every context is
 * `dev-ctx`) get a namespace each. Every resource must reach Accepted=True, except what fails with GKO too.
 */
type Json = Record<string, any>;

interface Group {
  id: string;
  files: string[];
  /** Which APIM the group's ManagementContext points at: two examples define the same Kafka host. */
  apim?: 'main' | 'second';
  /** The namespace the examples themselves name (`ApiResource` refs say `namespace: default`). */
  namespace?: string;
}

/** What GKO itself does with an example, where it is not Accepted=True. */
type Outcome =
  | { condition: string; status: 'True' | 'False'; reason?: string; message?: RegExp }
  | { refusedByApiServer: RegExp };

/** GKO's `dev-ctx` of its dev setup (basic credentials from a Secret), for the groups of `apim/` examples. */
const DEV_CONTEXT = ['management_context/dev/management-context-secret.yml', 'management_context/dev/management-context-with-secret-ref.yml'];

const apimFiles = (dir: string, except: string[] = []) =>
  gkoExampleFiles(dir)
    .filter((f) => !except.includes(f))
    .sort();

const GROUPS: Group[] = [
  // Every ManagementContext example alone (each is dev-ctx), with the Secrets of its folder.
  { id: 'mctx-dev-secret-ref', files: DEV_CONTEXT },
  { id: 'mctx-dev-credentials', files: ['management_context/dev/management-context-with-credentials.yml'] },
  { id: 'mctx-dev-bearer', files: ['management_context/dev/management-context-with-bearer-token.yml'] },
  { id: 'mctx-cluster-secret-ref', files: ['management_context/cluster/management-context-secret.yml', 'management_context/cluster/management-context-with-secret-ref.yml'] },
  { id: 'mctx-cluster-credentials', files: ['management_context/cluster/management-context-with-credentials.yml'] },
  { id: 'mctx-debug-secret-ref', files: ['management_context/debug/management-context-secret.yml', 'management_context/debug/management-context-with-secret-ref.yml'] },
  { id: 'mctx-debug-credentials', files: ['management_context/debug/management-context-with-credentials.yml'] },
  { id: 'mctx-cloud-secret-ref', files: ['management_context/cloud/cloud-token-secret.yml', 'management_context/cloud/cloud-mctx-with-secret-ref.yml'] },
  { id: 'mctx-cloud-and-auth', files: ['management_context/cloud/cloud-token-secret.yml', 'management_context/cloud/cloud-mctx-with-secret-ref-and-auth-secret-ref.yml'] },
  { id: 'mctx-cloud-bearer-key', files: ['management_context/cloud/cloud-bearer-secret.yml', 'management_context/cloud/cloud-mctx-with-bearer-secret-ref.yml'] },
  { id: 'mctx-cloud-unknown', files: ['management_context/cloud/cloud-mctx-with-unknown-secret-ref.yml'] },
  // The ApiResources, where the APIs' refs look for them.
  { id: 'api-resources', namespace: 'default', files: apimFiles('apim/api_resource') },
  // The APIs with what they use (templating sources, Group, Notifications, shared policy group), the Applications,
  // the Subscriptions of both, Dictionaries, and the Portal with its listing, link and pages.
  {
    id: 'apim',
    files: [
      ...DEV_CONTEXT,
      ...apimFiles('apim/api_definition/v2'),
      ...apimFiles('apim/api_definition/v4', ['apim/api_definition/v4/api-v4-native.yml']),
      ...apimFiles('apim/application', ['apim/application/application-with-client-certs-templates.yml', 'apim/application/application-with-client-certs-and-dates.yml']),
      ...apimFiles('apim/group'),
      ...apimFiles('apim/notification'),
      ...apimFiles('apim/shared_policy_groups'),
      ...apimFiles('apim/dictionary'),
      ...apimFiles('apim/subscription', ['apim/subscription/subscription-mtls-with-cert-dates.yml']),
      ...apimFiles('apim/portal', ['apim/portal/portal-structure.yml']),
      'usecase/subscribe-to-api-key-plan/resources/custom-api-key-secret.yml',
    ],
  },
  // Same Kafka host as api-v4-native-with-context: another APIM, as it would need.
  { id: 'native', apim: 'second', files: [...DEV_CONTEXT, 'apim/api_definition/v4/api-v4-native.yml'] },
  // Defines the Secret and ConfigMap client-cert-secret/-configmap the other certificate examples ship too.
  { id: 'app-cert-templates', files: [...DEV_CONTEXT, 'apim/application/application-with-client-certs-templates.yml'] },
  // The same Portal as portal.yml, in its other form.
  { id: 'portal-structure', files: [...DEV_CONTEXT, 'apim/portal/portal-structure.yml'] },
  { id: 'usecase-jwt', files: gkoExampleFiles('usecase/subscribe-to-jwt-plan/resources') },
  // The mTLS use case, with the Subscription of apim/ that names its API and the Application with certificate dates.
  {
    id: 'usecase-mtls',
    files: [
      ...gkoExampleFiles('usecase/subscribe-to-mtls-plan/resources'),
      'apim/application/application-with-client-certs-and-dates.yml',
      'apim/subscription/subscription-mtls-with-cert-dates.yml',
    ],
  },
];

/** Where GKO's outcome is not Accepted=True (GKO's own tests use these files for exactly that). */
const OUTCOMES: Record<string, Outcome> = {
  // "WARNING: replace with your generated bearer token": GKO's tests use it as the context with bad credentials.
  'management_context/dev/management-context-with-bearer-token.yml': { condition: 'Accepted', status: 'False', reason: 'Unauthorized' },
  // GKO: "secret [default/unknown] doesn't exist in the cluster".
  'management_context/cloud/cloud-mctx-with-unknown-secret-ref.yml': { condition: 'ResolvedRefs', status: 'False', message: /secret [^ ]+\/unknown not found/ },
  // GKO: the Secret has no `cloudToken` key (its token is under `bearerToken`).
  'management_context/cloud/cloud-mctx-with-bearer-secret-ref.yml': { condition: 'Accepted', status: 'False', message: /cloudToken/ },
  // GKO's CRD requires spec.plan, which this example lacks.
  'apim/subscription/subscription-with-metadata.yml': { refusedByApiServer: /spec\.plan/ },
  // Its endingAt (2026-12-31) must be at least a minute ahead, as GKO's admission requires: once past, refused as GKO does.
  ...(jwtUseCaseExpired() ? { 'usecase/subscribe-to-jwt-plan/resources/subscription.yml': { condition: 'Accepted', status: 'False', message: /spec\.endingAt/ } } : {}),
};

const isGravitee = (doc: Json) => doc.apiVersion === 'gravitee.io/v1alpha1';

type Want = { condition: string; status: string; reason?: string; message?: RegExp };

interface Case {
  group: Group;
  file: string;
  doc: Json;
  label: string;
}

const CASES: Case[] = GROUPS.flatMap((group) =>
  group.files.flatMap((file) => gkoDocuments(file).map((doc) => ({ group, file, doc, label: `${file} ${doc.kind} ${doc.metadata.name}` }))),
);

const wantOf = (c: Case): Want | undefined => {
  const outcome = OUTCOMES[c.file];
  if (outcome && 'refusedByApiServer' in outcome) return undefined;
  return outcome ?? { condition: 'Accepted', status: 'True' };
};

let cluster: ClusterUnderTest;
let main: GraviteeEmulator;
let second: GraviteeEmulator;
let plane: SyncPlane;
const namespaces = new Map<string, string>();
/** What applying each document answered: undefined when the API server took it, else its refusal. */
const applied = new Map<string, string | undefined>();
const docKey = (group: Group, doc: Json) => `${group.id}/${doc.kind}/${doc.metadata.name}`;

beforeAll(async () => {
  cluster = await startClusterUnderTest();
  // GKO's examples use admin/admin on DEFAULT/DEFAULT; the cloud examples' token is accepted as Gravitee Cloud's would be.
  const cloudToken = Buffer.from(gkoDocuments('management_context/cloud/cloud-token-secret.yml')[0]!.data.cloudToken, 'base64').toString('utf8').trim();
  const options = { organizations: { DEFAULT: ['DEFAULT'] }, users: [{ username: 'admin', password: 'admin' }], pathPrefixes: ['/apim/rest', '/apim/automation'] };
  main = await startGraviteeEmulator({ ...options, tokens: [cloudToken] });
  second = await startGraviteeEmulator(options);
  for (const g of GROUPS) {
    const ns = g.namespace ?? `${cluster.namespace}-${g.id}`;
    namespaces.set(g.id, ns);
    if (!g.namespace) await cluster.core.createNamespace({ body: { metadata: { name: ns } } });
  }
  plane = await startWorldPlane(cluster, [], { namespaces: [...new Set(namespaces.values())] });
  for (const c of CASES) applied.set(docKey(c.group, c.doc), await apply(c.group, c.doc));
  await settleAll(90_000);
}, 240_000);

afterAll(async () => {
  await plane?.stop();
  await main?.close();
  await second?.close();
  if (!cluster?.server) {
    // A real cluster: remove what was applied outside the suite's own namespace.
    for (const g of GROUPS) {
      if (g.namespace) for (const file of g.files) for (const doc of gkoDocuments(file)) await cluster.objects.delete({ ...doc, metadata: { ...doc.metadata, namespace: g.namespace } } as KubernetesObject).catch(() => {});
      else await cluster.core.deleteNamespace({ name: namespaces.get(g.id)! }).catch(() => {});
    }
  }
  await cluster?.close();
});

/** kubectl apply of one document into the group's namespace: created, or merged over what is there. */
async function apply(group: Group, doc: Json): Promise<string | undefined> {
  const body = { ...doc, metadata: { ...doc.metadata, namespace: namespaces.get(group.id) } } as Json;
  if (doc.kind === 'ManagementContext' && (doc.spec?.baseUrl || doc.spec?.cloud)) {
    // The one change: the context points at the emulator (a Cloud context gets a baseUrl, which GKO honours too).
    body.spec = { ...doc.spec, baseUrl: (group.apim === 'second' ? second : main).url };
  }
  try {
    await cluster.objects.create(body as KubernetesObject);
  } catch (err) {
    if (!(err instanceof ApiException) || err.code !== 409) return refusal(err);
    try {
      await cluster.objects.patch(body as KubernetesObject, undefined, undefined, 'gko-examples', undefined, PatchStrategy.MergePatch);
    } catch (patchErr) {
      return refusal(patchErr);
    }
  }
  return undefined;
}

function refusal(err: unknown): string {
  if (err instanceof ApiException) {
    try {
      return `${err.code}: ${JSON.parse(String(err.body)).message}`;
    } catch {
      return `${err.code}: ${String(err.body)}`;
    }
  }
  return String(err);
}

async function read(kind: string, apiVersion: string, ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return (await cluster.objects.read({ apiVersion, kind, metadata: { name, namespace: ns } })) as KubeObject;
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

/** Whether the resource's condition says what is expected, at its current generation. */
function settledAs(obj: KubeObject | undefined, want: Want): boolean {
  const c = conditionOf(obj, want.condition);
  if (!obj || !c || c.status !== want.status || c.observedGeneration !== obj.metadata.generation) return false;
  return (!want.reason || c.reason === want.reason) && (!want.message || want.message.test(c.message ?? ''));
}

/** The last state read of each synced resource, once all settled or the deadline passed (one bounded wait for all). */
const lastSeen = new Map<Case, KubeObject | undefined>();

async function settleAll(deadlineMs: number): Promise<void> {
  const pending = new Set(CASES.filter((c) => isGravitee(c.doc) && wantOf(c) && applied.get(docKey(c.group, c.doc)) === undefined));
  const deadline = Date.now() + deadlineMs;
  await waitFor(`${pending.size} resources settled`, async () => {
    for (const c of [...pending]) {
      const obj = await read(c.doc.kind, c.doc.apiVersion, namespaces.get(c.group.id)!, c.doc.metadata.name);
      lastSeen.set(c, obj);
      if (settledAs(obj, wantOf(c)!)) pending.delete(c);
    }
    return pending.size === 0 || Date.now() > deadline;
  }, deadlineMs + 30_000);
}

for (const group of GROUPS) {
  describe(`${group.id}`, () => {
    it.each(CASES.filter((c) => c.group === group))('$label', async (c) => {
      const { file, doc } = c;
      const ns = namespaces.get(group.id)!;
      const outcome = OUTCOMES[file];
      const refused = applied.get(docKey(group, doc));
      if (outcome && 'refusedByApiServer' in outcome) {
        expect(refused).toMatch(outcome.refusedByApiServer);
        return;
      }
      expect(refused, 'the API server took it').toBeUndefined();
      if (!isGravitee(doc)) return;
      const obj = lastSeen.get(c);
      expect(settledAs(obj, wantOf(c)!), `${JSON.stringify(wantOf(c))}, conditions: ${JSON.stringify(obj?.status?.conditions ?? 'none')}`).toBe(true);
      if (!outcome) expect(conditionOf(obj, 'ResolvedRefs')?.status).toBe('True');
      if (doc.kind === 'ApiDefinition' && !doc.metadata.annotations?.['gravitee.io/template']) {
        // GKO's local mode: the gateway's ConfigMap exists exactly when the API is local and started.
        const cm = await cluster.core.readNamespacedConfigMap({ name: doc.metadata.name, namespace: ns }).catch(() => undefined);
        const local = doc.spec.local === true && doc.spec.state !== 'STOPPED';
        expect(cm?.metadata?.labels?.['gio-type'], `ConfigMap of ${doc.metadata.name}`).toBe(local ? 'apidefinitions.gravitee.io' : undefined);
      }
    });
  });
}

describe('APIM', () => {
  it('was called only inside its published contract', async () => {
    await waitFor('queue drained', () => plane.drained());
    expect(main.violations).toEqual([]);
    expect(second.violations).toEqual([]);
  });
});
