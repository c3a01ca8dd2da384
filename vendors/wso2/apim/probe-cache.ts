import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ControlPlaneSettings } from '../gateway/config.ts';
import type { Discovered } from '../control-plane/discovery.ts';
import { probeControlPlane } from '../control-plane/probe.ts';

/** Which control plane a gateway has changes rarely; a minute spares a discovery round trip on most syncs. */
const PROBE_TTL_MS = 60_000;

const probes = new Map<string, { probe: Discovered; until: number }>();

/**
 * `probeControlPlane`, remembered per container for a minute per gateway and host. Failures are not remembered:
 * the next sync asks again.
 */
export async function cachedProbe(apigateway: KubeObject, cp: ControlPlaneSettings, ctx: SyncContext, now = Date.now()): Promise<Discovered> {
  const key = `${apigateway.metadata.uid ?? `${apigateway.metadata.namespace}/${apigateway.metadata.name}`}\n${cp.host}`;
  const hit = probes.get(key);
  if (hit && now < hit.until) return hit.probe;
  const probe = await probeControlPlane(apigateway, cp, ctx);
  probes.set(key, { probe, until: now + PROBE_TTL_MS });
  return probe;
}

/** Tests that switch a control plane's flavour under the same host. */
export function forgetProbes(): void {
  probes.clear();
}
