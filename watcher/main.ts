// The watcher's container entry: configuration from the environment (see config.ts), JSON logs on stdout.
//   node dist/watcher.mjs      (bundled by scripts/build-watcher.ts; `node watcher/main.ts` runs the sources)
import { defaultCredentials } from './aws-credentials.ts';
import { ConfigError, loadConfig, type WatcherEnvConfig } from './config.ts';
import { KubeConnectionError, inClusterEndpoint, kubeconfigEndpoint } from '../shared/kube/connection.ts';
import { createLog, errorFields, levelFilter, stdoutSink } from './log.ts';
import type { QueueTransport } from './queue-sender.ts';
import { sqsHttpTransport } from './sqs-http-transport.ts';
import { startWatcher } from './watcher.ts';

const level = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === process.env.LOG_LEVEL?.trim().toLowerCase()) ?? 'info';
const sink = levelFilter(stdoutSink, level);
const log = createLog(sink, { component: 'watcher' });

async function queue(cfg: WatcherEnvConfig): Promise<{ transport: QueueTransport; resyncTransport?: QueueTransport } | { sqs: import('@aws-sdk/client-sqs').SQSClient }> {
  if (cfg.sqsTransport === 'http') {
    const credentials = defaultCredentials(cfg.region);
    const to = (queueUrl: string) => sqsHttpTransport({ queueUrl, region: cfg.region, endpoint: cfg.sqsEndpoint, credentials });
    return { transport: to(cfg.queueUrl), ...(cfg.resyncQueueUrl ? { resyncTransport: to(cfg.resyncQueueUrl) } : {}) };
  }
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return { sqs: new SQSClient({ region: cfg.region, ...(cfg.sqsEndpoint ? { endpoint: cfg.sqsEndpoint } : {}) }) };
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const kubeConfig = cfg.kubeconfigPath ? await kubeconfigEndpoint(cfg.kubeconfigPath) : inClusterEndpoint();
  const watcher = await startWatcher({
    clusterId: cfg.clusterId,
    kubeConfig,
    queueUrl: cfg.queueUrl,
    resyncQueueUrl: cfg.resyncQueueUrl,
    ...(await queue(cfg)),
    namespaces: cfg.namespaces,
    resyncIntervalSeconds: cfg.resyncIntervalSeconds,
    resyncMaxPerSecond: cfg.resyncMaxPerSecond,
    httpAddr: cfg.httpAddr,
    listPageSize: cfg.listPageSize,
    log: stdoutSink,
    logLevel: level,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    watcher
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error('shutdown failed', errorFields(err));
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  log.error(err instanceof ConfigError || err instanceof KubeConnectionError ? 'invalid configuration' : 'watcher failed to start', errorFields(err));
  process.exit(1);
});
