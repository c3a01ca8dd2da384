import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { ClusterEntry } from '../shared/kube/cluster-registry.ts';
import { FileClusterRegistryStore, SecretsManagerClusterRegistryStore, type ClusterRegistryStore } from '../shared/kube/cluster-registry-store.ts';
import { KubeHttp } from '../shared/kube/kube-http.ts';
import { resolveConnection } from '../shared/kube/connection.ts';
import { EKS_GROUP, applyObjects, clusterOf, describe, eksBinding, kubeConfigFor, syncAccessManifests, waitForToken } from './cluster-access.ts';

export const CLUSTER_HELP = `apim-sync cluster add ID --context CTX [--kubeconfig F] (--registry-file F | --registry-secret ID [--region R]) [--timeout 60s]
  Creates the sync identity in the context's cluster from infra/sync-access (server-side apply, field manager
  apim-sync, with the context's credentials), waits for its token, and writes the registry entry
  {server, caData, token} (server and CA from the context). The token is never printed.
apim-sync cluster add ID --eks NAME --region R [--context CTX | --server URL --ca-data B64] [--role-arn ARN] (--registry-…)
  An EKS entry (no stored token: the function signs one with its role). With --context, binds the sync ClusterRole
  to the group ${EKS_GROUP} and takes server and CA from the context; prints the access entry the role needs.
apim-sync cluster list [--registry-…]          ids, servers and kinds of credential (never a token)
apim-sync cluster remove ID [--registry-…]     drops the entry (the cluster's RBAC stays: kubectl delete -k infra/sync-access)
  The registry defaults to CLUSTER_REGISTRY_FILE or CLUSTER_REGISTRY_SECRET_ID, as the sync function reads it;
  --region is the Secrets Manager secret's region and the EKS cluster's (default: AWS_REGION); --registry-region
  names the secret's when they differ.`;

type Entry = z.infer<typeof ClusterEntry>;
type TokenEntry = Extract<Entry, { token: string }>;

export interface ClusterCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** A person at a terminal: progress on one rewritten line. */
  tty?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Secrets Manager client options (tests point it at a stand-in). */
  secretsManager?: { region?: string; endpoint?: string };
  /** How often the token Secret is read while waiting. */
  pollMs?: number;
}

const OPTIONS = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  'registry-file': { type: 'string' },
  'registry-secret': { type: 'string' },
  region: { type: 'string' },
  'registry-region': { type: 'string' },
  timeout: { type: 'string' },
  eks: { type: 'string' },
  server: { type: 'string' },
  'ca-data': { type: 'string' },
  'role-arn': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ID = /^[a-z0-9]([-a-z0-9._]{0,61}[a-z0-9])?$/;

/** `apim-sync cluster add|list|remove`: 0 done, 1 failed, 2 bad arguments. */
export async function clusterCommand(args: string[], io: ClusterCommandIo = defaultIo()): Promise<number> {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || sub === undefined || sub === 'help') {
    io.out(CLUSTER_HELP);
    return 0;
  }
  const env = io.env ?? process.env;
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const store = registryStore(values, env, io, values['registry-region'] ?? region);
  if (typeof store === 'string') return usage(io, store);
  try {
    if (sub === 'list') return await list(store, io);
    const id = positionals[0];
    if (!id) return usage(io, `cluster ${sub} needs a cluster id`);
    if (sub === 'remove') return await remove(store, id, io);
    if (sub !== 'add') return usage(io, `unknown cluster command ${sub}: add, list or remove`);
    if (!ID.test(id)) return usage(io, `cluster id "${id}": lowercase letters, digits, '-', '.', '_', at most 63 (it is the watcher's CLUSTER_ID)`);
    const timeoutMs = parseTimeout(values.timeout ?? '60s');
    if (timeoutMs === undefined) return usage(io, `--timeout ${values.timeout}: expected seconds such as 60s or 2m`);
    if (values.eks) {
      if (!region) return usage(io, 'cluster add --eks needs --region (or AWS_REGION)');
      if (!values.context && !values.server) return usage(io, 'cluster add --eks needs --context, or --server and --ca-data (endpoint and certificateAuthority.data of aws eks describe-cluster)');
      return await addEks(store, id, { ...values, eks: values.eks, region }, io);
    }
    if (!values.context) return usage(io, 'cluster add needs --context (or --eks NAME --region R)');
    return await addWithToken(store, id, { context: values.context, kubeconfig: values.kubeconfig, timeoutMs }, io);
  } catch (e) {
    io.err(`cluster ${sub}: ${(e as Error).message}`);
    return 1;
  }
}

function registryStore(values: { 'registry-file'?: string; 'registry-secret'?: string }, env: NodeJS.ProcessEnv, io: ClusterCommandIo, region: string | undefined): ClusterRegistryStore | string {
  const file = values['registry-file'] ?? (values['registry-secret'] ? undefined : env.CLUSTER_REGISTRY_FILE);
  const secret = values['registry-secret'] ?? (values['registry-file'] ? undefined : env.CLUSTER_REGISTRY_SECRET_ID);
  if (values['registry-file'] && values['registry-secret']) return 'give --registry-file or --registry-secret, not both';
  if (secret && !file) return new SecretsManagerClusterRegistryStore(secret, { ...(region ? { region } : {}), ...io.secretsManager });
  if (file && !secret) return new FileClusterRegistryStore(file);
  if (file && secret) return 'CLUSTER_REGISTRY_FILE and CLUSTER_REGISTRY_SECRET_ID are both set: name one with --registry-file or --registry-secret';
  return 'name the registry: --registry-file F or --registry-secret ID (or CLUSTER_REGISTRY_FILE / CLUSTER_REGISTRY_SECRET_ID)';
}

/** Context → ServiceAccount, RBAC and token from infra/sync-access → entry {server, caData, token}. */
async function addWithToken(store: ClusterRegistryStore, id: string, opts: { context: string; kubeconfig?: string; timeoutMs: number }, io: ClusterCommandIo): Promise<number> {
  const kc = kubeConfigFor(opts);
  const { server, caData, insecureSkipTLSVerify } = clusterOf(kc);
  const objects = syncAccessManifests();
  const secret = objects.find((o) => o.kind === 'Secret' && o.type === 'kubernetes.io/service-account-token');
  if (!secret) throw new Error('infra/sync-access has no service-account-token Secret');
  io.err(`applying infra/sync-access to context ${opts.context} (${server})`);
  await applyObjects(kc, objects, (line) => io.err(`  ${line}`));
  const progress = io.tty ? (ms: number) => io.err(`\r  waiting for the token controller to fill ${describe(secret)}… ${Math.round(ms / 1000)} s`) : undefined;
  if (!io.tty) io.err(`  waiting for the token controller to fill ${describe(secret)}`);
  let filled: Awaited<ReturnType<typeof waitForToken>>;
  try {
    filled = await waitForToken(kc, secret, { timeoutMs: opts.timeoutMs, pollMs: io.pollMs ?? 1000, progress });
  } finally {
    if (io.tty) io.err(''); // ends the progress line
  }
  const { token, caCrt } = filled;
  // The kubeconfig's CA is the one proven to verify this server address; the token Secret's is the cluster's root CA.
  const entry: TokenEntry = { server, ...(caData || caCrt ? { caData: caData ?? caCrt } : {}), token, ...(insecureSkipTLSVerify ? { insecureSkipTLSVerify } : {}) };
  await checkEntry(entry);
  const replaced = await put(store, id, entry);
  io.out(`cluster ${id} ${replaced ? 'updated' : 'added'} in ${store.where}: ${server}, token of ServiceAccount ${secret.metadata.namespace}/${(secret.metadata as { annotations?: Record<string, string> }).annotations?.['kubernetes.io/service-account.name']}`);
  if (insecureSkipTLSVerify) io.err(`warning: context ${opts.context} skips TLS verification; so will the sync function for cluster ${id}`);
  if (/^https?:\/\/(localhost|127\.|\[::1\])/.test(server)) io.err(`warning: ${server} is a loopback address: the sync function in AWS cannot reach it (fine for npm start)`);
  return 0;
}

/** The new identity answers: the server accepts the token through the CA the entry holds (a GET of /version would not authenticate). */
async function checkEntry(entry: TokenEntry): Promise<void> {
  const http = new KubeHttp(await resolveConnection({ server: entry.server, token: entry.token, ca: entry.caData ? Buffer.from(entry.caData, 'base64').toString('utf8') : undefined, insecureSkipTlsVerify: entry.insecureSkipTLSVerify ?? false }), 15_000, 'apim-sync-cli');
  try {
    await http.send('GET', '/apis');
  } catch (err) {
    throw new Error(`the cluster did not accept the sync identity's token through the entry (${(err as Error).message}); the registry was not changed`);
  }
}

async function addEks(
  store: ClusterRegistryStore,
  id: string,
  opts: { eks: string; region: string; context?: string; kubeconfig?: string; server?: string; 'ca-data'?: string; 'role-arn'?: string },
  io: ClusterCommandIo,
): Promise<number> {
  let server = opts.server;
  let caData = opts['ca-data'];
  if (opts.context) {
    const kc = kubeConfigFor(opts);
    const fromContext = clusterOf(kc);
    server ??= fromContext.server;
    caData ??= fromContext.caData;
    const role = syncAccessManifests().filter((o) => o.kind === 'ClusterRole');
    io.err(`binding the sync ClusterRole to group ${EKS_GROUP} in context ${opts.context}`);
    await applyObjects(kc, [...role, eksBinding()], (line) => io.err(`  ${line}`));
  }
  const entry: Entry = { eks: { name: opts.eks, region: opts.region }, server: server!, ...(caData ? { caData } : {}) };
  const replaced = await put(store, id, entry);
  io.out(`cluster ${id} ${replaced ? 'updated' : 'added'} in ${store.where}: EKS ${opts.eks} (${opts.region}), ${server}; no token stored`);
  const role = opts['role-arn'] ?? `arn:aws:iam::<account>:role/apim-sync-<stage>-${opts.region}-lambdaRole`;
  io.out('The sync function signs its own token; map its role to the sync group:');
  io.out(`  aws eks create-access-entry --region ${opts.region} --cluster-name ${opts.eks} --principal-arn ${role} --kubernetes-groups ${EKS_GROUP}`);
  if (!opts.context) io.out(`  kubectl create clusterrolebinding apim-sync-sync-eks --clusterrole=apim-sync-sync --group=${EKS_GROUP}   # after kubectl apply -k infra/sync-access`);
  io.out(`  (or, with the aws-auth ConfigMap, a mapRoles item: rolearn ${role}, groups [${EKS_GROUP}])`);
  return 0;
}

/** Writes the entry; true when it replaced one. */
async function put(store: ClusterRegistryStore, id: string, entry: Entry): Promise<boolean> {
  let replaced = false;
  await store.update((doc) => {
    replaced = id in doc.clusters;
    return { ...doc, clusters: { ...doc.clusters, [id]: entry } };
  });
  return replaced;
}

async function list(store: ClusterRegistryStore, io: ClusterCommandIo): Promise<number> {
  const doc = await store.read();
  const rows = Object.entries(doc.clusters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, e]) => [id, 'server' in e ? e.server : '-', credentialOf(e)]);
  if (!rows.length) {
    io.out(`no clusters in ${store.where}`);
    return 0;
  }
  const header = ['ID', 'SERVER', 'CREDENTIAL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) io.out(r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd());
  return 0;
}

/** What kind of credential an entry holds, never the credential. */
export function credentialOf(e: Entry): string {
  if ('eks' in e) return `eks ${e.eks.name} (${e.eks.region})`;
  if ('kubeconfig' in e) return `kubeconfig ${e.kubeconfig}`;
  return `token${e.insecureSkipTLSVerify ? ', TLS unverified' : e.caData ? '' : ', system CAs'}`;
}

async function remove(store: ClusterRegistryStore, id: string, io: ClusterCommandIo): Promise<number> {
  let found = false;
  const doc = await store.read();
  if (!(id in doc.clusters)) {
    io.err(`cluster ${id} is not in ${store.where}`);
    return 1;
  }
  await store.update((d) => {
    found = id in d.clusters;
    const { [id]: _gone, ...clusters } = d.clusters;
    return { ...d, clusters };
  });
  io.out(found ? `cluster ${id} removed from ${store.where}; its messages now fail as UnknownCluster. Its identity stays in the cluster: kubectl delete -k infra/sync-access` : `cluster ${id} was already gone from ${store.where}`);
  return 0;
}

/** `60s`, `2m`, or a number of seconds. */
function parseTimeout(v: string): number | undefined {
  const m = /^(\d+)(s|m)?$/.exec(v.trim());
  return m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000) : undefined;
}

function usage(io: ClusterCommandIo, problem: string): number {
  io.err(`${problem}\n\n${CLUSTER_HELP}`);
  return 2;
}

function defaultIo(): ClusterCommandIo {
  return { out: (l) => console.log(l), err: (l) => (l.startsWith('\r') ? process.stderr.write(l) : console.error(l)), tty: process.stderr.isTTY };
}
