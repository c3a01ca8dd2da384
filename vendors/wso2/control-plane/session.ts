import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { CONFIG_MAP, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { VendorTls } from '../../../shared/vendor-http/vendor-http.ts';
import { gatewayConfig, type ControlPlaneSettings } from '../gateway/config.ts';
import { readSecretKey } from '../gateway/secrets.ts';
import { discover } from './discovery.ts';
import { InternalApi } from './internal-api.ts';

/** One APIGateway's control plane, ready to be called on the gateway's behalf. */
export interface ControlPlaneSession {
  gateway: KubeObject;
  settings: ControlPlaneSettings;
  api: InternalApi;
}

/** The values block of an APIGateway's `configRef` ConfigMap (key `values.yaml`); a missing ConfigMap is waited for. */
async function valuesOf(gateway: KubeObject, ctx: SyncContext): Promise<string | undefined> {
  const name = (gateway.spec as { configRef?: { name?: string } } | undefined)?.configRef?.name;
  if (!name) return undefined;
  const ns = gateway.metadata.namespace ?? '';
  const data = await ctx.readData({ ...CONFIG_MAP, namespace: ns, name });
  if (!data) throw missingReference(`spec.configRef: ConfigMap ${ns}/${name} not found`);
  return data['values.yaml'];
}

/** The TLS of every call to this control plane: verification unless `insecure_skip_verify`, and the CA it names. */
export async function tlsOf(gateway: KubeObject, cp: ControlPlaneSettings, ctx: SyncContext): Promise<VendorTls | undefined> {
  const ca = cp.caSecret ? await readSecretKey(gateway.metadata.namespace ?? '', cp.caSecret, 'spec.controlPlane.tls.certSecretRef', ctx) : undefined;
  if (!cp.insecureSkipVerify && !ca) return undefined;
  return { ...(cp.insecureSkipVerify ? { insecureSkipVerify: true } : {}), ...(ca ? { ca: [ca] } : {}) };
}

/** The client of a control plane whose settings are known: its token and TLS read, where it is discovered. */
export async function clientFor(gateway: KubeObject, cp: ControlPlaneSettings, ctx: SyncContext): Promise<InternalApi> {
  const token = await readSecretKey(gateway.metadata.namespace ?? '', cp.token, 'spec.controlPlane.tokenSecretRef', ctx);
  const tls = await tlsOf(gateway, cp, ctx);
  const found = await discover(ctx.http, cp.host, tls);
  return new InternalApi(ctx.http, { ...found, token, ...(tls ? { tls } : {}) });
}

/** The APIGateway's control plane from its spec and values; undefined when it has none (any more). */
export async function openSession(gateway: KubeObject, ctx: SyncContext): Promise<ControlPlaneSession | undefined> {
  const settings = gatewayConfig(gateway, await valuesOf(gateway, ctx)).controlPlane;
  if (!settings) return undefined;
  return { gateway, settings, api: await clientFor(gateway, settings, ctx) };
}
