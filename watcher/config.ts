/**
 * Watcher configuration from environment variables.
 *
 *   CLUSTER_ID               required  Name of this cluster in every message (`cluster`), 1-253 characters.
 *   QUEUE_URL                required  URL of the changes queue, SQS FIFO (…/name.fifo): every change, and every
 *                                      object not in step (stack output SyncQueueUrl).
 *   RESYNC_QUEUE_URL         optional  URL of the resync queue (stack output ResyncQueueUrl): periodic resyncs of objects
 *                                      in step (Ready at their generation). Unset: they go to QUEUE_URL.
 *   RESYNC_MAX_PER_SECOND    optional  A resync releases at most this many objects a second; default: the objects
 *                                      spread evenly over RESYNC_INTERVAL_SECONDS (at least 1 a second).
 *   AWS_REGION               optional  Region of the queue; default: the region in QUEUE_URL, else us-east-1.
 *   SQS_ENDPOINT             optional  SQS endpoint override, e.g. http://127.0.0.1:4566 for the fauxqs emulator.
 *   WATCH_NAMESPACES         optional  Comma-separated namespaces to watch; empty or unset = all namespaces.
 *   RESYNC_INTERVAL_SECONDS  optional  Period of the full re-enqueue (reason `resync`); default 600, 0 disables.
 *   HTTP_ADDR                optional  host:port of /healthz, /readyz and /metrics; default 0.0.0.0:8080, `off` disables.
 *   KUBECONFIG               optional  Path of a kubeconfig file (its current context; token, token file, client
 *                                      certificate and CA are supported, exec plugins are not). Unset: in-cluster
 *                                      service account (KUBERNETES_SERVICE_HOST/PORT, token and ca.crt files).
 *   LIST_PAGE_SIZE           optional  Items per list page (`limit`); default 500.
 *   SQS_TRANSPORT            optional  `http` (default): the two SQS calls over node:http, signed by AWS's SigV4
 *                                      signer with credentials from the SDK's default chain (environment, IRSA, EKS
 *                                      Pod Identity, IMDSv2, profiles; shared/aws/); `sdk`: the AWS SDK's SQS client,
 *                                      a few MB more memory.
 *   LOG_LEVEL                optional  debug, info (default), warn or error.
 *
 * Memory: run it as `node --max-old-space-size=48 --max-semi-space-size=1 --lite-mode watcher.mjs` with
 * MALLOC_ARENA_MAX=1 (RECOMMENDED_NODE_ARGS / RECOMMENDED_ENV in measure-rss.ts, where the measurements are).
 */

export interface HttpAddr {
  host: string;
  port: number;
}

export interface WatcherEnvConfig {
  clusterId: string;
  queueUrl: string;
  resyncQueueUrl?: string;
  region: string;
  sqsEndpoint?: string;
  namespaces?: string[];
  resyncIntervalSeconds: number;
  /** undefined: spread over the interval. */
  resyncMaxPerSecond?: number;
  httpAddr: HttpAddr | false;
  kubeconfigPath?: string;
  listPageSize: number;
  sqsTransport: 'http' | 'sdk';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): WatcherEnvConfig {
  const clusterId = required(env, 'CLUSTER_ID');
  if (clusterId.length > 253) throw new ConfigError('CLUSTER_ID must be at most 253 characters');
  const queueUrl = required(env, 'QUEUE_URL');
  if (!/^https?:\/\//.test(queueUrl)) throw new ConfigError('QUEUE_URL must be an http(s) URL');
  const resyncQueueUrl = env.RESYNC_QUEUE_URL?.trim() || undefined;
  if (resyncQueueUrl && !/^https?:\/\//.test(resyncQueueUrl)) throw new ConfigError('RESYNC_QUEUE_URL must be an http(s) URL');
  if (resyncQueueUrl && resyncQueueUrl === queueUrl) throw new ConfigError('RESYNC_QUEUE_URL must name another queue than QUEUE_URL (or be unset)');
  const maxPerSecond = nonNegativeInt(env, 'RESYNC_MAX_PER_SECOND', 0);
  const namespaces = parseList(env.WATCH_NAMESPACES);
  return {
    clusterId,
    queueUrl,
    ...(resyncQueueUrl ? { resyncQueueUrl } : {}),
    region: env.AWS_REGION?.trim() || regionOfQueueUrl(queueUrl) || 'us-east-1',
    sqsEndpoint: env.SQS_ENDPOINT?.trim() || undefined,
    namespaces: namespaces.length ? namespaces : undefined,
    resyncIntervalSeconds: nonNegativeInt(env, 'RESYNC_INTERVAL_SECONDS', 600),
    ...(maxPerSecond > 0 ? { resyncMaxPerSecond: maxPerSecond } : {}),
    httpAddr: parseHttpAddr(env.HTTP_ADDR?.trim() || '0.0.0.0:8080'),
    kubeconfigPath: env.KUBECONFIG?.trim() || undefined,
    listPageSize: Math.max(1, nonNegativeInt(env, 'LIST_PAGE_SIZE', 500)),
    sqsTransport: oneOf(env, 'SQS_TRANSPORT', ['http', 'sdk'] as const, 'http'),
  };
}

function required(env: Record<string, string | undefined>, name: string): string {
  const v = env[name]?.trim();
  if (!v) throw new ConfigError(`${name} is required`);
  return v;
}

function nonNegativeInt(env: Record<string, string | undefined>, name: string, dflt: number): number {
  const raw = env[name]?.trim();
  if (!raw) return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function oneOf<T extends string>(env: Record<string, string | undefined>, name: string, values: readonly T[], dflt: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return dflt;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
}

export function parseList(raw: string | undefined): string[] {
  return [...new Set((raw ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
}

export function parseHttpAddr(raw: string): HttpAddr | false {
  if (raw === 'off') return false;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new ConfigError(`HTTP_ADDR must be host:port (or off), got "${raw}"`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function regionOfQueueUrl(url: string): string | undefined {
  return /sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}
