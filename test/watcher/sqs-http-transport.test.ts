import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedQueue, type EmbeddedQueue } from '../../local/embedded-queue.ts';
import { sigV4Signer, type AwsCredentials, type AwsRequest } from '../../shared/aws/sigv4.ts';
import { parseSyncMessage } from '../../shared/queue/envelope.ts';
import { defaultCredentials } from '../../watcher/aws-credentials.ts';
import { sqsHttpTransport } from '../../watcher/sqs-http-transport.ts';
import { waitFor } from '../support/wait.ts';

const SUITE = new URL('../fixtures/aws-sigv4-test-suite/', import.meta.url).pathname;
const SUITE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** A suite `.req` file as our signer takes it: X-Amz-Date is the signing time, X-Amz-Security-Token the session token. */
function suiteCase(name: string): { req: AwsRequest; at: Date; credentials: AwsCredentials; authz: string } {
  const raw = readFileSync(join(SUITE, `${name}.req`), 'utf8');
  const [head, body] = raw.split('\n\n');
  const [requestLine, ...lines] = head.trim().split('\n');
  const [method, target] = requestLine.split(' ');
  const fields = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1)]));
  const { host, 'x-amz-date': date, 'x-amz-security-token': sessionToken, ...headers } = fields;
  const at = new Date(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  return {
    req: { method, url: new URL(`https://${host}${target}`), headers, body },
    at,
    credentials: { ...SUITE_CREDENTIALS, ...(sessionToken ? { sessionToken } : {}) },
    authz: readFileSync(join(SUITE, `${name}.authz`), 'utf8').trim(),
  };
}

describe("SigV4 signer (AWS's signer, checked against AWS's published test suite)", () => {
  it.each(['get-vanilla', 'post-x-www-form-urlencoded', 'get-vanilla-query-order-key-case', 'post-sts-header-before'])('signs %s as the suite says', async (name) => {
    const c = suiteCase(name);
    const headers = await sigV4Signer({ region: 'us-east-1', service: 'service', credentials: c.credentials }).sign(c.req, c.at);
    expect(headers.authorization).toBe(c.authz);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.host).toBe('example.amazonaws.com');
    expect(headers['x-amz-security-token']).toBe(c.credentials.sessionToken);
    expect(headers['x-amz-content-sha256']).toBeUndefined();
  });

  it('presigns a URL (the EKS token form): x-amz-* headers and the session token in the query, other headers signed', async () => {
    const credentials = { ...SUITE_CREDENTIALS, sessionToken: 'session/token+=' };
    const at = new Date('2015-08-30T12:36:00Z');
    const req = { method: 'GET', url: new URL('https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15'), headers: { 'x-k8s-aws-id': 'prod cluster' } };
    const url = await sigV4Signer({ region: 'eu-west-1', service: 'sts', credentials }).presign(req, 60, at);
    const q = url.searchParams;
    expect(Object.fromEntries([...q].filter(([k]) => k !== 'X-Amz-Signature'))).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': 'session/token+=',
    });
    // What STS computes on receipt, written out from AWS's documented steps.
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
    const query = [...q].filter(([k]) => k !== 'X-Amz-Signature').map(([k, v]) => `${enc(k)}=${enc(v)}`).sort().join('&');
    const canonical = ['GET', '/', query, 'host:sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id:prod cluster', '', 'host;x-k8s-aws-id', createHash('sha256').update('').digest('hex')].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/eu-west-1/sts/aws4_request', createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key: Buffer | string = `AWS4${credentials.secretAccessKey}`;
    for (const part of ['20150830', 'eu-west-1', 'sts', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    expect(q.get('X-Amz-Signature')).toBe(createHmac('sha256', key).update(toSign).digest('hex'));
    // The URL sent is the one signed: its query is the canonical one.
    expect(url.search.slice(1).split('&').filter((p) => !p.startsWith('X-Amz-Signature=')).sort().join('&')).toBe(query);
  });
});

/** The variables the SDK's credential chain reads; each test sets its own, on a home without AWS config files. */
const CHAIN_VARIABLES = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME',
];

describe("AWS credentials (the SDK's default chain)", () => {
  let server: Server;
  let base: string;
  let dir: string;
  const saved = Object.fromEntries(CHAIN_VARIABLES.map((k) => [k, process.env[k]]));
  const seen: Array<{ method?: string; url: string; auth?: string; imdsToken?: string; body: string }> = [];
  const env = (vars: Record<string, string>) => {
    // Never the real instance metadata address: a test that wants IMDS names the stand-in.
    Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: 'true', ...vars });
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aws-chain-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const url = req.url ?? '';
        seen.push({ method: req.method, url, auth: req.headers.authorization, imdsToken: req.headers['x-aws-ec2-metadata-token'] as string | undefined, body });
        const expiration = (ms: number) => new Date(Date.now() + ms).toISOString();
        if (url === '/latest/api/token' && req.method === 'PUT') return void res.end('imds-token');
        if (url.startsWith('/latest/meta-data/iam/security-credentials/')) {
          if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return void res.writeHead(401).end();
          return void res.end(url.endsWith('/') ? 'node-role\n' : JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: 'ASIANODE', SecretAccessKey: 'n0de', Token: 'nodetok', Expiration: expiration(3600_000) }));
        }
        if (url === '/sts/') {
          res.setHeader('content-type', 'text/xml');
          return void res.end(
            `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIASTS</AccessKeyId><SecretAccessKey>s3</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>${expiration(3600_000)}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/w/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
          );
        }
        if (url === '/pod') {
          res.setHeader('content-type', 'application/json');
          return void res.end(JSON.stringify({ AccessKeyId: 'ASIAPOD', SecretAccessKey: 'p0d', Token: 'podtok', Expiration: expiration(60_000) }));
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    for (const k of CHAIN_VARIABLES) delete process.env[k];
    Object.assign(process.env, { HOME: dir, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') });
  });
  afterEach(() => {
    for (const k of CHAIN_VARIABLES) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the environment first', async () => {
    env({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'SECRET', AWS_SESSION_TOKEN: 'T', AWS_ROLE_ARN: 'ignored', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'ignored') });
    expect(await defaultCredentials('us-east-1')()).toMatchObject({ accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'T' });
  });

  it('exchanges the IRSA web identity token with STS, and caches the answer', async () => {
    writeFileSync(join(dir, 'token'), 'jwt-token');
    env({ AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ROLE_ARN: 'arn:aws:iam::1:role/w', AWS_ENDPOINT_URL_STS: `${base}/sts/` });
    const source = defaultCredentials('eu-west-1');
    expect(await source()).toMatchObject({ accessKeyId: 'ASIASTS', secretAccessKey: 's3', sessionToken: 'tok' });
    await source();
    const calls = seen.filter((s) => s.url === '/sts/');
    expect(calls).toHaveLength(1);
    const form = new URLSearchParams(calls[0].body);
    expect(form.get('Action')).toBe('AssumeRoleWithWebIdentity');
    expect(form.get('WebIdentityToken')).toBe('jwt-token');
    expect(form.get('RoleArn')).toBe('arn:aws:iam::1:role/w');
  });

  it('asks the EKS Pod Identity endpoint with its token, again when the credentials near expiry', async () => {
    writeFileSync(join(dir, 'pod-token'), 'pod-token');
    env({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/pod`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'pod-token') });
    const source = defaultCredentials('eu-west-1');
    expect(await source()).toMatchObject({ accessKeyId: 'ASIAPOD', sessionToken: 'podtok' });
    await source(); // expires within five minutes: fetched again
    await waitFor('a second credentials request', () => seen.filter((s) => s.url === '/pod').length === 2);
    expect(seen.filter((s) => s.url === '/pod').map((s) => s.auth)).toEqual(['pod-token', 'pod-token']);
  });

  it("falls back to the node's instance profile through IMDSv2", async () => {
    env({ AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: base });
    expect(await defaultCredentials('us-east-1')()).toMatchObject({ accessKeyId: 'ASIANODE', secretAccessKey: 'n0de', sessionToken: 'nodetok' });
    const imds = seen.filter((s) => s.url.startsWith('/latest/'));
    expect(imds[0]).toMatchObject({ method: 'PUT', url: '/latest/api/token' });
    expect(imds.slice(1).every((s) => s.imdsToken === 'imds-token')).toBe(true);
  });

  it('fails with the reason when there is nothing', async () => {
    env({});
    await expect(defaultCredentials('us-east-1')()).rejects.toThrow(/credentials/i);
  });
});

describe("SQS over HTTP without the SDK's SQS client", () => {
  let queue: EmbeddedQueue;
  beforeAll(async () => {
    queue = await startEmbeddedQueue({ name: 'http-transport' });
  });
  afterAll(async () => queue?.close());

  it('sends a FIFO batch the queue accepts, with group and dedup ids, and pings', async () => {
    const t = sqsHttpTransport({ queueUrl: queue.queueUrl, region: 'us-east-1', endpoint: queue.endpoint, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
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
