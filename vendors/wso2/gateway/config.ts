import { parse } from 'yaml';
import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { ANNOTATIONS } from './annotations.ts';
import { duration } from './duration.ts';

/** A key of a Secret in the APIGateway's namespace. */
export interface SecretKey {
  name: string;
  key: string;
}

/** The OAuth2 client of bottom-up sync to APIM 4.7: where each credential is read from. */
export interface OAuth2Source {
  /** Secrets the chart injects whole as environment (`extraEnvFrom`), read in order, keys in any spelling. */
  envFromSecrets: string[];
  /** Single variables the chart injects from Secrets (`extraEnv[].valueFrom.secretKeyRef`). */
  envSecretKeys: Partial<Record<OAuth2Field, SecretKey>>;
  /** Inline values of the values block (`apim_oauth2_*`), discouraged but honoured when non-empty. */
  inline: Partial<Record<OAuth2Field, string>>;
}
export type OAuth2Field = 'clientId' | 'clientSecret' | 'username' | 'password';

/** `[controller.controlplane]` of the gateway, as apim-sync connects on the gateway's behalf. */
export interface ControlPlaneSettings {
  /** `host[:port]`: the https and wss authority. */
  host: string;
  /** The registration token: a Secret key, or the chart's inline `token.value`. */
  token: SecretKey | { value: string };
  insecureSkipVerify: boolean;
  /** A CA bundle to trust for the control plane (`spec.controlPlane.tls.certSecretRef`). */
  caSecret?: SecretKey;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  pollingIntervalMs: number;
  syncBatchSize: number;
  deploymentSyncEnabled: boolean;
  /** The APIM deployment environment the gateway is registered as (bottom-up). */
  gatewayName: string;
  oauth2: OAuth2Source;
}

/** How the gateway controller's management API is reached and authenticated (see docs/wso2-design.md). */
export interface ManagementSettings {
  url?: string;
  service?: { name: string; port?: number };
  transport?: 'service-proxy' | 'port-forward';
  /** A Secret with `username`+`password` or `token`. */
  credentialsSecret?: string;
  /** The first plain-text basic user of the values (the operator's source of credentials). */
  valuesUser?: { username: string; password: string };
  /** False only when the values disable basic auth and the IdP: then nothing needs to reach the gateway but the call. */
  authRequired: boolean;
}

export interface GatewayConfig {
  controlPlane?: ControlPlaneSettings;
  /**
   * Why a control plane host that is configured is not connected to: the gateway skips the connection when no
   * registration token is configured ("Control plane token not configured, skipping connection"), and so does apim-sync.
   */
  controlPlaneSkipped?: string;
  management: ManagementSettings;
}

// In a module of its own, so the watcher's references read them without loading a YAML parser.
export { ANNOTATIONS } from './annotations.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The gateway's configuration from its APIGateway and the values block its `configRef` ConfigMap holds (key
 * `values.yaml`), which the seed's Helm values are pasted into unchanged. `spec.controlPlane` wins over the values.
 * Pure: the sync function and the watcher's control-plane connection both read it. Throws an invalid-spec error
 * naming the field when something cannot be used.
 */
export function gatewayConfig(gateway: KubeObject, valuesYaml?: string): GatewayConfig {
  const values = parseValues(valuesYaml);
  const spec = obj(gateway.spec);
  const cfgController = obj(obj(obj(values.gateway).config).controller);
  const cp = obj(cfgController.controlplane);
  const chartController = obj(obj(values.gateway).controller);
  const chartCp = obj(chartController.controlPlane);
  const specCp = obj(spec.controlPlane);

  const host = hostOf(str(specCp.host) ?? str(chartCp.host), chartCp.port);
  const mgmt = management(gateway, cfgController);
  if (!host) return { management: mgmt };
  const token = tokenOf(specCp, chartCp);
  if (!token) {
    return { controlPlaneSkipped: `a control plane host (${host}) is configured but no registration token (spec.controlPlane.tokenSecretRef, or gateway.controller.controlPlane.token in values.yaml): the gateway runs standalone, as it does`, management: mgmt };
  }
  return { controlPlane: controlPlane(host, token, specCp, cp, cfgController, chartController, obj(values.gateway)), management: mgmt };
}

/** Where the registration token is: the APIGateway's Secret key, the chart's Secret key, or the chart's inline value. */
function tokenOf(specCp: Json, chartCp: Json): ControlPlaneSettings['token'] | undefined {
  const specToken = obj(specCp.tokenSecretRef);
  const chartToken = obj(chartCp.token);
  if (str(specToken.name)) return { name: str(specToken.name)!, key: str(specToken.key) ?? 'token' };
  if (str(chartToken.secretName)) return { name: str(chartToken.secretName)!, key: str(chartToken.key) ?? 'token' };
  if (str(chartToken.value)) return { value: str(chartToken.value)! };
  return undefined;
}

function parseValues(text: string | undefined): Json {
  if (text === undefined || text.trim() === '') return {};
  try {
    return obj(parse(text));
  } catch (err) {
    throw invalidSpec('InvalidConfiguration', `spec.configRef: values.yaml is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

function controlPlane(host: string, token: ControlPlaneSettings['token'], specCp: Json, cp: Json, cfgController: Json, chartController: Json, gatewayValues: Json): ControlPlaneSettings {
  const tls = obj(specCp.tls);
  const ca = obj(tls.certSecretRef);
  const field = (k: string) => `gateway.config.controller.controlplane.${k}`;
  const reconnectInitialMs = durationOf(cp.reconnect_initial, 1_000, field('reconnect_initial'));
  const reconnectMaxMs = durationOf(cp.reconnect_max, 300_000, field('reconnect_max'));
  if (reconnectInitialMs > reconnectMaxMs) throw invalidSpec('InvalidConfiguration', `${field('reconnect_initial')} must not exceed reconnect_max`);
  return {
    host,
    token,
    // The gateway's code defaults to skipping verification; apim-sync verifies unless told not to.
    insecureSkipVerify: boolOf(cp.insecure_skip_verify, false, field('insecure_skip_verify')),
    ...(str(ca.name) ? { caSecret: { name: str(ca.name)!, key: str(ca.key) ?? 'ca.crt' } } : {}),
    reconnectInitialMs,
    reconnectMaxMs,
    pollingIntervalMs: durationOf(cp.polling_interval, 900_000, field('polling_interval')),
    syncBatchSize: positiveInt(cp.sync_batch_size, 50, field('sync_batch_size')),
    deploymentSyncEnabled: boolOf(cp.deployment_sync_enabled, true, field('deployment_sync_enabled')),
    gatewayName: str(cp.gateway_name) ?? str(cfgController.gateway_name) ?? 'default',
    oauth2: oauth2(cp, chartController, gatewayValues),
  };
}

/** `host` may carry its port; the chart also has a separate `port`. */
function hostOf(host: string | undefined, port: unknown): string | undefined {
  if (!host) return undefined;
  const bare = host.replace(/^(https?|wss?):\/\//, '').replace(/\/+$/, '');
  const hasPort = /:\d+$/.test(bare) && !/^\[[^\]]+\]$/.test(bare);
  return !hasPort && (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) ? `${bare}:${port}` : bare;
}

/** The chart puts the controller's environment under `gateway.controller.deployment`; the seed's text under `gateway.deployment`. */
function oauth2(cp: Json, chartController: Json, gatewayValues: Json): OAuth2Source {
  const deployments = [obj(chartController.deployment), obj(gatewayValues.deployment)];
  const envFromSecrets = deployments.flatMap((d) => (Array.isArray(d.extraEnvFrom) ? d.extraEnvFrom : []).map((e) => str(obj(obj(e).secretRef).name)).filter((n): n is string => Boolean(n)));
  const envSecretKeys: OAuth2Source['envSecretKeys'] = {};
  for (const d of deployments) {
    for (const e of Array.isArray(d.extraEnv) ? d.extraEnv : []) {
      const field = oauth2Field(String(obj(e).name ?? ''));
      const ref = obj(obj(obj(e).valueFrom).secretKeyRef);
      if (field && str(ref.name) && str(ref.key)) envSecretKeys[field] ??= { name: str(ref.name)!, key: str(ref.key)! };
    }
  }
  const inline: OAuth2Source['inline'] = {};
  for (const [field, key] of [['clientId', 'apim_oauth2_client_id'], ['clientSecret', 'apim_oauth2_client_secret'], ['username', 'apim_oauth2_username'], ['password', 'apim_oauth2_password']] as const) {
    const v = str(cp[key]);
    if (v) inline[field] = v;
  }
  return { envFromSecrets: [...new Set(envFromSecrets)], envSecretKeys, inline };
}

/**
 * Which OAuth2 credential an environment variable name carries, whatever its spelling: the seed writes
 * `APIP_GW_CONTROLLER_CONTROLPLANE_APIM__OAUTH2__CLIENT__ID` and `APIP_GW_CONTROLLER__CONTROLPLANE__APIM_OAUTH2__CLIENT_ID`,
 * the gateway's config template `APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_CLIENT_ID`: runs of underscores are one.
 */
export function oauth2Field(envName: string): OAuth2Field | undefined {
  const n = envName.toUpperCase().replace(/_+/g, '_');
  const m = /^APIP_GW_CONTROLLER_CONTROLPLANE_APIM_OAUTH2_(CLIENT_ID|CLIENT_SECRET|USERNAME|PASSWORD)$/.exec(n);
  if (!m) return undefined;
  return ({ CLIENT_ID: 'clientId', CLIENT_SECRET: 'clientSecret', USERNAME: 'username', PASSWORD: 'password' } as const)[m[1] as 'CLIENT_ID'];
}

function management(gateway: KubeObject, cfgController: Json): ManagementSettings {
  const a = gateway.metadata.annotations ?? {};
  const auth = obj(cfgController.auth);
  const basic = obj(auth.basic);
  const idp = obj(auth.idp);
  const users = Array.isArray(basic.users) ? basic.users.map(obj) : [];
  const first = users[0];
  const plain = first && str(first.username) && typeof first.password === 'string' && first.password_hashed !== true;
  const transport = str(a[ANNOTATIONS.managementTransport]);
  if (transport && transport !== 'service-proxy' && transport !== 'port-forward') {
    throw invalidSpec('InvalidConfiguration', `metadata.annotations[${ANNOTATIONS.managementTransport}]: must be service-proxy or port-forward, got "${transport}"`);
  }
  const url = str(a[ANNOTATIONS.managementUrl]);
  if (url && !/^https?:\/\/[^/]/.test(url)) throw invalidSpec('InvalidConfiguration', `metadata.annotations[${ANNOTATIONS.managementUrl}]: must be an http(s) URL`);
  const service = str(a[ANNOTATIONS.managementService]);
  const m = service ? /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?::(\d{1,5}))?$/.exec(service) : undefined;
  if (service && !m) throw invalidSpec('InvalidConfiguration', `metadata.annotations[${ANNOTATIONS.managementService}]: must be a Service name, optionally with :port`);
  return {
    ...(url ? { url: url.replace(/\/+$/, '') } : {}),
    ...(m ? { service: { name: m[1], ...(m[3] ? { port: Number(m[3]) } : {}) } } : {}),
    ...(transport ? { transport: transport as ManagementSettings['transport'] } : {}),
    ...(str(a[ANNOTATIONS.managementCredentials]) ? { credentialsSecret: str(a[ANNOTATIONS.managementCredentials]) } : {}),
    ...(plain ? { valuesUser: { username: str(first.username)!, password: first.password as string } } : {}),
    // The chart enables basic auth; only an explicit `enabled: false` (and no IdP) opens the API.
    authRequired: basic.enabled !== false || idp.enabled === true,
  };
}

function durationOf(v: unknown, dflt: number, field: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const ms = typeof v === 'number' ? v * 1000 : duration(String(v));
  if (ms === undefined || ms <= 0) throw invalidSpec('InvalidConfiguration', `${field}: must be a positive duration such as 1s, 5m or 1h30m, got "${String(v)}"`);
  return ms;
}

function positiveInt(v: unknown, dflt: number, field: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw invalidSpec('InvalidConfiguration', `${field}: must be a positive integer, got "${String(v)}"`);
  return n;
}

function boolOf(v: unknown, dflt: boolean, field: string): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw invalidSpec('InvalidConfiguration', `${field}: must be true or false, got "${String(v)}"`);
}
