import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get, readServerlessYml, ROOT } from './support.ts';

const sls = readServerlessYml();
const resources = get(sls, 'resources', 'Resources') as Record<string, { Type: string; Properties: Record<string, any> }>;
const queueArn = { 'Fn::GetAtt': ['SyncQueue', 'Arn'] };
const resyncQueueArn = { 'Fn::GetAtt': ['ResyncQueue', 'Arn'] };

/** All IAM statements the function's role gets from serverless.yml. */
const statements = get(sls, 'provider', 'iam', 'role', 'statements') as Array<{ Effect: string; Action: string[]; Resource: unknown }>;

describe('serverless.yml', () => {
  it('targets Node 24 on arm64 through osls and serverless-esbuild', () => {
    expect(sls.service).toBe('apim-sync');
    expect(get(sls, 'provider', 'name')).toBe('aws');
    expect(get(sls, 'provider', 'runtime')).toBe('nodejs24.x');
    expect(get(sls, 'provider', 'architecture')).toBe('arm64');
    expect(sls.plugins).toEqual(['serverless-esbuild']);
    expect(get(sls, 'provider', 'stage')).toContain('opt:stage');
    expect(get(sls, 'provider', 'region')).toContain('opt:region');
  });

  it('bundles everything as a minified ES module with the createRequire banner', () => {
    const esbuild = get(sls, 'custom', 'esbuild');
    expect(esbuild).toMatchObject({ bundle: true, format: 'esm', outputFileExtension: '.mjs', platform: 'node', target: 'node24', minify: true });
    expect(esbuild.sourcemap === false || esbuild.sourcemap === 'external').toBe(true);
    expect(esbuild.exclude).toEqual([]);
    expect(esbuild.external).toEqual([]);
    expect(esbuild.banner.js).toBe("import { createRequire } from 'module'; const require = createRequire(import.meta.url);");
  });

  it('subscribes the sync function to both FIFO queues, each with its own maximumConcurrency, with partial batch failures', () => {
    const fn = get(sls, 'functions', 'sync');
    expect(fn.handler).toBe('functions/sync/handler.handler');
    expect(fn.events).toHaveLength(2);
    const [changes, resyncs] = fn.events.map((e: { sqs: unknown }) => e.sqs);
    expect(changes).toMatchObject({ arn: queueArn, batchSize: 10, functionResponseType: 'ReportBatchItemFailures', maximumConcurrency: '${param:maximumConcurrency}' });
    expect(resyncs).toMatchObject({ arn: resyncQueueArn, batchSize: 10, functionResponseType: 'ReportBatchItemFailures', maximumConcurrency: '${param:resyncMaximumConcurrency}' });
    expect(fn.reservedConcurrency).toEqual({ 'Fn::If': ['HasReservedConcurrency', '${param:reservedConcurrency}', { Ref: 'AWS::NoValue' }] });
    expect(get(sls, 'params', 'default', 'maximumConcurrency')).toBeGreaterThanOrEqual(2);
    // AWS's minimum for an SQS event source's maximumConcurrency.
    expect(get(sls, 'params', 'default', 'resyncMaximumConcurrency')).toBe(2);
  });

  it('declares the resync queue as the sync queue is (FIFO, per-group throughput, same visibility), redriving to the same DLQ', () => {
    const q = resources.ResyncQueue;
    expect(q.Type).toBe('AWS::SQS::Queue');
    expect(q.Properties.QueueName).toMatch(/-resync\.fifo$/);
    const { QueueName: _a, ...same } = resources.SyncQueue.Properties;
    const { QueueName: _b, ...resync } = q.Properties;
    expect(resync).toEqual(same);
  });

  it('declares a FIFO queue whose visibility timeout is at least 6x the function timeout, redriving to a FIFO DLQ', () => {
    const q = resources.SyncQueue;
    expect(q.Type).toBe('AWS::SQS::Queue');
    expect(q.Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
    expect(q.Properties.QueueName).toMatch(/\.fifo$/);
    const timeout = Number(get(sls, 'custom', 'syncTimeoutSeconds'));
    expect(get(sls, 'provider', 'timeout')).toBe('${self:custom.syncTimeoutSeconds}');
    expect(q.Properties.VisibilityTimeout).toBe('${self:custom.queueVisibilityTimeoutSeconds}');
    expect(Number(get(sls, 'custom', 'queueVisibilityTimeoutSeconds'))).toBeGreaterThanOrEqual(6 * timeout);
    expect(q.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: '${param:maxReceiveCount}' });
    expect(get(sls, 'params', 'default', 'maxReceiveCount')).toBe(5);

    const dlq = resources.DeadLetterQueue;
    expect(dlq.Type).toBe('AWS::SQS::Queue');
    expect(dlq.Properties.FifoQueue).toBe(true);
    expect(dlq.Properties.QueueName).toMatch(/\.fifo$/);
  });

  it('sets the environment the sync function reads', () => {
    expect(get(sls, 'provider', 'environment')).toEqual({
      CLUSTER_REGISTRY_SECRET_ID: '${param:clusterRegistrySecret}',
      QUEUE_URL: { Ref: 'SyncQueue' },
      OWNERSHIP_TABLE: { Ref: 'OwnershipTable' },
      POWERTOOLS_SERVICE_NAME: 'apim-sync',
      POWERTOOLS_METRICS_NAMESPACE: '${param:metricsNamespace}',
      LOG_LEVEL: '${param:logLevel}',
      ALLOW_LOOPBACK: 'false',
    });
  });

  it('limits IAM to the sync queues, the registry secret and the ownership table', () => {
    const allowedSqs = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility', 'sqs:SendMessage'];
    expect(statements).toHaveLength(3);
    for (const s of statements) expect(s.Effect).toBe('Allow');
    const [sqs, secret, ownership] = statements;
    expect([...ownership.Action].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(ownership.Resource).toEqual({ 'Fn::GetAtt': ['OwnershipTable', 'Arn'] });
    expect([...sqs.Action].sort()).toEqual([...allowedSqs].sort());
    expect(sqs.Resource).toEqual([queueArn, resyncQueueArn]);
    expect(secret.Action).toEqual(['secretsmanager:GetSecretValue']);
    const [cond, asArn, asName] = get(secret.Resource, 'Fn::If');
    expect(cond).toBe('RegistrySecretIsArn');
    expect(asArn).toBe('${param:clusterRegistrySecret}');
    expect(asName['Fn::Sub']).toBe('arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${param:clusterRegistrySecret}-??????');
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  it('offers the watcher a send-only managed policy on both queues, and outputs what it needs', () => {
    const p = resources.WatcherSendPolicy;
    expect(p.Type).toBe('AWS::IAM::ManagedPolicy');
    const st = p.Properties.PolicyDocument.Statement;
    expect(st).toHaveLength(1);
    expect(st[0].Action).toContain('sqs:SendMessage');
    expect(st[0].Action.every((a: string) => a === 'sqs:SendMessage' || a === 'sqs:GetQueueAttributes')).toBe(true);
    expect(st[0].Resource).toEqual([queueArn, resyncQueueArn]);

    const outputs = get(sls, 'resources', 'Outputs');
    expect(outputs.SyncQueueUrl.Value).toEqual({ Ref: 'SyncQueue' });
    expect(outputs.SyncQueueArn.Value).toEqual(queueArn);
    expect(outputs.ResyncQueueUrl.Value).toEqual({ Ref: 'ResyncQueue' });
    expect(outputs.ResyncQueueArn.Value).toEqual(resyncQueueArn);
    expect(outputs.DeadLetterQueueUrl.Value).toEqual({ Ref: 'DeadLetterQueue' });
    expect(outputs.WatcherSendPolicyArn.Value).toEqual({ Ref: 'WatcherSendPolicy' });
  });

  it('keeps ownership records in a retained, encrypted, on-demand DynamoDB table keyed by pk', () => {
    const t = resources.OwnershipTable as { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties: Record<string, any> };
    expect(t.Type).toBe('AWS::DynamoDB::Table');
    expect(t.DeletionPolicy).toBe('Retain');
    expect(t.UpdateReplacePolicy).toBe('Retain');
    expect(t.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('creates no secret and resolves nothing through AWS at package time', () => {
    expect(Object.values(resources).map((r) => r.Type)).not.toContain('AWS::SecretsManager::Secret');
    const text = readFileSync(join(ROOT, 'serverless.yml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    for (const source of ['${aws:', '${ssm:', '${cf:', '${s3:', '${sls:instanceId']) expect(text).not.toContain(source);
  });
});
