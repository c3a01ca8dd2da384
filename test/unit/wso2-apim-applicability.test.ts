import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { jsonLogger } from '../../shared/log.ts';
import type { VendorRequest, VendorTransport } from '../../shared/vendor-http/vendor-http.ts';
import { bottomUpClient } from '../../vendors/wso2/apim/bottom-up.ts';
import { grantOf, readCredentials } from '../../vendors/wso2/apim/credentials.ts';
import { forgetProbes } from '../../vendors/wso2/apim/probe-cache.ts';
import { gatewayConfig } from '../../vendors/wso2/gateway/config.ts';
import type { Discovered } from '../../vendors/wso2/control-plane/discovery.ts';

// The control plane's flavour comes from the top-down engineer's probe; here it answers what each test says.
const probe = vi.hoisted(() => ({ answer: { flavour: 'apim', restBase: 'https://apim.example:9443/internal/data/v1', version: '4.7.0' } as Discovered | Error, calls: 0 }));
vi.mock('../../vendors/wso2/control-plane/probe.ts', () => ({
  probeControlPlane: async () => {
    probe.calls++;
    if (probe.answer instanceof Error) throw probe.answer;
    return probe.answer;
  },
}));

const NS = 'ap-gateway';
const SEED_SECRET = {
  APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__ID: 'seed-client-id',
  APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__SECRET: 'seed-client-secret',
};

/** The seed's Step 4 values block, with `extra` merged into gateway.config.controller.controlplane. */
function values(extra = '', deployment = '    deployment:\n      extraEnvFrom:\n        - secretRef:\n            name: apim-oauth-client-secret-secret\n') {
  return `gateway:
  config:
    controller:
      controlplane:
        insecure_skip_verify: true
        gateway_name: "prod-gateway"
${extra}  controller:
    controlPlane:
      host: "apim.example:9443"
      token:
        secretName: "gateway-cp-token"
        key: token
${deployment}`;
}

const gatewayObject: KubeObject = { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'APIGateway', metadata: { name: 'prod-gateway', namespace: NS, uid: 'gw-uid' }, spec: {} };
const gateway = (valuesYaml = values()) => ({ object: gatewayObject, config: gatewayConfig(gatewayObject, valuesYaml) });
const restApi = (meta: Partial<KubeObject['metadata']> = {}, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'gateway.api-platform.wso2.com/v1',
  kind: 'RestApi',
  metadata: { name: 'orders', namespace: NS, uid: 'api-uid', generation: 1, ...meta },
  spec: SPEC,
  ...(status ? { status } : {}),
});
const SPEC = { displayName: 'orders', version: 'v1.0', context: '/orders', upstream: { main: { url: 'http://orders:8080' } }, operations: [{ method: 'GET', path: '/info' }] };

function fakeCtx(secrets: Record<string, Record<string, string>>, opts: { logs?: string[]; requests?: VendorRequest[] } = {}): SyncContext {
  const http: VendorTransport = {
    async request(req) {
      opts.requests?.push(req);
      return { status: 503, headers: {}, body: '' };
    },
  };
  return {
    cluster: { id: 'local' } as SyncContext['cluster'],
    http: http as SyncContext['http'],
    log: jsonLogger({ level: 'DEBUG', sink: (l) => opts.logs?.push(l) }),
    secrets: new Set(),
    async readData(ref: ObjectRef) {
      return ref.kind === 'Secret' && ref.namespace === NS ? secrets[ref.name] : undefined;
    },
  };
}

beforeEach(() => {
  forgetProbes();
  probe.answer = { flavour: 'apim', restBase: 'https://apim.example:9443/internal/data/v1', version: '4.7.0' };
  probe.calls = 0;
});

describe('when a RestApi is imported into APIM', () => {
  const secrets = { 'apim-oauth-client-secret-secret': SEED_SECRET };

  it('applies to a RestApi on a gateway whose control plane is APIM 4.7 with OAuth2 credentials (the seed\'s Steps 3-4)', async () => {
    expect(await bottomUpClient(restApi(), SPEC, gateway(), fakeCtx(secrets))).toBeDefined();
  });

  it.each([
    ['a RestApi that came from the control plane', restApi({ labels: { 'apim-sync.io/origin': 'control-plane' } }), values(), secrets, undefined, 'came from the control plane'],
    ['a gateway without a control plane', restApi(), 'gateway: {}\n', secrets, undefined, 'no control plane'],
    ['deployment sync disabled', restApi(), values('        deployment_sync_enabled: false\n'), secrets, undefined, 'deployment_sync_enabled is false'],
    ['no OAuth2 Secret', restApi(), values(), {}, undefined, 'no OAuth2 credentials are configured'],
    ['only a client id', restApi(), values(), { 'apim-oauth-client-secret-secret': { APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__CLIENT_ID: 'id' } }, undefined, 'client secret is missing'],
    ['a Platform API control plane', restApi(), values(), secrets, { flavour: 'platform', restBase: 'https://apim.example:9443/api/internal/v1' }, 'not WSO2 API Manager'],
    ['APIM 4.6', restApi(), values(), secrets, { flavour: 'apim', restBase: 'x', version: '4.6.0' }, 'APIM 4.6.0 does not take bottom-up imports'],
  ] as const)('does not apply to %s, and says why at debug level', async (_what, api, valuesYaml, s, answer, why) => {
    if (answer) probe.answer = answer;
    const logs: string[] = [];
    expect(await bottomUpClient(api, SPEC, gateway(valuesYaml), fakeCtx(s, { logs }))).toBeUndefined();
    const line = logs.map((l) => JSON.parse(l)).find((l) => l.message === 'bottom-up sync to APIM does not apply');
    expect(line).toMatchObject({ level: 'DEBUG', namespace: NS, name: 'orders' });
    expect(line.reason).toContain(why);
  });

  it('probes the control plane once a minute per gateway, not on every sync', async () => {
    for (let i = 0; i < 3; i++) await bottomUpClient(restApi(), SPEC, gateway(), fakeCtx(secrets));
    expect(probe.calls).toBe(1);
  });

  it('a control plane that cannot be probed fails the APIM step at the write, with stage control-plane, not the observe', async () => {
    probe.answer = Object.assign(new Error('control plane unreachable'), {});
    const client = (await bottomUpClient(restApi(), SPEC, gateway(), fakeCtx(secrets)))!;
    expect(await client.observe()).toEqual({ exists: false, upToDate: false });
    await expect(client.create()).rejects.toMatchObject({ stage: 'control-plane', message: 'control plane unreachable' });
  });

  it('an APIM that fails the observe fails the write that follows, with stage control-plane', async () => {
    const requests: VendorRequest[] = [];
    const client = (await bottomUpClient(restApi(), SPEC, gateway(), fakeCtx(secrets, { requests })))!;
    expect(await client.observe()).toEqual({ exists: false, upToDate: false });
    await expect(client.update()).rejects.toMatchObject({ stage: 'control-plane', retry: 'transient', reason: 'ApimUnavailable' });
    expect(requests.map((r) => r.url)).toEqual(['https://apim.example:9443/oauth2/token']);
  });

  it('a spec APIM cannot take is an invalid spec of stage control-plane, naming the field', async () => {
    const client = (await bottomUpClient(restApi(), { ...SPEC, upstream: { main: { ref: 'missing' } } }, gateway(), fakeCtx(secrets)))!;
    await client.observe();
    await expect(client.create()).rejects.toMatchObject({ stage: 'control-plane', invalid: true, message: expect.stringContaining('spec.upstream.main.ref') });
  });

  it('deleting a RestApi imported into APIM whose credentials are gone waits for them (a reference error), instead of leaving the API', async () => {
    const deleting = restApi({ deletionTimestamp: '2026-01-01T00:00:00Z' }, { controlPlane: { type: 'APIM', host: 'apim.example:9443', apiId: 'a-1' } });
    const client = (await bottomUpClient(deleting, SPEC, gateway(), fakeCtx({})))!;
    await expect(client.delete()).rejects.toMatchObject({ retry: 'reference', stage: 'control-plane', message: expect.stringContaining('no OAuth2 credentials') });
    // Never imported: nothing to remove.
    expect(await bottomUpClient(restApi({ deletionTimestamp: '2026-01-01T00:00:00Z' }), SPEC, gateway(), fakeCtx({}))).toBeUndefined();
  });
});

describe('the OAuth2 credentials', () => {
  const read = (valuesYaml: string, secrets: Record<string, Record<string, string>>) => readCredentials(NS, gateway(valuesYaml).config.controlPlane!.oauth2, fakeCtx(secrets));

  it.each([
    ["the seed's Step 3 spelling", 'APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__'],
    ["the seed's Step 4 comment spelling", 'APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__CLIENT_'],
    ["the gateway's config template spelling", 'APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_CLIENT_'],
  ])('are read from an extraEnvFrom Secret in %s', async (_what, prefix) => {
    const c = await read(values(), { 'apim-oauth-client-secret-secret': { [`${prefix}ID`]: 'the-id', [`${prefix}SECRET`]: 'the-secret', UNRELATED: 'x' } });
    expect(c).toEqual({ clientId: 'the-id', clientSecret: 'the-secret' });
  });

  it('a later envFrom Secret wins, an extraEnv secretKeyRef wins over both, inline values fill the rest', async () => {
    const deployment = `    deployment:
      extraEnvFrom:
        - secretRef: {name: first}
        - secretRef: {name: second}
      extraEnv:
        - name: APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__PASSWORD
          valueFrom: {secretKeyRef: {name: single, key: pw}}
`;
    const inline = '        apim_oauth2_username: "inline-user"\n        apim_oauth2_password: "inline-pw"\n        apim_oauth2_client_id: "inline-id"\n';
    const c = await read(values(inline, deployment), {
      first: { APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_CLIENT_ID: 'first-id', APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_CLIENT_SECRET: 'first-secret' },
      second: { APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_CLIENT_ID: 'second-id' },
      single: { pw: 'secret-pw' },
    });
    expect(c).toEqual({ clientId: 'second-id', clientSecret: 'first-secret', username: 'inline-user', password: 'secret-pw' });
  });

  it('a username and password choose ROPC, authenticated with the client pair; the pair alone, client credentials', () => {
    expect(grantOf({ clientId: 'i', clientSecret: 's' })).toEqual({ type: 'client_credentials', clientId: 'i', clientSecret: 's' });
    expect(grantOf({ clientId: 'i', clientSecret: 's', username: 'u', password: 'p' })).toEqual({ type: 'password', clientId: 'i', clientSecret: 's', username: 'u', password: 'p' });
    expect(grantOf({ username: 'u', password: 'p' })).toContain('APIM requires to authenticate the client');
    expect(grantOf({})).toBe('no OAuth2 credentials are configured');
  });
});

describe('the watcher and the adopt annotation', () => {
  it('forwards a change of apim-sync.io/adopt like a spec change (annotations otherwise are not), so a Conflict is resolved at once', async () => {
    const { observe } = await import('../../watcher/object-state.ts');
    const { classifyChange } = await import('../../watcher/change-filter.ts');
    const version = (rv: string, annotations: Record<string, string>) => observe({ ...restApi({ resourceVersion: rv, annotations }), status: {} });
    expect(classifyChange(version('1', {}), version('2', { 'apim-sync.io/adopt': 'true' }))).toEqual({ forward: 'spec-changed' });
    expect(classifyChange(version('2', { 'apim-sync.io/adopt': 'true' }), version('3', { 'apim-sync.io/adopt': 'true', other: 'x' }))).toEqual({ skip: 'status-or-metadata' });
    expect(classifyChange(version('3', { 'apim-sync.io/adopt': 'true' }), version('4', {}))).toEqual({ forward: 'spec-changed' });
  });
});
