import { describe, expect, it } from 'vitest';
import { invalidSpec, missingReference, SyncError, transient } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { apiGatewayConditions } from '../../vendors/wso2/api-gateway/conditions.ts';
import { wso2Conditions } from '../../vendors/wso2/conditions.ts';
import { managementFailure } from '../../vendors/wso2/management-api.ts';
import { payloadMetadata } from '../../vendors/wso2/payload-metadata.ts';
import { resolveParams } from '../../vendors/wso2/policy-params.ts';
import { ALL_GATEWAYS, apiGatewayReferences, managedReferences } from '../../vendors/wso2/references.ts';
import { upstreamPayload } from '../../vendors/wso2/upstream-payload.ts';
import { wso2WatchedKinds } from '../../vendors/wso2/watch.ts';

const W = 'gateway.api-platform.wso2.com/v1';
const obj = (kind: string, spec: unknown, metadata: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: W, kind, metadata: { name: 'x', namespace: 'ns', ...metadata }, spec });
const keys = (refs: ObjectRef[]) => refs.map((r) => `${r.kind} ${r.namespace}/${r.name}`).sort();

describe('WSO2 references (what the watcher re-triggers on)', () => {
  it('every resource references every APIGateway, and every APIGateway answers to that name', () => {
    expect(keys(managedReferences(obj('RestApi', {})))).toEqual(['APIGateway */*']);
    const apigateway = wso2WatchedKinds.find((k) => k.kind === 'APIGateway')!;
    expect(apigateway.aliases!(obj('APIGateway', {}))).toEqual([ALL_GATEWAYS]);
    expect(wso2WatchedKinds.map((k) => k.kind).sort()).toEqual(['APIGateway', 'ApiKey', 'Certificate', 'LlmProvider', 'LlmProviderTemplate', 'LlmProxy', 'ManagedSecret', 'Mcp', 'RestApi', 'Subscription', 'SubscriptionPlan']);
  });

  it('valueFrom sources (SecretKeySelector and policy params), templates and the resources each kind waits for', () => {
    const restApi = obj('RestApi', { policies: [{ params: { a: { valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }, b: { valueFrom: { configMapKeyRef: { name: 'conf', key: 'k' } } }, c: '[[ secret "tpl/key" ]]' } }] });
    expect(keys(managedReferences(restApi))).toEqual(['APIGateway */*', 'ConfigMap ns/conf', 'Secret ns/creds', 'Secret ns/tpl']);
    expect(keys(managedReferences(obj('ApiKey', { parentRef: { kind: 'LlmProxy', name: 'p' }, apiKey: { valueFrom: { name: 'keys', key: 'k' } } })))).toEqual(['APIGateway */*', 'LlmProxy ns/p', 'Secret ns/keys']);
    expect(keys(managedReferences(obj('Subscription', { apiId: 'api', subscriptionPlanId: 'gold', subscriptionToken: { valueFrom: { name: 't', key: 'k' } } })))).toEqual(['APIGateway */*', 'RestApi ns/api', 'Secret ns/t', 'SubscriptionPlan ns/gold']);
    expect(keys(managedReferences(obj('LlmProvider', { template: 'openai', upstream: { auth: { value: { valueFrom: { name: 'up', key: 'k' } } } } })))).toEqual(['APIGateway */*', 'LlmProviderTemplate ns/openai', 'Secret ns/up']);
    expect(keys(managedReferences(obj('LlmProxy', { provider: { id: 'p1' }, additionalProviders: [{ id: 'p2' }, {}] })))).toEqual(['APIGateway */*', 'LlmProvider ns/p1', 'LlmProvider ns/p2']);
    // Malformed specs never throw: the watcher reads every object.
    expect(keys(managedReferences(obj('ApiKey', { parentRef: 'nonsense' })))).toEqual(['APIGateway */*']);
    expect(keys(managedReferences(obj('Subscription', null)))).toEqual(['APIGateway */*']);
  });

  it("an APIGateway reads its values ConfigMap, credentials Secret, control plane token and CA", () => {
    const gw = obj('APIGateway', { configRef: { name: 'values' }, controlPlane: { tokenSecretRef: { name: 'token', key: 't' }, tls: { certSecretRef: { name: 'ca', key: 'c' } } } }, { annotations: { 'apim-sync.io/management-credentials': 'creds' } });
    expect(keys(apiGatewayReferences(gw))).toEqual(['ConfigMap ns/values', 'Secret ns/ca', 'Secret ns/creds', 'Secret ns/token']);
  });
});

describe('WSO2 conditions, as the operator writes them', () => {
  const types = (list: { type: string; status: string; reason: string }[]) => Object.fromEntries(list.map((c) => [c.type, `${c.status}/${c.reason}`]));

  it('success: Accepted, Programmed (naming the gateway) and Ready', () => {
    const list = wso2Conditions.success({ spec: {}, status: { gateway: 'ns/gw' } });
    expect(types(list)).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed', Ready: 'True/Programmed' });
    expect(list.find((c) => c.type === 'Programmed')?.message).toBe('Successfully deployed to gateway ns/gw');
    // Why the gateway was chosen is the sync's note (Observation.notes), said in the message and stored nowhere else.
    const chosen = wso2Conditions.success({ spec: {}, status: { gateway: 'ns/a' }, notes: { selection: '2 APIGateways select it (ns/a, ns/b)' } });
    for (const type of ['Programmed', 'Ready']) expect(chosen.find((c) => c.type === type)?.message).toBe('Successfully deployed to gateway ns/a (2 APIGateways select it (ns/a, ns/b))');
  });

  it('failures map to the operator reasons', () => {
    const stage = transient('Unreachable', 'apim down');
    stage.stage = 'control-plane';
    const cases: [SyncError, Record<string, string>][] = [
      [invalidSpec('InvalidSpec', 'spec.x: bad'), { Accepted: 'False/InvalidConfiguration', Programmed: 'False/Invalid', Ready: 'False/InvalidSpec' }],
      [invalidSpec('Invalid', 'the gateway refused'), { Accepted: 'True/Accepted', Programmed: 'False/Invalid', Ready: 'False/Invalid' }],
      [new SyncError('reference', 'GatewayNotReady', 'no gateway'), { Accepted: 'True/Accepted', Programmed: 'False/GatewayNotReady', Ready: 'False/GatewayNotReady' }],
      [missingReference('Secret missing'), { Accepted: 'True/Accepted', Programmed: 'False/Pending', Ready: 'False/ReconcileFailed' }],
      [transient('GatewayError', '503'), { Accepted: 'True/Accepted', Programmed: 'False/Retrying', Ready: 'False/GatewayError' }],
      [new SyncError('permanent', 'Unauthorized', '401'), { Accepted: 'True/Accepted', Programmed: 'False/DeploymentFailed', Ready: 'False/Unauthorized' }],
      [stage, { Accepted: 'True/Accepted', Programmed: 'True/Programmed', Ready: 'False/Unreachable' }],
    ];
    for (const [err, want] of cases) expect(types(wso2Conditions.failure(err)), err.message).toEqual(want);
  });

  it("an APIGateway: a control plane failure leaves Programmed True; a gateway not installed is Pending; a standalone one says so", () => {
    const stage = new SyncError('permanent', 'Unauthorized', 'token refused', { stage: 'control-plane' });
    expect(types(apiGatewayConditions.failure(stage))).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed', ControlPlaneConnected: 'False/Unauthorized', Ready: 'False/Unauthorized' });
    expect(types(apiGatewayConditions.failure(new SyncError('reference', 'GatewayNotReady', 'no Service')))).toEqual({ Accepted: 'True/Accepted', Programmed: 'False/Pending', Ready: 'False/GatewayNotReady' });
    expect(types(apiGatewayConditions.failure(missingReference('ConfigMap missing')))).toEqual({ Accepted: 'False/Pending', Programmed: 'False/Pending', Ready: 'False/ReconcileFailed' });
    expect(types(apiGatewayConditions.success({ spec: {}, status: {} }))).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed', ControlPlaneConnected: 'False/NotConfigured', Ready: 'True/Programmed' });
    // What the probes found is the sync's notes: how the gateway was reached, and what its control plane answered.
    const found = apiGatewayConditions.success({ spec: {}, status: {}, notes: { management: 'http://gw:9090, credentials from Secret ns/creds', controlPlane: 'the control plane at cp:443 answers' } });
    expect(types(found)).toEqual({ Accepted: 'True/Accepted', Programmed: 'True/Programmed', ControlPlaneConnected: 'True/Connected', Ready: 'True/Programmed' });
    const message = (type: string) => found.find((c) => c.type === type)?.message;
    expect(message('Programmed')).toBe("the gateway's management API answers (http://gw:9090, credentials from Secret ns/creds)");
    expect(message('ControlPlaneConnected')).toBe('the control plane at cp:443 answers');
    expect(message('Ready')).toBe("the gateway's management API answers (http://gw:9090, credentials from Secret ns/creds); the control plane at cp:443 answers");
    const standalone = apiGatewayConditions.success({ spec: {}, status: {}, notes: { management: 'http://gw:9090', standalone: 'no registration token' } });
    expect(standalone.find((c) => c.type === 'ControlPlaneConnected')).toMatchObject({ status: 'False', reason: 'NotConfigured', message: 'no registration token' });
  });
});

describe('WSO2 management API answers', () => {
  const endpoint = { via: 'http://gw:9090/api/management/v1', credentials: 'Secret ns/creds' };
  const req = { method: 'POST' as const, url: 'http://user:pw@gw:9090/api/management/v1/rest-apis' };

  it("names the refused fields from the gateway's ErrorResponse, as an invalid spec", () => {
    const err = managementFailure(req, { status: 400, headers: {}, body: { status: 'error', message: 'Configuration validation failed', errors: [{ field: 'spec.context', message: 'Context must start with /' }] } }, endpoint);
    expect(err).toMatchObject({ retry: 'permanent', invalid: true, reason: 'Invalid', status: 400 });
    expect(err.message).toBe('the gateway refused [POST] /api/management/v1/rest-apis: Configuration validation failed; spec.context: Context must start with /');
    expect(err.message).not.toContain('pw');
  });

  it('401/403 are permanent and say whose credentials; 404/409 are left to the caller (retried otherwise); 5xx/429 transient with Retry-After', () => {
    expect(managementFailure(req, { status: 401, headers: {}, body: { message: 'unauthorized' } }, endpoint)).toMatchObject({ retry: 'permanent', reason: 'Unauthorized', message: expect.stringContaining('Secret ns/creds') });
    expect(managementFailure(req, { status: 403, headers: {}, body: {} }, endpoint)).toMatchObject({ retry: 'permanent', reason: 'Forbidden' });
    expect(managementFailure(req, { status: 409, headers: {}, body: { message: 'exists' } }, endpoint)).toMatchObject({ retry: 'transient', status: 409, gatewayMessage: 'exists' });
    expect(managementFailure(req, { status: 404, headers: {}, body: {} }, endpoint)).toMatchObject({ retry: 'transient', status: 404 });
    expect(managementFailure(req, { status: 429, headers: { 'retry-after': '7' }, body: {} }, endpoint)).toMatchObject({ retry: 'transient', retryAfterSeconds: 7 });
    expect(managementFailure(req, { status: 503, headers: {}, body: 'down' }, endpoint)).toMatchObject({ retry: 'transient', reason: 'GatewayError' });
  });

  it("copies labels and annotations into the envelope as the operator, but not kubectl's last-applied copy or apim-sync's bookkeeping", () => {
    const md = payloadMetadata(
      obj('RestApi', {}, {
        labels: { team: 'a', 'apim-sync.io/origin': 'control-plane' },
        annotations: { 'gateway.api-platform.wso2.com/project-id': 'p', 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{"value":"secret"}}', 'apim-sync.io/gateway': 'ns/gw' },
      }),
    );
    expect(md).toEqual({ name: 'x', labels: { team: 'a' }, annotations: { 'gateway.api-platform.wso2.com/project-id': 'p' } });
  });
});

describe('WSO2 policy params valueFrom', () => {
  const data: Record<string, Record<string, string>> = { 'Secret/creds': { key: 's3cr3t' }, 'ConfigMap/conf': { header: 'X-H' } };
  const ctx = { readData: async (r: ObjectRef) => data[`${r.kind}/${r.name}`] } as unknown as SyncContext;
  const api = obj('RestApi', {});

  it('replaces a {valueFrom} map by its value, anywhere in params', async () => {
    const params = { a: { valueFrom: { secretKeyRef: { name: 'creds', key: 'key' } } }, list: [{ valueFrom: { configMapKeyRef: { name: 'conf', key: 'header', namespace: 'ns' } } }], keep: { valueFrom: 'x', other: 1 } };
    expect(await resolveParams(params, 'spec.policies[0].params', api, ctx)).toEqual({ a: 's3cr3t', list: ['X-H'], keep: { valueFrom: 'x', other: 1 } });
  });

  it("refuses what the operator refuses, and another namespace's sources, naming the field", async () => {
    const bad = (from: unknown) => resolveParams({ p: { valueFrom: from } }, 'spec.policies[0].params', api, ctx);
    await expect(bad({ secretKeyRef: { name: 'creds', key: 'key' }, configMapKeyRef: { name: 'conf', key: 'header' } })).rejects.toMatchObject({ invalid: true, message: expect.stringContaining('spec.policies[0].params.p.valueFrom: requires exactly one') });
    await expect(bad({ vaultRef: {} })).rejects.toMatchObject({ invalid: true, message: expect.stringContaining('unknown field(s) vaultRef') });
    await expect(bad({ secretKeyRef: { name: 'creds' } })).rejects.toMatchObject({ invalid: true, message: expect.stringContaining('requires non-empty name and key') });
    await expect(bad({ secretKeyRef: { name: 'creds', key: 'key', namespace: 'kube-system' } })).rejects.toMatchObject({ invalid: true, message: expect.stringContaining('secretKeyRef.namespace: must be the resource') });
    await expect(bad({ secretKeyRef: { name: 'missing', key: 'key' } })).rejects.toMatchObject({ retry: 'reference', message: expect.stringContaining('Secret ns/missing not found') });
    await expect(bad({ secretKeyRef: { name: 'creds', key: 'other' } })).rejects.toMatchObject({ retry: 'reference', message: expect.stringContaining('has no non-empty key "other"') });
  });
});

describe('WSO2 upstream credentials in LLM and MCP payloads', () => {
  const ctx = { readData: async (r: ObjectRef) => (r.name === 'up' ? { a: 'key-a', b: 'key-b' } : undefined) } as unknown as SyncContext;
  const secretValue = (key: string) => ({ valueFrom: { name: 'up', key } });

  it('sends each credential as the plain value, compares without it, and lists the values write-only in field order', async () => {
    const spec = {
      displayName: 'p',
      provider: { id: 'main', auth: { type: 'api-key', header: 'X-Key', value: secretValue('a') } },
      additionalProviders: [{ id: 'plain' }, { id: 'other', auth: { type: 'api-key', value: { value: 'inline' } } }],
    };
    const body = await upstreamPayload(spec, ['provider', 'additionalProviders'], obj('LlmProxy', spec), ctx);
    expect(body.spec).toEqual({
      displayName: 'p',
      provider: { id: 'main', auth: { type: 'api-key', header: 'X-Key', value: 'key-a' } },
      additionalProviders: [{ id: 'plain' }, { id: 'other', auth: { type: 'api-key', value: 'inline' } }],
    });
    expect(body.compared).toEqual({ displayName: 'p', provider: { id: 'main', auth: { type: 'api-key', header: 'X-Key' } }, additionalProviders: [{ id: 'plain' }, { id: 'other', auth: { type: 'api-key' } }] });
    // One entry per additional provider, so one gaining credentials changes the status fingerprint.
    expect(body.writeOnly).toEqual(['key-a', undefined, 'inline']);
  });

  it('sends an upstream without credentials unchanged, with nothing write-only, and names a missing Secret key by its field', async () => {
    const spec = { displayName: 'm', upstream: { url: 'http://mcp:8080' } };
    expect(await upstreamPayload(spec, ['upstream'], obj('Mcp', spec), ctx)).toEqual({ spec, compared: spec, writeOnly: [] });
    const missing = { displayName: 'm', upstream: { url: 'http://mcp:8080', auth: { type: 'api-key', value: secretValue('c') } } };
    await expect(upstreamPayload(missing, ['upstream'], obj('Mcp', missing), ctx)).rejects.toMatchObject({ retry: 'reference', message: 'spec.upstream.auth.value.valueFrom: Secret ns/up has no key "c"' });
  });
});
