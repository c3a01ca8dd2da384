// PLACEHOLDER owned by the top-down work (docs/wso2-design.md, "Top-down"): replaced by the real probe.
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ControlPlaneSettings } from '../gateway/config.ts';

/** Which control plane answers at the configured host, and where its internal REST API is. */
export interface ControlPlaneProbe {
  flavour: 'apim' | 'platform';
  /** `https://{host}/internal/data/v1` (APIM 4.7) or `https://{host}/api/internal/v1` (Platform API). */
  restBase: string;
  /** APIM's version, from its well-known answer. */
  version?: string;
}

/**
 * Discovery plus one authenticated call with the registration token: resolves when the control plane answers and
 * accepts the token; throws a classified SyncError (Unauthorized, Unreachable, ...) naming the cause otherwise.
 */
export async function probeControlPlane(_apigateway: KubeObject, cp: ControlPlaneSettings, _ctx: SyncContext): Promise<ControlPlaneProbe> {
  return { flavour: 'platform', restBase: `https://${cp.host}/api/internal/v1` };
}
