import { createHash } from 'node:crypto';
import type { KubeHttp } from '../../shared/kube/kube-http.ts';
import { CONFIG_MAP, SECRET, type KubeObject } from '../../shared/kube/object-ref.ts';
import { resourcePath } from '../../shared/kube/resources.ts';
import { gatewayConfig, type ControlPlaneSettings, type SecretKey } from '../../vendors/wso2/gateway/config.ts';

/** What one connection needs, read from the APIGateway, its values ConfigMap and its Secrets. Holds the token: never logged. */
export interface LinkSettings {
  host: string;
  token: string;
  insecureSkipVerify: boolean;
  /** PEM of the CA the APIGateway names (`spec.controlPlane.tls.certSecretRef`). */
  ca?: string;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  pollingIntervalMs: number;
  /** A digest of all of the above: a change of any of them means a new connection. */
  fingerprint: string;
}

export interface SettingsRead {
  /** Undefined when the gateway has no control plane, or its settings cannot be used yet (`problem` says why). */
  settings?: LinkSettings;
  problem?: string;
  /** Keys (`v1/Secret/ns/name`) of the ConfigMap and Secrets read, present or not: a change of one is a reason to read again. */
  dataKeys: string[];
}

/** One object by name through a list narrowed to it (the watcher's RBAC grants list and watch, not get). */
export async function readByName(http: KubeHttp, type: { apiVersion: string; kind: string }, namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined> {
  const list = await http.getJson<{ items?: KubeObject[] }>(resourcePath(type, namespace), { fieldSelector: `metadata.name=${name}` }, signal);
  return list.items?.find((o) => o.metadata?.name === name);
}

const dataKey = (kind: string, namespace: string, name: string) => ['v1', kind, namespace, name].join('/');

/**
 * The connection settings of an APIGateway, as the gateway would have them: the values block of its `configRef`
 * (key `values.yaml`) under `spec.controlPlane`, the token and CA from their Secrets. API errors throw (the caller
 * retries); a missing Secret or an invalid value is a `problem` until one of `dataKeys` or the APIGateway changes.
 */
export async function readLinkSettings(http: KubeHttp, gateway: KubeObject, signal?: AbortSignal): Promise<SettingsRead> {
  const ns = gateway.metadata.namespace ?? '';
  const dataKeys: string[] = [];
  const configRef = (gateway.spec as { configRef?: { name?: string } } | undefined)?.configRef?.name;
  let values: string | undefined;
  if (configRef) {
    dataKeys.push(dataKey('ConfigMap', ns, configRef));
    const cm = await readByName(http, CONFIG_MAP, ns, configRef, signal);
    if (!cm) return { problem: `ConfigMap ${ns}/${configRef} (spec.configRef) not found`, dataKeys };
    values = cm.data?.['values.yaml'];
  }
  let cp: ControlPlaneSettings | undefined;
  try {
    cp = gatewayConfig(gateway, values).controlPlane;
  } catch (err) {
    return { problem: (err as Error).message, dataKeys };
  }
  if (!cp) return { dataKeys };
  const secret = async (source: SecretKey | { value: string }, field: string): Promise<string | { problem: string }> => {
    if ('value' in source) return source.value;
    dataKeys.push(dataKey('Secret', ns, source.name));
    const s = await readByName(http, SECRET, ns, source.name, signal);
    const raw = s?.data?.[source.key];
    if (!s) return { problem: `${field}: Secret ${ns}/${source.name} not found` };
    if (!raw) return { problem: `${field}: Secret ${ns}/${source.name} has no key "${source.key}"` };
    return Buffer.from(raw, 'base64').toString('utf8').trim();
  };
  const token = await secret(cp.token, 'the registration token');
  if (typeof token !== 'string') return { problem: token.problem, dataKeys };
  const ca = cp.caSecret ? await secret(cp.caSecret, 'spec.controlPlane.tls.certSecretRef') : undefined;
  if (ca !== undefined && typeof ca !== 'string') return { problem: ca.problem, dataKeys };
  const settings = {
    host: cp.host,
    token,
    insecureSkipVerify: cp.insecureSkipVerify,
    ...(ca ? { ca } : {}),
    reconnectInitialMs: cp.reconnectInitialMs,
    reconnectMaxMs: cp.reconnectMaxMs,
    pollingIntervalMs: cp.pollingIntervalMs,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 32);
  return { settings: { ...settings, fingerprint }, dataKeys };
}
