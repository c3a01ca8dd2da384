import { describe, expect, it } from 'vitest';
import type { SyncError } from '../../shared/engine/errors.ts';
import type { VendorRequest, VendorResponse, VendorTransport } from '../../shared/vendor-http/vendor-http.ts';
import type { OAuth2Grant } from '../../vendors/wso2/apim/credentials.ts';
import { PublisherApi } from '../../vendors/wso2/apim/publisher-api.ts';
import { PUBLISHER_SCOPES, TokenCache } from '../../vendors/wso2/apim/token.ts';

const endpoint = { url: 'https://apim.example:9443/oauth2/token' };
const clientCredentials: OAuth2Grant = { type: 'client_credentials', clientId: 'client-id-1', clientSecret: 'client-secret-s3cr3t' };
const ropc: OAuth2Grant = { ...clientCredentials, type: 'password', username: 'deployer', password: 'p4ssw0rd-s3cr3t' };

/** A token endpoint (and Publisher API) answering from a script, recording each request. */
function fakeApim(answer: (req: VendorRequest, n: number) => Partial<VendorResponse> = (_r, n) => ({ body: { access_token: `token-${n}`, expires_in: 100 } })) {
  const requests: VendorRequest[] = [];
  const http: VendorTransport = {
    async request(req) {
      requests.push(req);
      const a = answer(req, requests.length);
      return { status: a.status ?? 200, headers: a.headers ?? {}, body: a.body };
    },
  };
  return { http, requests };
}

const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');

async function refusal(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    return e as SyncError;
  }
  throw new Error('did not fail');
}

describe('the OAuth2 token of bottom-up sync', () => {
  it('client credentials: form body with the Publisher scopes, the client authenticated with HTTP Basic', async () => {
    const apim = fakeApim();
    const token = await new TokenCache().token(endpoint, clientCredentials, apim.http);
    expect(token).toEqual({ value: 'token-1', fresh: true });
    expect(apim.requests[0]).toMatchObject({
      method: 'POST',
      url: endpoint.url,
      form: { grant_type: 'client_credentials', scope: 'apim:api_view apim:api_import_export' },
      headers: { authorization: basic('client-id-1', 'client-secret-s3cr3t') },
    });
    expect(PUBLISHER_SCOPES).toEqual(['apim:api_view', 'apim:api_import_export']);
  });

  it('ROPC: username and password in the form, and the client authenticated too (APIM requires it)', async () => {
    const apim = fakeApim();
    await new TokenCache().token(endpoint, ropc, apim.http);
    expect(apim.requests[0]).toMatchObject({
      form: { grant_type: 'password', username: 'deployer', password: 'p4ssw0rd-s3cr3t', scope: 'apim:api_view apim:api_import_export' },
      headers: { authorization: basic('client-id-1', 'client-secret-s3cr3t') },
    });
  });

  it('is cached until 90 % of expires_in, then minted again', async () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    const apim = fakeApim();
    expect((await cache.token(endpoint, clientCredentials, apim.http)).value).toBe('token-1');
    now += 89_999;
    expect(await cache.token(endpoint, clientCredentials, apim.http)).toEqual({ value: 'token-1', fresh: false });
    now += 1;
    expect(await cache.token(endpoint, clientCredentials, apim.http)).toEqual({ value: 'token-2', fresh: true });
    expect(apim.requests).toHaveLength(2);
  });

  it('without expires_in, is trusted for an hour', async () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    const apim = fakeApim((_r, n) => ({ body: { access_token: `token-${n}` } }));
    await cache.token(endpoint, clientCredentials, apim.http);
    now = 3_599_999 * 0.9;
    expect((await cache.token(endpoint, clientCredentials, apim.http)).value).toBe('token-1');
    now = 3_600_000 * 0.9;
    expect((await cache.token(endpoint, clientCredentials, apim.http)).value).toBe('token-2');
  });

  it('is one per token URL, client, grant, user and secret; concurrent syncs share one request', async () => {
    const cache = new TokenCache();
    const apim = fakeApim();
    const [a, b] = await Promise.all([cache.token(endpoint, clientCredentials, apim.http), cache.token(endpoint, clientCredentials, apim.http)]);
    expect(a.value).toBe(b.value);
    expect(apim.requests).toHaveLength(1);
    await cache.token(endpoint, ropc, apim.http);
    await cache.token(endpoint, { ...ropc, username: 'other' }, apim.http);
    await cache.token({ url: 'https://other.example/oauth2/token' }, clientCredentials, apim.http);
    await cache.token(endpoint, { ...clientCredentials, clientSecret: 'rotated' }, apim.http);
    await cache.token(endpoint, { ...clientCredentials, clientId: 'client-id-2' }, apim.http);
    expect(apim.requests).toHaveLength(6);
    await cache.token(endpoint, ropc, apim.http);
    expect(apim.requests).toHaveLength(6);
  });

  it('a dropped token is minted again; a newer one is not dropped by a late refusal of the old', async () => {
    const cache = new TokenCache();
    const apim = fakeApim();
    const first = await cache.token(endpoint, clientCredentials, apim.http);
    cache.drop(endpoint, clientCredentials, first.value);
    const second = await cache.token(endpoint, clientCredentials, apim.http);
    expect(second).toEqual({ value: 'token-2', fresh: true });
    cache.drop(endpoint, clientCredentials, first.value);
    expect(await cache.token(endpoint, clientCredentials, apim.http)).toEqual({ value: 'token-2', fresh: false });
  });

  it('invalid_client is permanent, says the client credentials are wrong, and names no secret', async () => {
    const apim = fakeApim(() => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed.' } }));
    const err = await refusal(new TokenCache().token(endpoint, ropc, apim.http));
    expect([err.retry, err.reason]).toEqual(['permanent', 'Unauthorized']);
    expect(err.message).toContain('client id or secret');
    for (const secret of ['client-secret-s3cr3t', 'p4ssw0rd-s3cr3t']) expect(err.message).not.toContain(secret);
  });

  it('a wrong password (invalid_grant) is permanent and names the user, not the password; 503 is retried', async () => {
    const wrong = await refusal(new TokenCache().token(endpoint, ropc, fakeApim(() => ({ status: 400, body: { error: 'invalid_grant' } })).http));
    expect([wrong.retry, wrong.message.includes('deployer'), wrong.message.includes('p4ssw0rd')]).toEqual(['permanent', true, false]);
    const down = await refusal(new TokenCache().token(endpoint, ropc, fakeApim(() => ({ status: 503, body: '' })).http));
    expect([down.retry, down.reason]).toEqual(['transient', 'ApimUnavailable']);
  });
});

describe('Publisher calls with a cached token', () => {
  const host = 'apim.example:9443';
  /** Publisher answers `publisher(token)`; the token endpoint mints token-1, token-2, … */
  function apimWith(publisher: (token: string) => Partial<VendorResponse>) {
    let minted = 0;
    return fakeApim((req) => {
      if (req.url.endsWith('/oauth2/token')) return { body: { access_token: `token-${++minted}`, expires_in: 3600 } };
      return publisher(String(req.headers?.authorization).replace('Bearer ', ''));
    });
  }

  it('a 401 on a cached token (revoked) drops it and retries once with a fresh one', async () => {
    const cache = new TokenCache();
    const apim = apimWith((token) => (token === 'token-1' && revoked ? { status: 401, body: { code: 401, message: 'Unauthenticated' } } : { body: { id: 'a1', name: 'n', version: 'v' } }));
    let revoked = false;
    const api = new PublisherApi({ host, grant: clientCredentials }, apim.http, cache);
    await api.get('a1');
    revoked = true;
    expect(await api.get('a1')).toMatchObject({ id: 'a1' });
    expect(apim.requests.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.headers?.authorization ?? ''}`)).toEqual([
      `POST /oauth2/token ${basic('client-id-1', 'client-secret-s3cr3t')}`,
      'GET /api/am/publisher/v4/apis/a1 Bearer token-1',
      'GET /api/am/publisher/v4/apis/a1 Bearer token-1',
      `POST /oauth2/token ${basic('client-id-1', 'client-secret-s3cr3t')}`,
      'GET /api/am/publisher/v4/apis/a1 Bearer token-2',
    ]);
  });

  it('a 403 on a fresh token is permanent and names the scopes the call needs', async () => {
    const apim = apimWith(() => ({ status: 403, body: { code: 403, message: 'Forbidden' } }));
    const err = await refusal(new PublisherApi({ host, grant: clientCredentials }, apim.http, new TokenCache()).import({ name: 'a.zip', bytes: new Uint8Array([1]) }, false, 'test-api'));
    expect([err.retry, err.reason]).toEqual(['permanent', 'Forbidden']);
    expect(err.message).toContain('apim:api_import_export');
    expect(apim.requests.filter((r) => r.url.endsWith('/import?preserveProvider=false&overwrite=false&rotateRevision=true'))).toHaveLength(1);
  });

  it('import: multipart field "file"; 400 names what APIM refused; 503 is "APIM unavailable", retried', async () => {
    const answers: Partial<VendorResponse>[] = [
      { status: 400, body: { code: 400, message: 'Bad Request', description: 'Error while importing API: context /x already exists' } },
      { status: 503, body: '' },
      { body: { id: 'api-1', revision: 'rev-1' } },
    ];
    const apim = apimWith(() => answers.shift()!);
    const api = new PublisherApi({ host, grant: clientCredentials }, apim.http, new TokenCache());
    const file = { name: 'test-api-v1.0.zip', bytes: new Uint8Array([1, 2]) };
    const invalid = await refusal(api.import(file, false, 'test-api'));
    expect([invalid.retry, invalid.invalid]).toEqual(['permanent', true]);
    expect(invalid.message).toContain('context /x already exists');
    const down = await refusal(api.import(file, false, 'test-api'));
    expect([down.retry, down.message]).toEqual(['transient', expect.stringContaining('APIM unavailable')]);
    expect(await api.import(file, true, 'test-api')).toEqual({ status: 200, result: { id: 'api-1', revision: 'rev-1' } });
    const last = apim.requests.at(-1)!;
    expect(last.url).toBe(`https://${host}/api/am/publisher/v4/apis/import?preserveProvider=false&overwrite=true&rotateRevision=true`);
    expect(last.body?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(Buffer.from(last.body!.data as Uint8Array).toString('latin1')).toContain('name="file"; filename="test-api-v1.0.zip"');
  });
});
