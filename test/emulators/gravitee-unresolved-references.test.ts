/**
 * The Gravitee emulator refuses what APIM refuses when a GKO reference reaches it unresolved: an API resource that is
 * a `ref` instead of `type`/`configuration`, a flow step that is a `sharedPolicyGroupRef` instead of a `policy`, a
 * client certificate without `content`, and an OAuth application type spelled as GKO's CRD spells it. Each is a 400
 * in APIM's shape, a recorded violation, and nothing stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { AUTOMATION, MANAGEMENT_V1, apiSpec, applicationSpec, call, v2Definition } from './gravitee-helpers.ts';

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const problems = () => emu.violations.flatMap((v) => v.problems);
const API_ID = '0e3ee0a4-6b53-4b42-9e63-3c9c4c2b1f10';
const API_CROSS_ID = '5a0c1b6e-0b8e-4f67-9d61-3f2f5c1de0a1';

const resourceRef = { enabled: true, ref: { name: 'redis-cache', namespace: 'apis' } };
const inlineResource = { enabled: true, name: 'redis-cache', type: 'cache-redis', configuration: { timeToLiveSeconds: 60 } };
const spgStep = { enabled: true, sharedPolicyGroupRef: { name: 'rate-limits' } };
const spgPolicyStep = { enabled: true, name: 'rate-limits', policy: 'shared-policy-group-policy', configuration: { sharedPolicyGroupId: API_CROSS_ID, hrid: 'apis-rate-limits' } };

describe('Automation API: v4 APIs', () => {
  it('refuses a resource given by reference, and takes it inlined', async () => {
    const refused = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('with-ref', '/with-ref', { resources: [resourceRef] }) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ httpStatus: 400, technicalCode: 'invalid' });
    expect(problems().join('\n')).toMatch(/resources\/0.*(type|configuration|name)/);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
    emu.violations.length = 0;
    const taken = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('with-ref', '/with-ref', { resources: [inlineResource] }) });
    expect(taken.status).toBe(200);
    expect(problems()).toEqual([]);
  });

  it('refuses a flow step that names a shared policy group instead of a policy, in API and plan flows', async () => {
    const flows = [{ enabled: true, request: [spgStep] }];
    const inApi = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('spg-api', '/spg-api', { flows }) });
    expect(inApi.status).toBe(400);
    expect(problems().join('\n')).toMatch(/flows\/0\/request\/0.*policy/);
    emu.violations.length = 0;
    const plan = { hrid: 'keyless', name: 'Keyless', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'KEY_LESS' }, flows };
    const inPlan = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('spg-plan', '/spg-plan', { plans: [plan] }) });
    expect(inPlan.status).toBe(400);
    expect(problems().join('\n')).toMatch(/plans\/0\/flows\/0\/request\/0.*policy/);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
    emu.violations.length = 0;
    const group = { hrid: 'apis-rate-limits', name: 'Rate limits', apiType: 'PROXY', phase: 'REQUEST', steps: [{ enabled: true, name: 'Rate limit', policy: 'rate-limit', configuration: {} }] };
    expect((await call(emu, 'PUT', `${AUTOMATION}/shared-policy-groups`, { body: group })).status).toBe(200);
    const resolved = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('spg-api', '/spg-api', { flows: [{ enabled: true, request: [spgPolicyStep] }] }) });
    expect(resolved.status).toBe(200);
    expect(problems()).toEqual([]);
  });

  it('refuses a flow mode, plan mode or security type spelled otherwise than the spec', async () => {
    const refused = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('lower', '/lower', { flowExecution: { mode: 'default', matchRequired: false } }) });
    expect(refused.status).toBe(400);
    expect(problems().join('\n')).toMatch(/flowExecution\/mode/);
  });
});

describe('Automation API: applications', () => {
  const tls = (cert: Record<string, unknown>) => ({ settings: { app: { type: 'web' }, tls: { clientCertificates: [cert] } } });

  it('refuses a client certificate without content (a Secret reference sent as it is)', async () => {
    const refused = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('mtls-app', tls({ name: 'c', ref: { name: 'client-cert' } })) });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ httpStatus: 400, technicalCode: 'invalid' });
    expect(problems().join('\n')).toMatch(/clientCertificates\/0.*content/);
    expect(emu.state.applications('DEFAULT', 'DEFAULT')).toEqual([]);
    emu.violations.length = 0;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect((await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('mtls-app', tls({ name: 'c', content: pem })) })).status).toBe(200);
    expect(problems()).toEqual([]);
  });

  it("refuses an OAuth application type in the CRD's spelling, and takes the spec's", async () => {
    const oauth = (applicationType: string) => ({ settings: { oauth: { applicationType, grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'] } } });
    const refused = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('spa', oauth('BROWSER')) });
    expect(refused.status).toBe(400);
    expect(problems().join('\n')).toMatch(/applicationType/);
    emu.violations.length = 0;
    expect((await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('spa', oauth('browser')) })).status).toBe(200);
    expect(problems()).toEqual([]);
  });
});

describe('Management v1 import-crd: v2 APIs', () => {
  const importCrd = (extra: Record<string, unknown>) =>
    call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd?dryRun=false`, { body: v2Definition(API_ID, API_CROSS_ID, '/legacy', extra) });

  it('refuses a resource given by reference in the v1 error shape, and takes it inlined', async () => {
    const refused = await importCrd({ resources: [resourceRef] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ http_status: 400, technicalCode: 'invalid' });
    expect(refused.body.message).toMatch(/^Unable to import because of errors \[.*resources.*\]$/);
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([]);
    emu.violations.length = 0;
    expect((await importCrd({ resources: [inlineResource] })).status).toBe(200);
    expect(problems()).toEqual([]);
  });

  it('refuses a flow step without a policy, in API and plan flows', async () => {
    const flows = [{ name: 'f', enabled: true, path_operator: { path: '/', operator: 'STARTS_WITH' }, pre: [spgStep], post: [] }];
    expect((await importCrd({ flows })).status).toBe(400);
    expect(problems().join('\n')).toMatch(/flows\/0\/pre\/0.*policy/);
    emu.violations.length = 0;
    const plans = [{ name: 'free', description: 'd', security: 'KEY_LESS', status: 'PUBLISHED', flows }];
    expect((await importCrd({ plans })).status).toBe(400);
    expect(problems().join('\n')).toMatch(/plans\/0\/flows\/0\/pre\/0.*policy/);
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([]);
    emu.violations.length = 0;
    const step = { name: 'Rate limit', enabled: true, policy: 'rate-limit', configuration: {} };
    expect((await importCrd({ flows: [{ ...flows[0], pre: [step] }] })).status).toBe(200);
    expect(problems()).toEqual([]);
  });
});
