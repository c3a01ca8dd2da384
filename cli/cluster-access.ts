import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';

/** The sync identity's manifests: `kubectl apply -k infra/sync-access`. */
export const SYNC_ACCESS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'infra', 'sync-access');
/** The field manager of every object `apim-sync cluster add` applies. */
export const FIELD_MANAGER = 'apim-sync';
/** The Kubernetes group an EKS access entry maps the function's role to (README, "Deploying"). */
export const EKS_GROUP = 'apim-sync:sync';

type Manifest = KubernetesObject & { metadata: { name: string; namespace?: string }; type?: string; data?: Record<string, string> };

/**
 * The objects of a kustomization's `resources` (files only: infra/sync-access lists nothing else), in the order
 * kustomize's legacy sort applies them: a Namespace before what lives in it, a ServiceAccount before its token Secret
 * (the token controller deletes a token Secret whose account does not exist).
 */
export function syncAccessManifests(dir = SYNC_ACCESS_DIR): Manifest[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  const objects = (kustomization.resources ?? []).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
      .map((d) => d.toJS() as Manifest | null)
      .filter((o): o is Manifest => !!o?.kind),
  );
  const rank = (o: Manifest) => {
    const i = APPLY_ORDER.indexOf(o.kind ?? '');
    return i < 0 ? APPLY_ORDER.length : i;
  };
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map(({ o }) => o);
}

const APPLY_ORDER = ['Namespace', 'ServiceAccount', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret'];

/** A kubeconfig with `context` current; an unknown context is an error naming the ones there are. */
export function kubeConfigFor(opts: { kubeconfig?: string; context?: string }): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new Error(`no context "${opts.context}" in ${opts.kubeconfig ?? 'the kubeconfig (KUBECONFIG or ~/.kube/config)'}; contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

/** The API server and CA of the context's cluster, as the registry entry stores them. */
export function clusterOf(kc: KubeConfig): { server: string; caData?: string; insecureSkipTLSVerify?: boolean } {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`context "${kc.getCurrentContext()}" names no cluster`);
  const caData = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  return { server: cluster.server, ...(caData ? { caData } : {}), ...(cluster.skipTLSVerify ? { insecureSkipTLSVerify: true } : {}) };
}

/** Server-side apply of each object with the context's credentials, field manager `apim-sync`. */
export async function applyObjects(kc: KubeConfig, objects: Manifest[], say: (line: string) => void = () => {}): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const o of objects) {
    await api.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply).catch((err) => {
      throw new Error(`could not apply ${describe(o)}: ${kubeMessage(err)}`);
    });
    say(`applied ${describe(o)}`);
  }
}

/** The ClusterRole of infra/sync-access bound to the group an EKS access entry maps the function's role to. */
export function eksBinding(): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'apim-sync-sync-eks', labels: { 'app.kubernetes.io/name': 'apim-sync-sync', 'app.kubernetes.io/part-of': 'apim-sync' } } as Manifest['metadata'],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'apim-sync-sync' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: EKS_GROUP }],
  } as Manifest;
}

export interface TokenWait {
  timeoutMs: number;
  pollMs: number;
  /** Progress for a person at a terminal; called on every poll. */
  progress?: (elapsedMs: number) => void;
}

/**
 * The token the token controller wrote into the Secret, once it has. A Secret that disappears meanwhile (the
 * controller deletes a token Secret applied before its ServiceAccount existed) is applied again.
 */
export async function waitForToken(kc: KubeConfig, secret: Manifest, wait: TokenWait): Promise<{ token: string; caCrt?: string }> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const started = Date.now();
  for (;;) {
    let got: Manifest | undefined;
    try {
      got = (await api.read({ apiVersion: secret.apiVersion, kind: secret.kind, metadata: { name: secret.metadata.name, namespace: secret.metadata.namespace } })) as Manifest;
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw new Error(`could not read ${describe(secret)}: ${kubeMessage(err)}`);
      await applyObjects(kc, [secret]);
    }
    const token = got?.data?.token;
    if (token) return { token: Buffer.from(token, 'base64').toString('utf8'), caCrt: got?.data?.['ca.crt'] };
    const elapsed = Date.now() - started;
    wait.progress?.(elapsed);
    if (elapsed >= wait.timeoutMs)
      throw new Error(
        `${describe(secret)} still has no token after ${Math.round(wait.timeoutMs / 1000)} s. The cluster's token controller (kube-controller-manager) fills it; ` +
          `check that it runs and that ServiceAccount ${secret.metadata.namespace}/${(secret.metadata as { annotations?: Record<string, string> }).annotations?.['kubernetes.io/service-account.name']} exists, then run cluster add again (--timeout to wait longer).`,
      );
    await new Promise((r) => setTimeout(r, wait.pollMs));
  }
}

export const describe = (o: Manifest) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** client-node's ApiException carries the Status in its body; its message alone is a generic line. */
function kubeMessage(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  let detail: string | undefined;
  try {
    detail = (typeof e.body === 'string' ? (JSON.parse(e.body) as { message?: string }) : (e.body as { message?: string } | undefined))?.message;
  } catch {
    // not a Status
  }
  return [e.code ? `HTTP ${e.code}` : undefined, detail ?? e.message].filter(Boolean).join(': ');
}
