import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { VendorTls } from '../../../shared/vendor-http/vendor-http.ts';
import { gatewayConfig, type ControlPlaneSettings } from '../gateway/config.ts';
import { readSecretKey } from '../gateway/secrets.ts';
import { gatewayValues } from '../gateway/values.ts';
import { discover } from './discovery.ts';
import { InternalApi } from './internal-api.ts';

/** One APIGateway's control plane, ready to be called on the gateway's behalf. */
export interface ControlPlaneSession {
  gateway: KubeObject;
  settings: ControlPlaneSettings;
  api: InternalApi;
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
  const settings = gatewayConfig(gateway, await gatewayValues(gateway, ctx)).controlPlane;
  if (!settings) return undefined;
  return { gateway, settings, api: await clientFor(gateway, settings, ctx) };
}
