/**
 * What goes to APIM for the existing Gravitee kinds, through the sync plane: values spelled as the Automation API
 * spells them, references resolved into the body as GKO does (ApiResources, shared policy groups, Groups,
 * Notifications), and an Application's client certificates read from Secrets and ConfigMaps. Each case failed before:
 * APIM (the emulator, holding requests to the published specs) refused the body, or a reference was dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiV2, apiV4, application, gravitee, group as groupOf, secret, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});
// Every case is one the product gets right: nothing it sends may fall outside the published contract (checked per case,
// to name the one that does).
afterEach(() => expect(w.apim.violations).toEqual([]));

type Json = Record<string, any>;
const v4Api = (name: string) => w.apim.state.apis('acme', 'dev').find((a) => a.hrid === w.hrid(name)) as Json | undefined;
const v2Api = (name: string) => w.apim.state.v2Apis('acme', 'dev').find((a) => a.name === name) as Json | undefined;
const app = (name: string) => w.apim.state.applications('acme', 'dev').find((a) => a.hrid === w.hrid(name)) as Json | undefined;
const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('spelling', () => {
  it("sends an Application's oauth applicationType as the Automation API spells it (BROWSER → browser)", async () => {
    const oauth = { applicationType: 'BROWSER', grantTypes: ['authorization_code'], redirectUris: ['https://spa.example/callback'] };
    await w.apply(application('spa', 'ctx', { settings: { oauth } }));
    await w.waitForCondition('Application', 'spa', 'Ready', 'True');
    expect(app('spa')?.settings.oauth.applicationType).toBe('browser');
  });

  it("sends a v4 API's flow mode and plan security type as the spec's enums", async () => {
    await w.apply(
      apiV4('spelled', 'ctx', {
        flowExecution: { mode: 'default', matchRequired: false },
        plans: { KeyLess: { name: 'Free plan', description: 'keyless', security: { type: 'key_less' } } },
      }),
    );
    await w.waitForCondition('ApiV4Definition', 'spelled', 'Ready', 'True');
    expect(v4Api('spelled')?.flowExecution).toEqual({ mode: 'DEFAULT', matchRequired: false });
    expect(v4Api('spelled')?.plans[0]).toMatchObject({ hrid: 'KeyLess', mode: 'STANDARD', security: { type: 'KEY_LESS' } });
  });
});

describe('ApiResource references', () => {
  const redis = (ttl: number) =>
    gravitee('ApiResource', 'redis-cache', { name: 'redis-cache', type: 'cache-redis', enabled: true, configuration: { timeToLiveSeconds: ttl, password: '[[ secret `redis-auth/password` ]]' } });
  const PASSWORD = 'redis-pass-4b1d77e0';

  it('inlines the ApiResource, its templates rendered in its namespace, into v4 and v2 APIs', async () => {
    await w.apply(secret('redis-auth', { password: PASSWORD }));
    await w.apply(redis(60));
    await w.apply(apiV4('with-resource', 'ctx', { resources: [{ ref: { name: 'redis-cache' } }] }));
    await w.apply(apiV2('legacy-resource', 'ctx', { resources: [{ ref: { name: 'redis-cache', namespace: w.ns } }] }));
    await w.waitForCondition('ApiV4Definition', 'with-resource', 'Ready', 'True');
    await w.waitForCondition('ApiDefinition', 'legacy-resource', 'Ready', 'True');
    const inlined = { name: 'redis-cache', type: 'cache-redis', enabled: true, configuration: { timeToLiveSeconds: 60, password: PASSWORD } };
    expect(v4Api('with-resource')?.resources).toEqual([inlined]);
    expect(v2Api('legacy-resource')?.resources).toEqual([inlined]);
    expect(w.logs.filter((l) => l.includes(PASSWORD))).toEqual([]);
  });

  it('re-syncs the APIs with the new configuration when the ApiResource changes', async () => {
    await w.apply(redis(300));
    await waitFor('v4 API with the new resource', () => v4Api('with-resource')?.resources?.[0]?.configuration.timeToLiveSeconds === 300);
    await waitFor('v2 API with the new resource', () => v2Api('legacy-resource')?.resources?.[0]?.configuration.timeToLiveSeconds === 300);
  });

  it('waits, naming the field, while the ApiResource does not exist', async () => {
    await w.apply(apiV4('missing-resource', 'ctx', { resources: [{ ref: { name: 'not-there' } }] }));
    const obj = await w.waitForCondition('ApiV4Definition', 'missing-resource', 'ResolvedRefs', 'False');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'ResolvedRefs', message: `spec.resources[0].ref: ApiResource ${w.ns}/not-there not found` }));
    expect(v4Api('missing-resource')).toBeUndefined();
  });
});

describe('shared policy group references', () => {
  const spg = gravitee('SharedPolicyGroup', 'rate-limits', {
    contextRef: { name: 'ctx' },
    name: 'Rate limits',
    apiType: 'PROXY',
    phase: 'REQUEST',
    steps: [{ enabled: true, name: 'Rate limit', policy: 'rate-limit', configuration: {} }],
  });
  const spgStep = { enabled: true, sharedPolicyGroupRef: { name: 'rate-limits' } };

  it('waits for the group to be synced, then sends its steps as shared-policy-group-policy with its crossId and hrid', async () => {
    await w.apply(
      apiV4('with-spg', 'ctx', {
        flows: [{ enabled: true, name: 'all', request: [spgStep] }],
        plans: { KeyLess: { name: 'Free plan', description: 'keyless', security: { type: 'KEY_LESS' }, flows: [{ enabled: true, response: [spgStep] }] } },
      }),
    );
    const waiting = await w.waitForCondition('ApiV4Definition', 'with-spg', 'ResolvedRefs', 'False');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'ResolvedRefs', message: expect.stringContaining(`SharedPolicyGroup ${w.ns}/rate-limits`) }));
    await w.apply(spg);
    const crossId = (await w.waitForCondition('SharedPolicyGroup', 'rate-limits', 'Ready', 'True')).status?.crossId;
    expect(crossId).toEqual(expect.any(String));
    await w.waitForCondition('ApiV4Definition', 'with-spg', 'Ready', 'True');
    const step = { enabled: true, name: 'rate-limits', policy: 'shared-policy-group-policy', configuration: { sharedPolicyGroupId: crossId, hrid: w.hrid('rate-limits') } };
    expect(v4Api('with-spg')?.flows[0].request).toEqual([step]);
    expect(v4Api('with-spg')?.plans[0].flows[0].response).toEqual([step]);
  });
});

describe('group and notification references', () => {
  const group = (name: string, displayName: string) => groupOf(name, { name: displayName });
  const notification = gravitee('Notification', 'api-events', {
    target: 'console',
    eventType: 'api',
    console: { apiEvents: ['API_STARTED', 'API_STOPPED'], groups: ['ops'], groupRefs: [{ name: 'readers' }] },
  });

  it('syncs without a missing Group, ResolvedRefs False GroupNotFound while Accepted stays True', async () => {
    await w.apply(group('developers', 'Developers'));
    await w.apply(apiV4('with-groups', 'ctx', { groups: ['existing'], groupRefs: [{ name: 'developers' }, { name: 'absent' }] }));
    const obj = await w.waitForCondition('ApiV4Definition', 'with-groups', 'ResolvedRefs', 'False', { reason: 'GroupNotFound' });
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'True' }));
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'ResolvedRefs', message: `Group ${w.ns}/absent could not be found` }));
    expect(v4Api('with-groups')?.groups).toEqual(['existing', 'Developers']);
    await w.apply(apiV2('legacy-groups', 'ctx', { groupRefs: [{ name: 'absent' }] }));
    await w.waitForCondition('ApiDefinition', 'legacy-groups', 'ResolvedRefs', 'False', { reason: 'GroupNotFound' });
    expect(v2Api('legacy-groups')).toBeDefined();
  });

  it('adds the Group once it exists, and ResolvedRefs turns True', async () => {
    await w.apply(group('absent', 'Late group'));
    await w.waitForCondition('ApiV4Definition', 'with-groups', 'ResolvedRefs', 'True');
    expect(v4Api('with-groups')?.groups).toEqual(['existing', 'Developers', 'Late group']);
    await w.waitForCondition('ApiDefinition', 'legacy-groups', 'ResolvedRefs', 'True');
    expect(v2Api('legacy-groups')?.groups).toEqual(['Late group']);
  });

  it('sends the referenced console Notification with its Groups resolved', async () => {
    await w.apply(group('readers', 'Readers'));
    await w.apply(notification);
    await w.apply(apiV4('notified', 'ctx', { notificationsRefs: [{ name: 'api-events' }] }));
    await w.apply(apiV2('legacy-notified', 'ctx', { notificationsRefs: [{ name: 'api-events' }] }));
    await w.waitForCondition('ApiV4Definition', 'notified', 'Ready', 'True');
    await w.waitForCondition('ApiDefinition', 'legacy-notified', 'Ready', 'True');
    expect(v4Api('notified')?.consoleNotification).toEqual({ events: ['API_STARTED', 'API_STOPPED'], groups: ['ops', 'Readers'] });
    expect(v2Api('legacy-notified')?.consoleNotificationConfiguration).toEqual({ hooks: ['API_STARTED', 'API_STOPPED'], groups: ['ops', 'Readers'], config_type: 'PORTAL', origin: 'KUBERNETES' });
  });
});

describe('Application client certificates', () => {
  const PEM_A = '-----BEGIN CERTIFICATE-----\nMIIBsecretA\n-----END CERTIFICATE-----\n';
  const PEM_B = '-----BEGIN CERTIFICATE-----\nMIIBconfigB\n-----END CERTIFICATE-----\n';
  const tls = (clientCertificates: Json[]) => ({ settings: { app: { type: 'web' }, tls: { clientCertificates } } });

  it('sends the content of certificates given by Secret (tls.crt by default) and ConfigMap', async () => {
    await w.apply(secret('client-a', { 'tls.crt': PEM_A }));
    await w.apply(configMap('client-b', { 'client.pem': PEM_B }));
    await w.apply(application('mtls', 'ctx', tls([{ ref: { name: 'client-a' } }, { name: 'b', ref: { kind: 'configmaps', name: 'client-b', key: 'client.pem' } }])));
    await w.waitForCondition('Application', 'mtls', 'Ready', 'True');
    expect(app('mtls')?.settings.tls.clientCertificates).toEqual([
      { name: 'mtls-0', content: PEM_A },
      { name: 'b', content: PEM_B },
    ]);
    expect(w.logs.filter((l) => l.includes('MIIBsecretA') || l.includes('MIIBconfigB'))).toEqual([]);
  });

  it('waits, naming the field, for a certificate Secret that does not exist yet', async () => {
    await w.apply(application('mtls-late', 'ctx', tls([{ ref: { name: 'late-cert' } }])));
    const obj = await w.waitForCondition('Application', 'mtls-late', 'ResolvedRefs', 'False');
    expect(obj.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'ResolvedRefs', message: `spec.settings.tls.clientCertificates[0].ref: Secret ${w.ns}/late-cert not found` }),
    );
    await w.apply(secret('late-cert', { 'tls.crt': PEM_A }));
    await w.waitForCondition('Application', 'mtls-late', 'Ready', 'True');
    expect(app('mtls-late')?.settings.tls.clientCertificates).toEqual([{ name: 'mtls-late-0', content: PEM_A }]);
  });
});
