import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { permanent } from '../engine/errors.ts';
import { Cluster } from './cluster.ts';
import { inClusterEndpoint, kubeconfigEndpoint, type KubeEndpoint } from './connection.ts';
import { eksTokenSource } from './eks-token.ts';
import type { CredentialSource } from '../aws/sigv4.ts';

/** Cluster id → a client for that cluster's API server. One sync plane serves many clusters. */
export interface ClusterRegistry {
  get(id: string): Promise<Cluster>;
}

/** An AWS region name (us-east-1, eu-central-2, cn-north-1, us-gov-west-1): it names STS's endpoint. */
const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1');

/**
 * How a cluster is reached; in the cloud this JSON lives in AWS Secrets Manager (the token is the secret part).
 * An EKS entry holds no secret: the function signs a short-lived token for the cluster with its own role.
 */
export const ClusterEntry = z.union([
  z.object({ eks: z.object({ name: z.string().min(1), region: AwsRegion }), server: z.url(), caData: z.string().optional() }),
  z.object({ server: z.url(), caData: z.string().optional(), token: z.string().min(1), insecureSkipTLSVerify: z.boolean().optional() }),
  z.object({ kubeconfig: z.string().min(1) }),
]);
export const ClusterRegistryDocument = z.object({ clusters: z.record(z.string(), ClusterEntry) });
export type ClusterRegistryDocument = z.infer<typeof ClusterRegistryDocument>;

/** Where an EKS entry's signing credentials come from; by default the SDK's chain (the Lambda's role). */
export type RegionCredentials = (region: string) => CredentialSource;

const sdkCredentials: RegionCredentials = (region) => {
  // The SDK's providers load only when an EKS entry is first used: other registries do not pay for them.
  const source = import('../aws/credentials.ts').then((m) => m.defaultCredentials(region));
  return async () => (await source)();
};

/**
 * How to reach one registry entry: inline server, CA and token; an EKS cluster with a token signed by the function;
 * or the current context of a kubeconfig file.
 */
export async function endpointFor(entry: z.infer<typeof ClusterEntry>, credentials: RegionCredentials = sdkCredentials, now?: () => Date): Promise<KubeEndpoint> {
  if ('kubeconfig' in entry) return kubeconfigEndpoint(entry.kubeconfig);
  const ca = entry.caData ? Buffer.from(entry.caData, 'base64').toString('utf8') : undefined;
  if ('eks' in entry) {
    const { name, region } = entry.eks;
    return { server: entry.server, ca, bearerToken: eksTokenSource({ cluster: name, region, credentials: credentials(region), now }) };
  }
  return { server: entry.server, token: entry.token, ca, insecureSkipTlsVerify: entry.insecureSkipTLSVerify ?? false };
}

/** Clusters known up front (local runs, tests). */
export class StaticClusterRegistry implements ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();
  constructor(entries: Record<string, KubeConfig | KubeEndpoint>) {
    for (const [id, kc] of Object.entries(entries)) this.clusters.set(id, new Cluster(id, kc));
  }
  async get(id: string): Promise<Cluster> {
    const c = this.clusters.get(id);
    if (!c) throw permanent('UnknownCluster', `cluster "${id}" is not in the cluster registry`);
    return c;
  }
}

/**
 * Reads the registry document lazily and keeps it for `ttlMs`, so a rotated token reaches warm functions within
 * minutes without a call to the document source on every message.
 */
export class DocumentClusterRegistry implements ClusterRegistry {
  private readonly load: () => Promise<string>;
  private readonly ttlMs: number;
  private readonly credentials: RegionCredentials | undefined;
  private cached: { at: number; clusters: Map<string, Cluster>; doc: ClusterRegistryDocument } | undefined;
  /** `credentials` sign EKS entries' tokens (default: the SDK's chain, one source per region). */
  constructor(load: () => Promise<string>, ttlMs = 300_000, credentials?: RegionCredentials) {
    this.load = load;
    this.ttlMs = ttlMs;
    this.credentials = credentials;
  }
  async get(id: string): Promise<Cluster> {
    if (!this.cached || Date.now() - this.cached.at > this.ttlMs) {
      const doc = ClusterRegistryDocument.parse(JSON.parse(await this.load()));
      this.cached = { at: Date.now(), clusters: new Map(), doc };
    }
    const { clusters, doc } = this.cached;
    let c = clusters.get(id);
    if (!c) {
      const entry = doc.clusters[id];
      if (!entry) throw permanent('UnknownCluster', `cluster "${id}" is not in the cluster registry`);
      c = new Cluster(id, await endpointFor(entry, this.credentials ?? this.sdkCredentials()));
      clusters.set(id, c);
    }
    return c;
  }

  private readonly byRegion = new Map<string, CredentialSource>();
  /** One SDK chain per region, kept across registry reloads so its cached role credentials are reused. */
  private sdkCredentials(): RegionCredentials {
    return (region) => {
      let source = this.byRegion.get(region);
      if (!source) this.byRegion.set(region, (source = sdkCredentials(region)));
      return source;
    };
  }
}

/**
 * From the environment: CLUSTER_REGISTRY_SECRET_ID (AWS Secrets Manager), else CLUSTER_REGISTRY_FILE (the same JSON
 * on disk), else the current context of KUBECONFIG (or ~/.kube/config), or the in-cluster service account, as the
 * single cluster CLUSTER_ID (default "local").
 */
export async function clusterRegistryFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ClusterRegistry> {
  if (env.CLUSTER_REGISTRY_SECRET_ID) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const sm = new SecretsManagerClient({});
    const secretId = env.CLUSTER_REGISTRY_SECRET_ID;
    return new DocumentClusterRegistry(async () => (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '{}');
  }
  if (env.CLUSTER_REGISTRY_FILE) {
    const file = env.CLUSTER_REGISTRY_FILE;
    return new DocumentClusterRegistry(() => readFile(file, 'utf8'));
  }
  const endpoint = env.KUBERNETES_SERVICE_HOST && !env.KUBECONFIG ? inClusterEndpoint(env) : await kubeconfigEndpoint(env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config'));
  return new StaticClusterRegistry({ [env.CLUSTER_ID ?? 'local']: endpoint });
}
