import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { startWso2Apim, type Wso2ApimEmulator } from '../../emulators/wso2/apim/index.ts';
import { ApimClient, basic, bearer, PUBLISHER } from '../../emulators/wso2/apim/client.ts';
import { projectArchive } from '../../emulators/wso2/apim/project-archive.ts';

const START = Date.parse('2026-03-01T10:00:00Z');
let now = START;
let emu: Wso2ApimEmulator;
let apim: ApimClient;

beforeAll(async () => {
  emu = await startWso2Apim({
    admin: { username: 'admin', password: 's3cret' },
    users: [{ username: 'viewer', password: 'viewer-pw', scopes: ['apim:api_view'] }],
    tokenLifetimeSeconds: 600,
    clock: () => now,
  });
  apim = new ApimClient(emu.url, emu.caPem);
});
afterAll(async () => {
  await apim.close();
  await emu.close();
});
beforeEach(() => {
  emu.reset();
  now = START;
});

const ADMIN = basic('admin', 's3cret');
const GRANTS = 'client_credentials password refresh_token';

async function registerGateway(grantType = GRANTS) {
  const r = await apim.register(ADMIN, { clientName: 'gateway-controller', owner: 'admin', grantType, saasApp: true });
  expect(r.status).toBe(200);
  return r.body as { clientId: string; clientSecret: string };
}

describe('HTTPS', () => {
  it('serves a certificate its CA PEM verifies, and nothing else does', async () => {
    const ok = await apim.call('GET', `${PUBLISHER}/apis`);
    expect(ok.status).toBe(401);
    const untrusted = new Agent();
    await expect(fetch(`${emu.url}${PUBLISHER}/apis`, { dispatcher: untrusted })).rejects.toThrow();
    await untrusted.close();
    expect(emu.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe('dynamic client registration', () => {
  it('registers a client for the admin with the requested grants', async () => {
    const r = await apim.register(ADMIN, { clientName: 'gateway-controller', owner: 'admin', grantType: GRANTS, saasApp: true, callbackUrl: 'www.example.com' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ clientName: 'gateway-controller', appOwner: 'admin', isSaasApplication: true, callbackUrl: 'www.example.com', tokenType: 'JWT' });
    expect(r.body.clientId).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(r.body.clientSecret).toMatch(/^[A-Za-z0-9]{28}$/);
    expect(JSON.parse(r.body.jsonString)).toEqual({ grant_types: GRANTS, redirect_uris: 'www.example.com', client_name: 'gateway-controller' });
    expect(emu.clients()).toHaveLength(1);
    expect(emu.violations()).toEqual([]);
  });

  it('answers the existing client, unchanged, when the same name is registered again', async () => {
    const first = await registerGateway();
    const again = await apim.register(ADMIN, { clientName: 'gateway-controller', owner: 'admin', grantType: 'password', saasApp: false });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ clientId: first.clientId, clientSecret: first.clientSecret });
    expect(JSON.parse(again.body.jsonString)).toEqual({ grant_types: GRANTS });
    expect(emu.clients()).toHaveLength(1);
  });

  it('refuses another user registering for the admin, and a name another owner holds', async () => {
    const mismatch = await apim.register(basic('viewer', 'viewer-pw'), { clientName: 'x', owner: 'admin', grantType: GRANTS });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ code: 400, message: 'Bad Request', description: "Logged in user 'viewer' and application owner 'admin' should be same." });
    await registerGateway();
    const taken = await apim.register(basic('viewer', 'viewer-pw'), { clientName: 'gateway-controller', owner: 'viewer', grantType: GRANTS });
    expect(taken.status).toBe(403);
    expect(taken.body).toMatchObject({ code: 403, description: 'Access is forbidden to the application' });
  });

  it('answers 401 for wrong or missing admin credentials', async () => {
    for (const authorization of [basic('admin', 'nope'), basic('ghost', 's3cret'), null, 'Bearer x']) {
      const r = await apim.register(authorization as string, { clientName: 'x', owner: 'admin', grantType: GRANTS });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ code: 401, message: 'Unauthorized', description: 'The user is not authorized', moreInfo: '', error: [] });
    }
    expect(emu.clients()).toEqual([]);
  });

  it('drops code grants without a callback URL', async () => {
    const r = await apim.register(ADMIN, { clientName: 'web', owner: 'admin', grantType: 'authorization_code implicit password' });
    expect(r.status).toBe(200);
    expect(emu.clients()[0]!.grantTypes).toEqual(['password']);
  });

  it('records a registration outside the DCR contract', async () => {
    const r = await apim.register(ADMIN, { clientName: 7, owner: 'admin', grantType: GRANTS });
    expect(r.status).toBe(400);
    expect(emu.violations()).toEqual([
      { method: 'POST', path: '/client-registration/v0.17/register', problems: ['body /clientName: must be string'] },
    ]);
  });
});

describe('token endpoint', () => {
  it('issues client-credentials tokens to HTTP Basic client authentication, with the requested scopes echoed', async () => {
    const client = await registerGateway();
    const r = await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_view apim:api_import_export' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String), scope: 'apim:api_import_export apim:api_view', token_type: 'Bearer', expires_in: 600 });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(emu.violations()).toEqual([]);
  });

  it('accepts the client credentials in the body too (client_secret_post)', async () => {
    const client = await registerGateway();
    const r = await apim.call('POST', '/oauth2/token', {
      form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, scope: 'apim:api_view' },
    });
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('apim:api_view');
  });

  it('issues password-grant tokens, with a refresh token, to an authenticated client', async () => {
    const client = await registerGateway();
    const r = await apim.token(client, { grant_type: 'password', username: 'admin', password: 's3cret', scope: 'apim:api_view' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scope: 'apim:api_view', token_type: 'Bearer', expires_in: 600, refresh_token: expect.any(String) });
    const refreshed = await apim.token(client, { grant_type: 'refresh_token', refresh_token: r.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('apim:api_view');
    const reused = await apim.token(client, { grant_type: 'refresh_token', refresh_token: r.body.refresh_token });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('refuses the password grant without client authentication: invalid_client, as WSO2 IS', async () => {
    await registerGateway();
    const r = await apim.token(null, { grant_type: 'password', username: 'admin', password: 's3cret', scope: 'apim:api_view' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_client', error_description: 'Unsupported Client Authentication Method!' });
  });

  it('answers OAuth2 errors for wrong client secrets, unknown clients, wrong passwords and grants the client lacks', async () => {
    const client = await registerGateway('client_credentials');
    const wrongSecret = await apim.token({ clientId: client.clientId, clientSecret: 'nope' }, { grant_type: 'client_credentials' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: 'invalid_client', error_description: 'Client credentials are invalid.' });
    const unknown = await apim.token({ clientId: 'ghost', clientSecret: 'x' }, { grant_type: 'client_credentials' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    const lacking = await apim.token(client, { grant_type: 'password', username: 'admin', password: 's3cret' });
    expect(lacking.status).toBe(400);
    expect(lacking.body.error).toBe('unauthorized_client');

    const full = await registerGatewayNamed('other');
    const wrongPassword = await apim.token(full, { grant_type: 'password', username: 'admin', password: 'wrong' });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body).toEqual({ error: 'invalid_grant', error_description: 'Authentication failed for admin' });
    expect(emu.violations()).toEqual([]);
  });

  it('grants only the scopes the user holds, and `default` when none is left', async () => {
    const client = await registerGateway();
    const viewer = await apim.token(client, { grant_type: 'password', username: 'viewer', password: 'viewer-pw', scope: 'apim:api_import_export apim:api_view' });
    expect(viewer.body.scope).toBe('apim:api_view');
    const none = await apim.token(client, { grant_type: 'password', username: 'viewer', password: 'viewer-pw', scope: 'apim:api_delete' });
    expect(none.body.scope).toBe('default');
    const unknownScope = await apim.token(client, { grant_type: 'client_credentials', scope: 'made:up' });
    expect(unknownScope.body.scope).toBe('default');
  });

  it('records a grant outside its contract and answers unsupported_grant_type', async () => {
    const client = await registerGateway();
    const r = await apim.token(client, { grant_type: 'authorization_code', code: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unsupported_grant_type');
    expect(emu.violations()).toHaveLength(1);
    expect(emu.violations()[0]!.problems[0]).toMatch(/^body \/grant_type: must be equal to one of the allowed values/);
  });

  it('records a password grant without a username as invalid_request', async () => {
    const client = await registerGateway();
    const r = await apim.token(client, { grant_type: 'password', password: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_request');
    expect(emu.violations()[0]!.problems).toEqual(["body /username: must have required property 'username'"]);
  });
});

describe('bearer tokens on the Publisher', () => {
  it('enforces each operation’s scopes: 403 without one of them, 401 without a token', async () => {
    const client = await registerGateway();
    const viewOnly = (await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_view' })).body.access_token;
    const archive = projectArchive({ name: 'Pets', version: 'v1', context: '/pets' });
    const forbidden = await apim.importApi(viewOnly, archive, 'overwrite=false');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 900910, message: 'Invalid Scope' });
    expect((await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(viewOnly) })).status).toBe(200);
    const missing = await apim.call('GET', `${PUBLISHER}/apis`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 900902, message: 'Missing Credentials' });
    const basicAuth = await apim.call('GET', `${PUBLISHER}/apis`, { authorization: ADMIN });
    expect(basicAuth.status).toBe(401);
    const unknown = await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer('not-issued') });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 900906 });

    const importer = (await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_import_export' })).body.access_token;
    expect((await apim.importApi(importer, archive, 'overwrite=false')).status).toBe(200);
    expect(emu.violations()).toEqual([]);
  });

  it('expires tokens by the clock', async () => {
    const client = await registerGateway();
    const token = (await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_view' })).body.access_token;
    now = START + 599_000;
    expect((await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(token) })).status).toBe(200);
    now = START + 600_000;
    const expired = await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(token) });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 900903, description: 'Access token is expired.' });
  });

  it('honours a revocation made through the hook', async () => {
    const client = await registerGateway();
    const one = (await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_view' })).body.access_token;
    const two = (await apim.token(client, { grant_type: 'client_credentials', scope: 'apim:api_view' })).body.access_token;
    expect(emu.revokeToken(one)).toBe(1);
    const revoked = await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(one) });
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ code: 900904, description: 'Access token is inactive.' });
    expect((await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(two) })).status).toBe(200);
    expect(emu.revokeToken()).toBe(1);
    expect((await apim.call('GET', `${PUBLISHER}/apis`, { authorization: bearer(two) })).status).toBe(401);
  });
});

async function registerGatewayNamed(clientName: string) {
  const r = await apim.register(ADMIN, { clientName, owner: 'admin', grantType: GRANTS });
  return r.body as { clientId: string; clientSecret: string };
}
