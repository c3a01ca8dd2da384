import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import type { AgentOptions, RequestOptions } from 'node:https';
import { http, https } from '../node-http.ts';
import { dirname, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

/** A kubeconfig or in-cluster setting that cannot work: the process cannot start (or the cluster cannot be reached) until it is fixed. */
export class KubeConnectionError extends Error {
  override name = 'KubeConnectionError';
}

/** A cluster endpoint without a kubeconfig: what the local runner, tests and the in-cluster setup pass. */
export interface KubeEndpoint {
  server: string;
  token?: string;
  /** Read again (at most once a minute), as the kubelet rotates projected service account tokens. */
  tokenFile?: string;
  /** A token signed on demand and refreshed by its source (an EKS cluster's, shared/kube/eks-token.ts). */
  bearerToken?: () => Promise<string>;
  /** PEM */
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
}

/** How requests reach the API server: base URL, a keep-alive agent, and the auth headers of the moment. */
export interface KubeConnection {
  server: URL;
  agent: HttpAgent;
  headers(): Promise<Record<string, string>>;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Accepts a client-node KubeConfig (used through its type and methods only, so its heavy module is never loaded here)
 * or a plain endpoint.
 */
export async function resolveConnection(input: KubeConfig | KubeEndpoint): Promise<KubeConnection> {
  if (isKubeConfig(input)) return fromKubeConfig(input);
  return fromEndpoint(input);
}

function isKubeConfig(x: KubeConfig | KubeEndpoint): x is KubeConfig {
  return typeof (x as KubeConfig).applyToHTTPSOptions === 'function' && typeof (x as KubeConfig).getCurrentCluster === 'function';
}

async function fromKubeConfig(kc: KubeConfig): Promise<KubeConnection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeConnectionError('kubeconfig has no current cluster');
  const server = new URL(cluster.server);
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const agent = makeAgent(server, { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized });
  return {
    server,
    agent,
    async headers() {
      // client-node refreshes exec and OIDC tokens itself; its agent is discarded, ours is reused.
      const o: RequestOptions = {};
      await kc.applyToHTTPSOptions(o);
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries((o.headers ?? {}) as Record<string, unknown>)) if (typeof v === 'string') h[k] = v;
      if (o.auth) h.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
      return h;
    },
  };
}

function fromEndpoint(ep: KubeEndpoint): KubeConnection {
  const server = new URL(ep.server);
  const agent = makeAgent(server, { ca: ep.ca, cert: ep.cert, key: ep.key, rejectUnauthorized: ep.insecureSkipTlsVerify ? false : undefined });
  let cached: { token: string; at: number } | undefined;
  const token = (): string | undefined => {
    if (ep.token) return ep.token;
    if (!ep.tokenFile) return undefined;
    if (!cached || Date.now() - cached.at > 60_000) cached = { token: readFileSync(ep.tokenFile, 'utf8').trim(), at: Date.now() };
    return cached.token;
  };
  return {
    server,
    agent,
    async headers(): Promise<Record<string, string>> {
      const t = ep.bearerToken ? await ep.bearerToken() : token();
      return t ? { Authorization: `Bearer ${t}` } : {};
    },
  };
}

function makeAgent(server: URL, tls: AgentOptions): HttpAgent {
  const common = { keepAlive: true };
  if (server.protocol === 'http:') return new http.Agent(common);
  const clean = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
  return new https.Agent({ ...common, ...clean });
}

/** The pod's service account, as client-go's rest.InClusterConfig. */
export function inClusterEndpoint(env: Record<string, string | undefined> = process.env): KubeEndpoint {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new KubeConnectionError('not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and KUBECONFIG is not set');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tokenFile: `${SA_DIR}/token`,
    ca: readFileSync(`${SA_DIR}/ca.crt`, 'utf8'),
  };
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name: string; user?: Record<string, unknown> }>;
}

/** The current context of a kubeconfig file; `yaml` is loaded only on this path. */
export async function kubeconfigEndpoint(path: string): Promise<KubeEndpoint> {
  const { parse } = await import('yaml');
  const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile;
  const dir = dirname(path);
  const ctxName = doc['current-context'];
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new KubeConnectionError(`kubeconfig ${path}: current context "${ctxName ?? ''}" not found`);
  const cluster = doc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new KubeConnectionError(`kubeconfig ${path}: cluster "${ctx.cluster ?? ''}" has no server`);
  const user = doc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (user.exec || user['auth-provider']) throw new KubeConnectionError(`kubeconfig ${path}: exec and auth-provider users are not supported; use a token`);
  const str = (o: Record<string, unknown>, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const pem = (o: Record<string, unknown>, dataKey: string, fileKey: string) => {
    const data = str(o, dataKey);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = str(o, fileKey);
    return file ? readFileSync(resolve(dir, file), 'utf8') : undefined;
  };
  const tokenFile = str(user, 'tokenFile');
  return {
    server: cluster.server,
    token: str(user, 'token'),
    tokenFile: tokenFile ? resolve(dir, tokenFile) : undefined,
    ca: pem(cluster, 'certificate-authority-data', 'certificate-authority'),
    cert: pem(user, 'client-certificate-data', 'client-certificate'),
    key: pem(user, 'client-key-data', 'client-key'),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
