import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';
import { defaultCredentials } from '../../watcher/aws-credentials.ts';
import { signV4 } from '../../watcher/aws-sigv4.ts';
import { sqsHttpTransport } from '../../watcher/sqs-http-transport.ts';

/** The hash constructor SignatureV4 wants, over node:crypto (the SDK's own comes from @aws-crypto, not installed here). */
const bytes = (d: ArrayBuffer | ArrayBufferView) => (ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

class Sha256 {
  private h: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = typeof secret === 'string' || secret === undefined ? secret : bytes(secret);
    this.h = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  reset(): void {
    this.h = this.secret ? createHmac('sha256', this.secret) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(typeof data === 'string' ? data : bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

describe('SigV4 signer', () => {
  it('signs exactly as the AWS SDK does, session token included', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+=' };
    const when = new Date('2026-03-04T05:06:07.890Z');
    const body = JSON.stringify({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123/q.fifo', Entries: [{ Id: 'm0', MessageBody: '{"v":1}' }] });
    for (const url of [new URL('https://sqs.eu-west-1.amazonaws.com/'), new URL('http://127.0.0.1:4566/a path/x?b=2&a=1&c=%2F')]) {
      const ours = signV4({ method: 'POST', url, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' }, body }, credentials, 'eu-west-1', 'sqs', when);
      const sdk = await new SignatureV4({ credentials, region: 'eu-west-1', service: 'sqs', sha256: Sha256, applyChecksum: false }).sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: decodeURIComponent(url.pathname),
          query: Object.fromEntries(url.searchParams),
          headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
          body,
        },
        { signingDate: when },
      );
      expect(ours.authorization).toBe(sdk.headers.authorization);
      expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
    }
  });
});

describe('AWS credentials', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; auth?: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
        if (req.url === '/latest/api/token') {
          res.end(req.method === 'PUT' ? 'imds-token' : '');
        } else if (req.url?.startsWith('/latest/meta-data/iam/security-credentials/')) {
          if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end();
          res.end(req.url.endsWith('/') ? 'node-role\n' : JSON.stringify({ AccessKeyId: 'ASIANODE', SecretAccessKey: 'n0de', Token: 'nodetok', Expiration: new Date(Date.now() + 3600_000).toISOString() }));
        } else if (req.url === '/sts') {
          res.end(`<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIASTS</AccessKeyId><SecretAccessKey>s3</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`);
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ AccessKeyId: 'ASIAPOD', SecretAccessKey: 'p0d', Token: 'podtok', Expiration: new Date(Date.now() + 60_000).toISOString() }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the environment first', async () => {
    const c = await defaultCredentials('us-east-1', { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'SECRET', AWS_SESSION_TOKEN: 'T', AWS_ROLE_ARN: 'ignored' })();
    expect(c).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'T' });
  });

  it('exchanges the IRSA web identity token with STS, and caches the answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irsa-'));
    writeFileSync(join(dir, 'token'), 'jwt-token\n');
    const source = defaultCredentials('eu-west-1', { AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::1:role/w', AWS_STS_ENDPOINT: `${base}/sts` });
    const c = await source();
    expect(c).toMatchObject({ accessKeyId: 'ASIASTS', secretAccessKey: 's3', sessionToken: 'tok' });
    await source();
    const calls = seen.filter((s) => s.url === '/sts');
    expect(calls).toHaveLength(1);
    expect(new URLSearchParams(calls[0].body).get('WebIdentityToken')).toBe('jwt-token');
    expect(new URLSearchParams(calls[0].body).get('Action')).toBe('AssumeRoleWithWebIdentity');
  });

  it('asks the EKS Pod Identity endpoint with its token, again when the credentials near expiry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pod-'));
    writeFileSync(join(dir, 'token'), 'pod-token');
    const source = defaultCredentials('eu-west-1', { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/pod`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'token') });
    expect(await source()).toMatchObject({ accessKeyId: 'ASIAPOD', sessionToken: 'podtok' });
    await source(); // expires within five minutes: fetched again
    const calls = seen.filter((s) => s.url === '/pod');
    expect(calls).toHaveLength(2);
    expect(calls[0].auth).toBe('pod-token');
  });

  it("falls back to the node's instance profile through IMDSv2", async () => {
    const c = await defaultCredentials('us-east-1', { AWS_EC2_METADATA_SERVICE_ENDPOINT: base })();
    expect(c).toMatchObject({ accessKeyId: 'ASIANODE', secretAccessKey: 'n0de', sessionToken: 'nodetok' });
  });

  it('says what to configure when there is nothing', async () => {
    await expect(defaultCredentials('us-east-1', { AWS_EC2_METADATA_DISABLED: 'true' })()).rejects.toThrow(/no AWS credentials/);
  });
});

describe('SQS over HTTP without the SDK', () => {
  let queue: EmbeddedQueue;
  beforeAll(async () => {
    queue = await startEmbeddedQueue({ name: 'http-transport' });
  });
  afterAll(async () => queue?.close());

  it('sends a FIFO batch the queue accepts, with group and dedup ids, and pings', async () => {
    const t = sqsHttpTransport({ queueUrl: queue.queueUrl, region: 'us-east-1', endpoint: queue.endpoint, credentials: defaultCredentials('us-east-1', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }) });
    await t.ping();
    const msg = { v: 1, cluster: 'c', apiVersion: 'gravitee.io/v1alpha1', kind: 'Application', namespace: 'ns', name: 'app', uid: 'u', resourceVersion: '1', reason: 'added' };
    const res = await t.sendBatch([{ id: 'm0', body: JSON.stringify(msg), groupId: 'g1', deduplicationId: 'd1' }, { id: 'm1', body: JSON.stringify({ ...msg, name: 'app2' }), groupId: 'g2', deduplicationId: 'd2' }]);
    expect(res.failed).toEqual([]);
    const got = await queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10, AttributeNames: ['All'] }));
    expect(got.Messages?.map((m) => parseSyncMessage(m.Body ?? '').name).sort()).toEqual(['app', 'app2']);
    expect(got.Messages?.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual(['g1', 'g2']);
    for (const m of got.Messages ?? []) await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: m.ReceiptHandle }));
  });

  it('fails loudly for a queue that does not exist', async () => {
    const t = sqsHttpTransport({ queueUrl: `${queue.endpoint}/000000000000/nope.fifo`, region: 'us-east-1', endpoint: queue.endpoint, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
    await expect(t.ping()).rejects.toThrow(/SQS GetQueueAttributes failed/);
  });
});
