import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { membersInStep } from '../../vendors/gravitee/group/members.ts';
import type { ResolvedContext } from '../../vendors/gravitee/management-api.ts';
import { checkSubscribable, SubscribedApi, SubscribingApplication } from '../../vendors/gravitee/subscription/subscribed.ts';
import { nameUuid } from '../../vendors/gravitee/uuid-v3.ts';

type Json = Record<string, any>;
const GRAVITEE = 'gravitee.io/v1alpha1';
const CONTEXT = { organizationId: 'acme', environmentId: 'dev' } as ResolvedContext;
const obj = (kind: string, name: string, spec: Json, status: Json = {}): KubeObject => ({ apiVersion: GRAVITEE, kind, metadata: { name, namespace: 'team' }, spec, status });

describe('a subscription to a v4 or v2 API', () => {
  const app = new SubscribingApplication(obj('Application', 'app', { contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' } } }, { id: 'app-id' }));

  it('addresses a v4 API by hrid and its plan by key, a legacy one by UUID and plan id', () => {
    const plans = { 'Gold plan': { name: 'gold', security: { type: 'api-key' } } };
    const v4 = new SubscribedApi(obj('ApiV4Definition', 'orders', { contextRef: { name: 'ctx' }, plans }, { id: 'x', plans: { 'Gold-plan': 'plan-uuid' } }));
    expect([v4.legacy, v4.hrid(CONTEXT), v4.planHrid('Gold plan', CONTEXT)]).toEqual([false, 'team-orders', 'Gold-plan']);
    expect(checkSubscribable(v4, app, { plan: 'Gold plan' })).toEqual({ key: 'Gold plan', security: 'API_KEY' });
    const legacy = new SubscribedApi(obj('ApiV4Definition', 'orders', { id: 'api-uuid', contextRef: { name: 'ctx' }, plans }, { id: 'api-uuid', plans: { 'Gold-plan': 'plan-uuid' } }));
    expect([legacy.legacy, legacy.hrid(CONTEXT), legacy.planHrid('Gold plan', CONTEXT)]).toEqual([true, 'api-uuid', 'plan-uuid']);
  });

  it("finds a v2 plan by name and its id under the crossId the ApiDefinition kind derives", () => {
    const apiCrossId = nameUuid('acme' + 'team-legacy');
    const planCrossId = nameUuid(apiCrossId + 'keyed');
    const v2 = new SubscribedApi(obj('ApiDefinition', 'legacy', { contextRef: { name: 'ctx' }, plans: [{ name: 'keyed', security: 'API_KEY' }] }, { id: 'v2-id', plans: { [planCrossId]: 'v2-plan-id' } }));
    expect([v2.legacy, v2.hrid(CONTEXT), v2.planHrid('keyed', CONTEXT)]).toEqual([true, 'v2-id', 'v2-plan-id']);
    const unsynced = new SubscribedApi(obj('ApiDefinition', 'legacy', { contextRef: { name: 'ctx' }, plans: [{ name: 'keyed', security: 'API_KEY' }] }));
    expect(() => unsynced.planHrid('keyed', CONTEXT)).toThrow(/spec\.plan: ApiDefinition team\/legacy has no id for plan \[keyed\]/);
  });

  it("refuses what GKO's admission refuses, naming the field", () => {
    const api = (spec: Json) => new SubscribedApi(obj('ApiV4Definition', 'orders', { contextRef: { name: 'ctx' }, ...spec }));
    const jwt = { plans: { jwt: { name: 'jwt', security: { type: 'JWT' } } } };
    expect(() => checkSubscribable(api(jwt), app, { plan: 'jwt' })).toThrow(/^spec\.application: Application team\/app has no settings\.app\.clientId, which a JWT plan needs/);
    expect(() => checkSubscribable(api({ plans: { k: { name: 'k', security: { type: 'JWT' } } } }), app, { plan: 'k', apiKeys: [{}] })).toThrow(/^spec\.apiKeys: only for an API_KEY plan/);
    expect(() => checkSubscribable(api({ definitionContext: { syncFrom: 'KUBERNETES' }, ...jwt }), app, { plan: 'jwt' })).toThrow(/^spec\.api: .* is synced from Kubernetes/);
    expect(() => checkSubscribable(api({ plans: { m: { name: 'm', security: { type: 'MTLS' } } } }), app, { plan: 'm' })).toThrow(/^spec\.application: .* has no client certificate/);
    const certified = new SubscribingApplication(obj('Application', 'app', { contextRef: { name: 'ctx' }, settings: { app: { type: 'WEB' }, tls: { clientCertificates: [{ content: 'pem', endsAt: '2030-01-01T00:00:00Z' }] } } }));
    const mtls = api({ plans: { m: { name: 'm', security: { type: 'MTLS' } } } });
    expect(checkSubscribable(mtls, certified, { plan: 'm', endingAt: '2029-01-01T00:00:00Z' }).security).toBe('MTLS');
    expect(() => checkSubscribable(mtls, certified, { plan: 'm', endingAt: '2031-01-01T00:00:00Z' })).toThrow(/^spec\.endingAt: .* after the end of every client certificate/);
  });
});

describe("a group's members as APIM answers them", () => {
  const desired = [
    { source: 'memory', sourceId: 'api1', roles: { API: 'OWNER' } },
    { source: 'memory', sourceId: 'nobody' },
  ];
  const api1 = { source: 'memory', sourceId: 'api1', roles: { API: 'OWNER', APPLICATION: 'USER', INTEGRATION: 'USER' } };

  it('are in step in any order, with default roles added and unknown users dropped by the last import', () => {
    expect(membersInStep(desired, [api1], 1)).toBe(true);
  });

  it('are drift when a member was removed, added or lost a role in the console', () => {
    expect(membersInStep(desired, [], 1)).toBe(false);
    expect(membersInStep(desired, [api1, { source: 'memory', sourceId: 'admin', roles: {} }], 1)).toBe(false);
    expect(membersInStep(desired, [{ ...api1, roles: { API: 'USER' } }], 1)).toBe(false);
  });
});
