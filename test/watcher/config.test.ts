import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseHttpAddr } from '../../watcher/config.ts';

const base = { CLUSTER_ID: 'eu-1', QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123/apim-sync.fifo' };

describe('watcher configuration', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(base)).toEqual({
      clusterId: 'eu-1',
      queueUrl: base.QUEUE_URL,
      region: 'eu-west-1',
      sqsEndpoint: undefined,
      namespaces: undefined,
      resyncIntervalSeconds: 600,
      httpAddr: { host: '0.0.0.0', port: 8080 },
      kubeconfigPath: undefined,
      listPageSize: 500,
      sqsTransport: 'http',
    });
  });

  it('reads every variable', () => {
    const cfg = loadConfig({
      ...base,
      AWS_REGION: 'us-east-1',
      SQS_ENDPOINT: 'http://127.0.0.1:4566',
      WATCH_NAMESPACES: ' team-a, team-b,,team-a ',
      RESYNC_INTERVAL_SECONDS: '0',
      HTTP_ADDR: '127.0.0.1:9090',
      KUBECONFIG: '/tmp/kubeconfig',
      LIST_PAGE_SIZE: '50',
      SQS_TRANSPORT: 'sdk',
    });
    expect(cfg).toMatchObject({
      region: 'us-east-1',
      sqsEndpoint: 'http://127.0.0.1:4566',
      namespaces: ['team-a', 'team-b'],
      resyncIntervalSeconds: 0,
      httpAddr: { host: '127.0.0.1', port: 9090 },
      kubeconfigPath: '/tmp/kubeconfig',
      listPageSize: 50,
      sqsTransport: 'sdk',
    });
  });

  it('refuses missing or malformed values with the variable named', () => {
    expect(() => loadConfig({ QUEUE_URL: base.QUEUE_URL })).toThrow(/CLUSTER_ID is required/);
    expect(() => loadConfig({ CLUSTER_ID: 'x' })).toThrow(/QUEUE_URL is required/);
    expect(() => loadConfig({ ...base, RESYNC_INTERVAL_SECONDS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, HTTP_ADDR: 'nope' })).toThrow(/HTTP_ADDR/);
    expect(() => loadConfig({ ...base, SQS_TRANSPORT: 'carrier-pigeon' })).toThrow(/SQS_TRANSPORT/);
  });

  it('reads the resync queue and pace, both optional', () => {
    const resync = 'https://sqs.eu-west-1.amazonaws.com/123/apim-sync-resync.fifo';
    expect(loadConfig({ ...base, RESYNC_QUEUE_URL: resync, RESYNC_MAX_PER_SECOND: '25' })).toMatchObject({ resyncQueueUrl: resync, resyncMaxPerSecond: 25 });
    const dflt = loadConfig({ ...base, RESYNC_QUEUE_URL: ' ', RESYNC_MAX_PER_SECOND: '' });
    expect(dflt).not.toHaveProperty('resyncQueueUrl'); // resyncs go to QUEUE_URL
    expect(dflt).not.toHaveProperty('resyncMaxPerSecond'); // spread over the interval
    expect(() => loadConfig({ ...base, RESYNC_QUEUE_URL: 'apim-sync-resync.fifo' })).toThrow(/RESYNC_QUEUE_URL must be an http\(s\) URL/);
    expect(() => loadConfig({ ...base, RESYNC_QUEUE_URL: base.QUEUE_URL })).toThrow(/RESYNC_QUEUE_URL must name another queue/);
    expect(() => loadConfig({ ...base, RESYNC_MAX_PER_SECOND: '2.5' })).toThrow(/RESYNC_MAX_PER_SECOND/);
  });

  it('parses listen addresses', () => {
    expect(parseHttpAddr('[::]:8080')).toEqual({ host: '::', port: 8080 });
    expect(parseHttpAddr(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseHttpAddr('off')).toBe(false);
  });
});
