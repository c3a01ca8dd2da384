import { afterAll, beforeAll, expect } from 'vitest';
import { CLIENT_ID_KEY, CLIENT_SECRET_KEY, OAUTH_SECRET } from '../../cli/wso2-register-client.ts';
import { forwardingFallback, startWso2Apim, type ApiState, type OAuthClient, type Wso2ApimEmulator, type Wso2ApimOptions } from '../../emulators/wso2/apim/index.ts';
import { startControlPlaneEmulator, type ControlPlaneEmulator } from '../../emulators/wso2/control-plane/index.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { VendorRequest } from '../../shared/vendor-http/vendor-http.ts';
import { sendPointer } from './send-message.ts';
import { waitFor } from './wait.ts';
import { apiGateway, GATEWAY, secret, startWso2World, type Wso2World, type Wso2WorldOptions } from './wso2-e2e.ts';

/** The APIM gateway environment the gateway is registered as (its `gateway_name`), as in the seed. */
export const ENVIRONMENT = 'prod-gateway';
/** The seed's Step 3 Secret and keys, as `apim-sync wso2 register-client` writes them. */
export { CLIENT_ID_KEY, CLIENT_SECRET_KEY, OAUTH_SECRET };
/** The seed's ROPC tip: these keys beside the client's in the same Secret. */
export const USERNAME_KEY = 'APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__USERNAME';
export const PASSWORD_KEY = 'APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__PASSWORD';
/** An APIM user of the ROPC flow, with just the scopes bottom-up sync asks for. */
export const DEPLOYER = { username: 'deployer', password: 'deployer-pw-7f3a91', scopes: ['apim:api_view', 'apim:api_import_export'] };

/**
 * The WSO2 world with the gateway's control plane being APIM 4.7, as the seed's "bottom-up" section sets it up: the
 * control plane emulator (APIM flavour) behind the APIM emulator's host (one `controlPlane.host`, as APIM serves
 * both, and APIM announcing to the gateway what its environment runs), the gateway registered (Step 1's token
 * Secret), a DCR client (Step 3's Secret, the seed's key spelling) and Step 4's values block in the APIGateway's
 * ConfigMap.
 */
export interface BottomUpWorld extends Wso2World {
  apim: Wso2ApimEmulator;
  controlPlane: ControlPlaneEmulator;
  client: OAuthClient;
  registrationToken: string;
  /** Every access token APIM issued to the sync function (read off its own HTTP client), for secret scans. */
  issuedTokens: string[];
  /** The APIM API apim-sync imported for a RestApi, by name (the display name is the resource's name in these tests). */
  apimApi(name: string): ApiState | undefined;
  /** APIM calls other than reads since `from` (an index into apim.calls): token requests, imports, undeploys, deletes. */
  apimWrites(from?: number): { method: string; path: string; status: number }[];
  /** The APIM writes one resync of RestApi `name` makes, the queue drained before and after. */
  writesOfOneResync(name: string): Promise<{ method: string; path: string; status: number }[]>;
}

export interface BottomUpWorldOptions extends Wso2WorldOptions {
  apim?: Partial<Wso2ApimOptions>;
}

/** The seed's Step 4 values, with the emulator's host (and `extra` lines under controlplane). */
export function bottomUpValues(host: string, extra = ''): string {
  return `gateway:
  config:
    controller:
      gateway_name: "${ENVIRONMENT}"
      server:
        gateway_id: "${ENVIRONMENT}"
      controlplane:
        insecure_skip_verify: true
        reconnect_initial: 1s
        reconnect_max: 5m
        polling_interval: 15m
        sync_batch_size: 50
        gateway_name: "${ENVIRONMENT}" # must match the gateway name registered in the controlplane
${extra}  controller:
    controlPlane:
      host: "${host}"
      token:
        secretName: "gateway-cp-token"
        key: token
    deployment:
      extraEnvFrom:
        - secretRef:
            name: ${OAUTH_SECRET}
`;
}

export async function startBottomUpWorld(opts: BottomUpWorldOptions = {}): Promise<BottomUpWorld> {
  const controlPlane = await startControlPlaneEmulator({ flavour: 'apim' });
  // As APIM 4.7: one host, and what the gateway's environment runs is announced to the gateway (bottom-up imports too).
  const apim = await startWso2Apim({ environments: [{ name: ENVIRONMENT }], users: [DEPLOYER], fallback: forwardingFallback(controlPlane.url, controlPlane.caPem), controlPlane, ...opts.apim });
  const { token: registrationToken } = controlPlane.registerGateway(ENVIRONMENT);
  const client = apim.registerClient({ clientName: 'gateway-controller', owner: 'admin', grantTypes: ['client_credentials', 'password', 'refresh_token'], saasApp: true });
  const base = await startWso2World({ ...opts, apiGateway: false, sync: { vendorCa: [apim.caPem], ...opts.sync } });
  const issuedTokens = spyOnIssuedTokens(base);
  const host = new URL(apim.url).host;
  const world: BottomUpWorld = {
    ...base,
    apim,
    controlPlane,
    client,
    registrationToken,
    issuedTokens,
    apimApi: (name) => apim.apis().find((a) => a.name === name),
    apimWrites: (from = 0) => apim.calls.slice(from).filter((c) => c.method !== 'GET'),
    async writesOfOneResync(name) {
      await waitFor('queue drained', () => base.plane.drained());
      const from = apim.calls.length;
      await sendPointer(base.plane, (await base.get('RestApi', name))!, { reason: 'resync', cause: `resync-${from}` });
      await waitFor('queue drained', () => base.plane.drained());
      return world.apimWrites(from);
    },
    async close() {
      await base.close();
      await apim.close();
      await controlPlane.close();
    },
  };
  await world.apply(secret('gateway-cp-token', { token: registrationToken }));
  await world.apply(secret(OAUTH_SECRET, { [CLIENT_ID_KEY]: client.clientId, [CLIENT_SECRET_KEY]: client.clientSecret }));
  await world.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prod-gateway-values' }, data: { 'values.yaml': bottomUpValues(host) } });
  await world.apply(apiGateway(GATEWAY, base.gateway.url, { spec: { configRef: { name: 'prod-gateway-values' } } }));
  await world.waitForCondition('APIGateway', GATEWAY, 'Ready', 'True');
  return world;
}

/**
 * One bottom-up world per test file; afterwards neither the gateway, APIM nor the control plane saw a request
 * outside its published contract.
 */
export function useBottomUpWorld(ready: (w: BottomUpWorld) => void | Promise<void>, opts: BottomUpWorldOptions = {}): void {
  let world: BottomUpWorld | undefined;
  beforeAll(async () => {
    world = await startBottomUpWorld(opts);
    await ready(world);
  }, 60_000);
  afterAll(async () => {
    expect(world?.gateway.violations() ?? []).toEqual([]);
    expect(world?.apim.violations() ?? []).toEqual([]);
    expect(world?.controlPlane.violations() ?? []).toEqual([]);
    await world?.close();
  });
}

/** The access tokens the token endpoint answered, seen on the sync function's own HTTP client. */
function spyOnIssuedTokens(w: Wso2World): string[] {
  const tokens: string[] = [];
  const http = w.plane.deps.http;
  const request = http.request.bind(http);
  http.request = async (req: VendorRequest) => {
    const res = await request(req);
    const token = (res.body as { access_token?: unknown } | undefined)?.access_token;
    if (req.url.endsWith('/oauth2/token') && typeof token === 'string') tokens.push(token);
    return res;
  };
  return tokens;
}

/** The additional property `name` of an API as APIM stores it. */
export const propertyOf = (api: ApiState | undefined, name: string) => api?.additionalProperties.find((p) => p.name === name)?.value;

/** The RestApi's `status.controlPlane`. */
export const controlPlaneStatus = (o: KubeObject | undefined) => o?.status?.controlPlane as { apiId?: string; revisionId?: string; gatewayEnvironment?: string; lastImportedGeneration?: number; host?: string; type?: string } | undefined;
