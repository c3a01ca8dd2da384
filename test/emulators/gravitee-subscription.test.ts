import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { nameUuid } from '../../vendors/gravitee/uuid-v3.ts';
import { AUTOMATION, MANAGEMENT_V1, apiSpec, applicationSpec, call, v2Definition } from './gravitee-helpers.ts';

const KEY = 'a-custom-api-key-of-at-least-32-chars';
const plans = [
  { hrid: 'keyless', name: 'Keyless', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'KEY_LESS' } },
  { hrid: 'apikey', name: 'API key', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'API_KEY' } },
  { hrid: 'jwt', name: 'JWT', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'JWT', configuration: {} } },
  { hrid: 'oauth', name: 'OAuth2', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'OAUTH2', configuration: {} } },
  { hrid: 'staging', name: 'Staging', status: 'STAGING', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'API_KEY' } },
];
const SUBS = `${AUTOMATION}/apis/default-api/subscriptions`;
const sub = (hrid: string, planHrid: string, extra: Record<string, unknown> = {}) => ({ hrid, applicationHrid: 'default-app', planHrid, ...extra });

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({ organizations: { DEFAULT: ['DEFAULT'] } });
});
afterAll(() => emu.close());
beforeEach(async () => {
  emu.reset();
  expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-api', '/api', { plans }) })).status).toBe(200);
  expect((await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-app') })).status).toBe(200);
});

describe('Automation subscriptions', () => {
  it('creates an accepted subscription with APIM ids and a start date, answers it without its API keys, and deletes it', async () => {
    const before = Date.now();
    const put = await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'apikey', { endingAt: '2040-12-25T09:12:28Z', metadata: { team: 'core' }, apiKeys: [{ key: KEY }] }) });
    expect(put.status).toBe(200);
    const apiCrossId = nameUuid('DEFAULT' + 'default-api');
    expect(put.body).toMatchObject({ id: nameUuid(apiCrossId + 'DEFAULT' + 'default-sub'), hrid: 'default-sub', apiHrid: 'default-api', planHrid: 'apikey', endingAt: '2040-12-25T09:12:28Z', metadata: { team: 'core' } });
    expect(Date.parse(put.body.startingAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(put.body)).not.toContain(KEY);
    const got = await call(emu, 'GET', `${SUBS}/default-sub`);
    expect(got.body).toMatchObject({ id: put.body.id, startingAt: put.body.startingAt, applicationHrid: 'default-app' });
    expect(JSON.stringify(got.body)).not.toContain(KEY);
    expect(emu.state.object('DEFAULT', 'DEFAULT', 'subscriptions', 'default-sub', 'default-api')?.apiKeys).toEqual([{ key: KEY }]);
    expect((await call(emu, 'DELETE', `${SUBS}/default-sub`)).status).toBe(204);
    expect((await call(emu, 'GET', `${SUBS}/default-sub`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });

  it('updates only the end date and metadata of an existing subscription, keeping its start, plan and application', async () => {
    const first = await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'apikey', { endingAt: '2040-12-25T09:12:28Z' }) });
    const second = await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'jwt', { metadata: { a: 'b' } }) });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, startingAt: first.body.startingAt, planHrid: 'apikey', metadata: { a: 'b' } });
    expect(second.body.endingAt).toBeUndefined();
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'subscriptions')).toHaveLength(1);
  });

  it('answers 404 for an unknown API, plan or application, as APIM', async () => {
    const noApi = await call(emu, 'PUT', `${AUTOMATION}/apis/default-nope/subscriptions`, { body: sub('default-sub', 'apikey') });
    expect(noApi).toMatchObject({ status: 404, body: { technicalCode: 'hrid.notFound' } });
    const noPlan = await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'gold') });
    const planId = nameUuid(nameUuid('DEFAULT' + 'default-api') + 'DEFAULT' + 'gold');
    expect(noPlan).toMatchObject({ status: 404, body: { technicalCode: 'plan.notFound', message: `Plan [${planId}] cannot be found.` } });
    const noApp = await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'apikey', { applicationHrid: 'default-ghost' }) });
    expect(noApp).toMatchObject({ status: 404, body: { technicalCode: 'application.notFound' } });
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'subscriptions')).toEqual([]);
  });

  it('refuses a keyless or unpublished plan, an archived application and a second subscription to the same plan', async () => {
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'keyless') })).toMatchObject({
      status: 400,
      body: { technicalCode: 'plan.notSubscribable', message: 'A keyless plan is not subscribable!' },
    });
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-sub', 'staging') })).toMatchObject({ status: 400, body: { technicalCode: 'plan.notPublished' } });
    expect((await call(emu, 'PUT', SUBS, { body: sub('default-one', 'apikey') })).status).toBe(200);
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-two', 'apikey') })).toMatchObject({ status: 400, body: { technicalCode: 'plan.subscribed' } });
    await call(emu, 'DELETE', `${AUTOMATION}/applications/default-app`);
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-three', 'jwt') })).toMatchObject({ status: 400, body: { technicalCode: 'application.archived' } });
  });

  it('needs a client id for a JWT or OAuth2 plan, and only one such plan per API and application', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-app', { settings: { app: { type: 'web' } } }) });
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-jwt', 'jwt') })).toMatchObject({
      status: 400,
      body: { technicalCode: 'plan.notSubscribable', message: 'A client_id is required to subscribe to an OAuth2 or JWT plan.' },
    });
    await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-app', { settings: { app: { type: 'web', clientId: 'c-1' } } }) });
    expect((await call(emu, 'PUT', SUBS, { body: sub('default-jwt', 'jwt') })).status).toBe(200);
    expect(await call(emu, 'PUT', SUBS, { body: sub('default-oauth', 'oauth') })).toMatchObject({ status: 400, body: { technicalCode: 'plan.otherOAuth2OrJWTSubscribed' } });
  });

  it('refuses a custom API key another subscription holds, without echoing it', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-other') });
    expect((await call(emu, 'PUT', SUBS, { body: sub('default-one', 'apikey', { apiKeys: [{ key: KEY }] }) })).status).toBe(200);
    const taken = await call(emu, 'PUT', SUBS, { body: sub('default-two', 'apikey', { applicationHrid: 'default-other', apiKeys: [{ key: KEY }] }) });
    expect(taken).toMatchObject({ status: 400, body: { technicalCode: 'apiKey.existing', message: 'API key already exists' } });
    expect(JSON.stringify(taken.body)).not.toContain(KEY);
  });

  it('addresses a legacy API and application by UUID, the plan by its id (a v2 API among them)', async () => {
    const appId = nameUuid(nameUuid('DEFAULT' + 'default-app') + 'DEFAULT');
    const v2 = v2Definition('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '/legacy', {
      plans: [{ id: '33333333-3333-4333-8333-333333333333', crossId: '44444444-4444-4444-8444-444444444444', name: 'keyed', description: 'd', security: 'API_KEY', status: 'PUBLISHED' }],
    });
    expect((await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: v2 })).status).toBe(200);
    const url = `${AUTOMATION}/apis/11111111-1111-4111-8111-111111111111/subscriptions`;
    const flags = '?hridContainsApiUUID=true&hridContainsAppUUID=true';
    const body = { hrid: 'default-legacy', applicationHrid: appId, planHrid: '33333333-3333-4333-8333-333333333333' };
    expect((await call(emu, 'PUT', url + flags, { body })).status).toBe(200);
    expect((await call(emu, 'GET', `${url}/default-legacy?hridContainsApiUUID=true`)).body).toMatchObject({ hrid: 'default-legacy', planHrid: body.planHrid });
    expect((await call(emu, 'PUT', url + flags, { body: { ...body, hrid: 'default-other', planHrid: 'keyless' } })).status).toBe(404);
    expect((await call(emu, 'DELETE', `${url}/default-legacy?hridContainsApiUUID=true`)).status).toBe(204);
    expect(emu.violations).toEqual([]);
  });

  it('refuses a body outside the published SubscriptionSpec (no plan) as a contract violation', async () => {
    const r = await call(emu, 'PUT', SUBS, { body: { hrid: 'default-sub', applicationHrid: 'default-app' } });
    expect(r.status).toBe(400);
    expect(emu.violations).toHaveLength(1);
  });
});
