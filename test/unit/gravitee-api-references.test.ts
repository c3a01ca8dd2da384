import { describe, expect, it } from 'vitest';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { resolveApiReferences, withoutSharedPolicyGroupIds } from '../../vendors/gravitee/api-references.ts';
import { applicationPayload } from '../../vendors/gravitee/application/payload.ts';
import { ApplicationSpec } from '../../vendors/gravitee/application/schema.ts';

/** References resolved into API and Application bodies, from objects held in memory. */

type Json = Record<string, any>;
const GRAVITEE = 'gravitee.io/v1alpha1';

function contextWith(objects: Json[]): SyncContext {
  const find = (r: ObjectRef) => objects.find((o) => o.kind === r.kind && o.metadata.name === r.name && (o.metadata.namespace ?? 'apis') === r.namespace);
  return {
    cluster: { get: async (r: ObjectRef) => structuredClone(find(r)) },
    readData: async (r: ObjectRef) => find(r)?.data,
  } as unknown as SyncContext;
}

const api = (kind: 'ApiV4Definition' | 'ApiDefinition', spec: Json): KubeObject => ({ apiVersion: GRAVITEE, kind, metadata: { name: 'orders', namespace: 'apis' }, spec });
const cr = (kind: string, name: string, spec: Json, extra: Json = {}) => ({ apiVersion: GRAVITEE, kind, metadata: { name, namespace: 'apis' }, spec, ...extra });

describe('resolveApiReferences', () => {
  it('reports every missing Group under GroupNotFound and keeps the others', async () => {
    const spec = { groupRefs: [{ name: 'a' }, { name: 'gone' }, { name: 'b', namespace: 'elsewhere' }] };
    const ctx = contextWith([cr('Group', 'a', { name: 'Team A' })]);
    const { body, notes } = await resolveApiReferences(api('ApiV4Definition', spec), spec, { groups: ['Team A', 'x'] }, ctx);
    expect(body.groups).toEqual(['Team A', 'x']);
    expect(notes).toEqual({ GroupNotFound: 'Group apis/gone could not be found; Group elsewhere/b could not be found' });
  });

  it('waits for a shared policy group without status.crossId, naming the step', async () => {
    const step = { enabled: true, sharedPolicyGroupRef: { name: 'spg' } };
    const spec = { plans: { gold: { flows: [{ subscribe: [step] }] } } };
    const body = { plans: [{ hrid: 'gold', flows: [{ subscribe: [step] }] }] };
    const ctx = contextWith([cr('SharedPolicyGroup', 'spg', { name: 'SPG' })]);
    await expect(resolveApiReferences(api('ApiV4Definition', spec), spec, body, ctx)).rejects.toMatchObject({
      retry: 'reference',
      message: 'spec.plans.gold.flows[0].subscribe[0].sharedPolicyGroupRef: SharedPolicyGroup apis/spg is not synced with APIM yet (no status.crossId)',
    });
  });

  it('uses the group hrid the shared policy group declares', async () => {
    const step = { sharedPolicyGroupRef: { name: 'spg' }, condition: '{#request.method == "GET"}' };
    const ctx = contextWith([cr('SharedPolicyGroup', 'spg', { name: 'SPG', hrid: 'custom-hrid' }, { status: { crossId: 'c1' } })]);
    const { body } = await resolveApiReferences(api('ApiV4Definition', {}), {}, { flows: [{ publish: [step], selectors: [{ type: 'CHANNEL' }] }] }, ctx);
    expect(body.flows).toEqual([
      {
        publish: [{ enabled: true, condition: '{#request.method == "GET"}', name: 'spg', policy: 'shared-policy-group-policy', configuration: { sharedPolicyGroupId: 'c1', hrid: 'custom-hrid' } }],
        selectors: [{ type: 'CHANNEL' }],
      },
    ]);
  });

  it('refuses, naming the field, an ApiResource that lacks what APIM requires', async () => {
    const ctx = contextWith([cr('ApiResource', 'half', { name: 'half', type: 'cache' })]);
    const body = { resources: [{ name: 'inline', type: 'cache', configuration: {} }, { ref: { name: 'half' } }] };
    await expect(resolveApiReferences(api('ApiDefinition', {}), {}, body, ctx)).rejects.toMatchObject({
      retry: 'reference',
      message: 'spec.resources[1].ref: ApiResource apis/half has no configuration',
    });
  });

  it('takes the first console notification for API events and clears one set by hand without references', async () => {
    const ctx = contextWith([
      cr('Notification', 'other', { target: 'console', eventType: 'application', console: { apiEvents: ['X'] } }),
      cr('Notification', 'ops', { target: 'console', eventType: 'api', console: { apiEvents: ['API_STARTED'] } }),
    ]);
    const spec = { notificationsRefs: [{ name: 'other' }, { name: 'ops' }] };
    expect((await resolveApiReferences(api('ApiV4Definition', spec), spec, {}, ctx)).body.consoleNotification).toEqual({ events: ['API_STARTED'], groups: [] });
    const cleared = await resolveApiReferences(api('ApiV4Definition', {}), {}, { consoleNotification: { events: ['API_STOPPED'] } }, ctx);
    expect(cleared.body).toEqual({});
    await expect(resolveApiReferences(api('ApiV4Definition', {}), { notificationsRefs: [{ name: 'nope' }] }, {}, ctx)).rejects.toMatchObject({
      message: 'spec.notificationsRefs[0]: Notification apis/nope not found',
    });
  });
});

describe('withoutSharedPolicyGroupIds', () => {
  it("drops the id APIM does not answer from shared policy group steps of the API's and its plans' flows, and nothing else", () => {
    const spgStep = { enabled: true, name: 'spg', policy: 'shared-policy-group-policy', configuration: { sharedPolicyGroupId: 'c1', hrid: 'apis-spg' } };
    const other = { enabled: true, policy: 'rate-limit', configuration: { sharedPolicyGroupId: 'kept' } };
    const body = { name: 'orders', flows: [{ selectors: [{ type: 'HTTP' }], request: [spgStep, other] }], plans: [{ hrid: 'gold', flows: [{ publish: [spgStep] }] }, { hrid: 'free' }] };
    const answered = { enabled: true, name: 'spg', policy: 'shared-policy-group-policy', configuration: { hrid: 'apis-spg' } };
    expect(withoutSharedPolicyGroupIds(body)).toEqual({
      name: 'orders',
      flows: [{ selectors: [{ type: 'HTTP' }], request: [answered, other] }],
      plans: [{ hrid: 'gold', flows: [{ publish: [answered] }] }, { hrid: 'free' }],
    });
    expect(body.flows[0]!.request[0]!.configuration).toEqual({ sharedPolicyGroupId: 'c1', hrid: 'apis-spg' });
  });
});

describe('applicationPayload certificates', () => {
  const app = (tls: Json): { object: KubeObject; spec: ApplicationSpec } => {
    const spec = ApplicationSpec.parse({ contextRef: { name: 'ctx' }, name: 'shop', description: 'd', settings: { app: { type: 'WEB' }, tls } });
    return { object: { apiVersion: GRAVITEE, kind: 'Application', metadata: { name: 'shop', namespace: 'apis' }, spec }, spec };
  };
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('decodes base64 content and drops the Kubernetes-side fields', async () => {
    const ctx = contextWith([{ kind: 'Secret', metadata: { name: 'enc', namespace: 'apis' }, data: { 'tls.crt': Buffer.from(PEM).toString('base64') } }]);
    const body = await applicationPayload(app({ clientCertificates: [{ ref: { name: 'enc' }, encoded: true, endsAt: '2030-01-01T00:00:00Z' }] }), 'apis-shop', ctx);
    expect(body.settings).toMatchObject({ tls: { clientCertificates: [{ name: 'shop-0', content: PEM, endsAt: '2030-01-01T00:00:00Z' }] } });
    expect(JSON.stringify(body)).not.toMatch(/"ref"|"encoded"/);
  });

  it('waits for a key the Secret does not hold, naming the field', async () => {
    const ctx = contextWith([{ kind: 'ConfigMap', metadata: { name: 'certs', namespace: 'other' }, data: { 'a.pem': PEM } }]);
    await expect(applicationPayload(app({ clientCertificates: [{ content: PEM }, { ref: { name: 'certs', namespace: 'other', kind: 'configmaps', key: 'b.pem' } }] }), 'apis-shop', ctx)).rejects.toMatchObject({
      retry: 'reference',
      message: 'spec.settings.tls.clientCertificates[1].ref: key "b.pem" not found in ConfigMap other/certs',
    });
  });

  it('refuses, as GKO admission does, a certificate with both content and ref or neither', () => {
    const issues = ApplicationSpec.safeParse({
      contextRef: { name: 'ctx' },
      name: 'shop',
      description: 'd',
      settings: { tls: { clientCertificates: [{ name: 'x' }, { content: PEM, ref: { name: 's' } }] } },
    }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(['settings.tls.clientCertificates.0: set either content or ref', 'settings.tls.clientCertificates.1: set either content or ref']);
  });
});
