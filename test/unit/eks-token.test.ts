import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import type { AwsCredentials } from '../../shared/aws/sigv4.ts';
import type { ExternalClient, KindDefinition } from '../../shared/engine/kind.ts';
import { KindCatalog } from '../../shared/engine/kind-catalog.ts';
import { syncMessage } from '../../shared/engine/sync-message.ts';
import { ClusterRegistryDocument, DocumentClusterRegistry } from '../../shared/kube/cluster-registry.ts';
import { eksTokenSource, signEksToken } from '../../shared/kube/eks-token.ts';
import { CallCounter } from '../../shared/kube/call-counter.ts';
import { registerResourceType } from '../../shared/kube/resources.ts';
import { jsonLogger } from '../../shared/log.ts';

/** AWS's SigV4 test suite credentials (test/fixtures/aws-sigv4-test-suite/README.md). */
const CREDS: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE = new URL('../fixtures/aws-sigv4-test-suite/', import.meta.url).pathname;
const AT = new Date('2015-08-30T12:36:00Z');

// ---- SigV4 computed from AWS's documented steps, independent of the signer under test ----

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Task 1–4 of "Create a signed AWS API request": canonical request, string to sign, signing key, signature. */
function signature(o: { secret: string; amzDate: string; scope: string; method: string; path: string; query: [string, string][]; headers: Record<string, string>; payload: string }): string {
  const names = Object.keys(o.headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const query = o.query.map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1));
  const canonical = [o.method, o.path, query.map(([k, v]) => `${k}=${v}`).join('&'), names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), sha256(o.payload)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', o.amzDate, o.scope, sha256(canonical)].join('\n');
  const [date, region, service] = o.scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${o.secret}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** What EKS's authenticator and then STS check of a token: its form, its cluster, its age, and (STS) its signature. */
function verifyToken(token: string | undefined, o: { cluster: string; region: string; secret: string; now: Date }): string | undefined {
  if (!token?.startsWith('k8s-aws-v1.')) return 'prefix';
  const encoded = token.slice('k8s-aws-v1.'.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return 'not base64url without padding';
  const url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (url.protocol !== 'https:' || url.host !== `sts.${o.region}.amazonaws.com` || url.pathname !== '/') return `host ${url.host}`;
  const q = url.searchParams;
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15') return 'action';
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return 'algorithm';
  if (q.get('X-Amz-Expires') !== '60') return 'expires';
  const amzDate = q.get('X-Amz-Date') ?? '';
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(o.now.getTime() - signedAt < 15 * 60_000 && signedAt <= o.now.getTime())) return 'expired';
  const [accessKey, ...scopeParts] = (q.get('X-Amz-Credential') ?? '').split('/');
  const scope = scopeParts.join('/');
  if (scope !== `${amzDate.slice(0, 8)}/${o.region}/sts/aws4_request`) return `scope ${scope}`;
  if (!accessKey) return 'access key';
  if (q.get('X-Amz-SignedHeaders') !== 'host;x-k8s-aws-id') return `signed headers ${q.get('X-Amz-SignedHeaders')}`;
  // The cluster header is not in the URL: the authenticator adds its own cluster's name and STS checks the signature.
  const query = [...q].filter(([k]) => k !== 'X-Amz-Signature');
  const expected = signature({ secret: o.secret, amzDate, scope, method: 'GET', path: '/', query, headers: { host: url.host, 'x-k8s-aws-id': o.cluster }, payload: '' });
  return q.get('X-Amz-Signature') === expected ? undefined : 'signature';
}

describe('EKS token', () => {
  it('computes signatures as AWS documents them (the reference reproduces the SigV4 test suite)', () => {
    const expected = readFileSync(join(SUITE, 'get-vanilla.authz'), 'utf8').trim();
    const sig = signature({ secret: CREDS.secretAccessKey, amzDate: '20150830T123600Z', scope: '20150830/us-east-1/service/aws4_request', method: 'GET', path: '/', query: [], headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }, payload: '' });
    expect(expected).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`);
  });

  it('is k8s-aws-v1. and the base64url of an STS GetCallerIdentity URL presigned for the cluster', async () => {
    const token = await signEksToken({ cluster: 'orders-prod', region: 'eu-west-1', credentials: CREDS, at: AT });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token).not.toMatch(/[=+/]/);
    const url = new URL(Buffer.from(token.slice(11), 'base64url').toString('utf8'));
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request',
      'X-Amz-Date': '20150830T123600Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const now = new Date(AT.getTime() + 1000);
    expect(verifyToken(token, { cluster: 'orders-prod', region: 'eu-west-1', secret: CREDS.secretAccessKey, now })).toBeUndefined();
    // The signature binds the cluster and the secret: another cluster's authenticator, or other keys, refuse it.
    expect(verifyToken(token, { cluster: 'orders-dev', region: 'eu-west-1', secret: CREDS.secretAccessKey, now })).toBe('signature');
    expect(verifyToken(token, { cluster: 'orders-prod', region: 'eu-west-1', secret: 'other', now })).toBe('signature');
  });

  it('carries temporary credentials’ session token in the signed query', async () => {
    const token = await signEksToken({ cluster: 'c', region: 'us-east-1', credentials: { ...CREDS, sessionToken: 'SESSION/TOKEN+1' }, at: AT });
    const url = new URL(Buffer.from(token.slice(11), 'base64url').toString('utf8'));
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('SESSION/TOKEN+1');
    expect(verifyToken(token, { cluster: 'c', region: 'us-east-1', secret: CREDS.secretAccessKey, now: AT })).toBeUndefined();
  });

  it('is signed once and reused, then signed again 14 minutes on or a minute before its credentials expire', async () => {
    let now = AT;
    let fetched = 0;
    let expiration: Date | undefined;
    const source = eksTokenSource({ cluster: 'c', region: 'us-east-1', now: () => now, credentials: async () => (fetched++, { ...CREDS, expiration }) });
    const first = await source();
    now = new Date(AT.getTime() + 13 * 60_000 + 59_000);
    expect(await source()).toBe(first);
    expect(fetched).toBe(1);
    now = new Date(AT.getTime() + 14 * 60_000);
    const second = await source();
    expect(second).not.toBe(first);
    expect(new URL(Buffer.from(second.slice(11), 'base64url').toString()).searchParams.get('X-Amz-Date')).toBe('20150830T125000Z');
    expect(fetched).toBe(2);
    // Credentials that expire in 3 minutes: the token dies with them, so a new one is signed 2 minutes on.
    now = new Date(now.getTime() + 14 * 60_000);
    expiration = new Date(now.getTime() + 3 * 60_000);
    const third = await source();
    now = new Date(now.getTime() + 60_000);
    expect(await source()).toBe(third);
    now = new Date(now.getTime() + 60_000);
    expect(await source()).not.toBe(third);
    expect(fetched).toBe(4);
  });

  it('does not keep a failed signing: the next request tries again', async () => {
    let fail = true;
    const source = eksTokenSource({ cluster: 'c', region: 'us-east-1', now: () => AT, credentials: async () => (fail ? Promise.reject(new Error('Could not load credentials from any providers')) : CREDS) });
    await expect(source()).rejects.toThrow(/credentials/);
    fail = false;
    expect(await source()).toMatch(/^k8s-aws-v1\./);
  });
});

// ---- through a stand-in API server that authenticates as EKS does ----

const WIDGET = { apiVersion: 'example.io/v1', kind: 'Widget', plural: 'widgets' };
registerResourceType(WIDGET);
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.io }
spec:
  group: example.io
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

/** A kind whose vendor is a counter: enough to show a whole sync (read, finalizer, status) through the token. */
function widgetKind(created: string[]): KindDefinition<unknown> {
  const client = (name: string): ExternalClient => ({
    observe: async () => ({ exists: created.includes(name), upToDate: true, status: {} }),
    create: async () => (created.push(name), {}),
    update: async () => ({}),
    delete: async () => {},
  });
  return {
    ...WIDGET,
    namespaced: true,
    references: () => [],
    schema: z.looseObject({}),
    connect: async (d: { object: { metadata: { name: string } } }) => client(d.object.metadata.name),
    conditions: {
      success: () => [{ type: 'Ready', status: 'True', reason: 'Synced', message: 'synced' }],
      failure: (err: { reason: string; message: string }) => [{ type: 'Ready', status: 'False', reason: err.reason, message: err.message }],
    },
  } as unknown as KindDefinition<unknown>;
}

describe('EKS registry entry', () => {
  let eks: KubeApiServer;
  let other: KubeApiServer;
  const refused: string[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-'));
    writeFileSync(join(dir, 'widgets.yaml'), CRD);
    eks = await startKubeApiServer({
      crdFiles: [join(dir, 'widgets.yaml')],
      authenticate: (token) => {
        const why = verifyToken(token, { cluster: 'orders-prod', region: 'eu-west-1', secret: CREDS.secretAccessKey, now: new Date() });
        if (why) refused.push(why);
        return !why;
      },
    });
    other = await startKubeApiServer({ crdFiles: [join(dir, 'widgets.yaml')], token: 'static' });
    // Set up through the registry too: the stand-in accepts no other credentials.
    const reg = registry(CREDS.secretAccessKey);
    for (const id of ['eks', 'other']) await (await reg.get(id)).create({ apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: {} });
  });
  afterAll(async () => Promise.all([eks?.close(), other?.close()]));

  const registry = (secret: string) =>
    new DocumentClusterRegistry(
      async () =>
        JSON.stringify({
          clusters: { eks: { eks: { name: 'orders-prod', region: 'eu-west-1' }, server: eks.url }, other: { server: other.url, token: 'static' } },
        }),
      300_000,
      (region) => async () => (expect(region).toBe('eu-west-1'), { ...CREDS, secretAccessKey: secret }),
    );

  async function sync(reg: DocumentClusterRegistry, cluster: string, lines: string[]) {
    const w = (await (await registry(CREDS.secretAccessKey).get(cluster)).get({ apiVersion: WIDGET.apiVersion, kind: WIDGET.kind, namespace: 'default', name: 'w' }))!;
    const body = JSON.stringify({ v: 1, cluster, apiVersion: WIDGET.apiVersion, kind: WIDGET.kind, namespace: 'default', name: 'w', uid: w.metadata.uid, resourceVersion: w.metadata.resourceVersion, reason: 'added' });
    const created: string[] = [];
    const deps = { clusters: reg, kinds: new KindCatalog([widgetKind(created)]), http: { calls: new CallCounter() } as never, log: jsonLogger({ level: 'INFO', sink: (l) => lines.push(l) }), retry: { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 4 } };
    return { outcome: await syncMessage(body, 1, deps), created };
  }

  it('parses by cluster name and region, and names a bad region', () => {
    expect(ClusterRegistryDocument.safeParse({ clusters: { a: { eks: { name: 'x', region: 'eu-west-1' }, server: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', caData: 'LS0t' } } }).success).toBe(true);
    const bad = ClusterRegistryDocument.safeParse({ clusters: { a: { eks: { name: 'x', region: 'Ireland' }, server: 'https://x' } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('an AWS region such as eu-west-1');
  });

  it('syncs through an API server that accepts only a valid EKS token for its cluster', async () => {
    const lines: string[] = [];
    const { outcome, created } = await sync(registry(CREDS.secretAccessKey), 'eks', lines);
    expect(refused, lines.join('\n')).toEqual([]);
    expect(outcome).toMatchObject({ done: true, action: 'created' });
    expect(created).toEqual(['w']);
    expect(eks.requestCounts()['patch widgets.example.io/status']).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('k8s-aws-v1.');
  });

  it('a cluster that refuses the credentials, or does not answer, delays only its own message, with a log naming it', async () => {
    const lines: string[] = [];
    const reg = registry('not-the-secret');
    const refusedSync = await sync(reg, 'eks', lines);
    expect(refused).toContain('signature');
    expect(refusedSync.outcome).toMatchObject({ done: false });
    expect(refusedSync.created).toEqual([]);
    const otherSync = await sync(reg, 'other', lines);
    expect(otherSync.outcome).toMatchObject({ done: true, action: 'created' });
    const warn = lines.map((l) => JSON.parse(l)).find((l) => l.level === 'WARN');
    expect(warn).toMatchObject({ message: 'member cluster unavailable; its messages retry', cluster: 'eks', clusterUnavailable: 'unauthorized', name: 'w', retry: 'transient' });
    expect(warn.error).toMatch(/the cluster refused the sync function's credentials \(401\)/);
    expect(lines.join('\n')).not.toContain('k8s-aws-v1.');

    const gone = new DocumentClusterRegistry(async () => JSON.stringify({ clusters: { eks: { eks: { name: 'orders-prod', region: 'eu-west-1' }, server: 'http://127.0.0.1:1' } } }), 300_000, () => async () => CREDS);
    const down: string[] = [];
    const body = JSON.stringify({ v: 1, cluster: 'eks', apiVersion: WIDGET.apiVersion, kind: WIDGET.kind, namespace: 'default', name: 'w', uid: 'u', resourceVersion: '1', reason: 'added' });
    const outcome = await syncMessage(body, 1, { clusters: gone, kinds: new KindCatalog([widgetKind([])]), http: { calls: new CallCounter() } as never, log: jsonLogger({ level: 'INFO', sink: (l) => down.push(l) }), retry: { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 4 } });
    expect(outcome).toMatchObject({ done: false });
    expect(JSON.parse(down.find((l) => l.includes('WARN'))!)).toMatchObject({ cluster: 'eks', clusterUnavailable: 'unreachable', error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
