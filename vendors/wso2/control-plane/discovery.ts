import { SyncError } from '../../../shared/engine/errors.ts';
import type { VendorTls, VendorTransport } from '../../../shared/vendor-http/vendor-http.ts';

/** Which control plane answers at a host, and where its internal REST API is. */
export interface Discovered {
  flavour: 'apim' | 'platform';
  /** `https://{host}/internal/data/v1` (APIM 4.7, as its well-known says) or `https://{host}/api/internal/v1` (Platform API). */
  restBase: string;
  /** APIM's version, from its well-known answer. */
  version?: string;
}

const PLATFORM_BASE_PATH = '/api/internal/v1';
const DISCOVERY_TIMEOUT_MS = 5_000;
/** A container serves many events of one gateway; the answer of a host changes only when it is upgraded. */
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { at: number; found: Discovered }>();

/**
 * The gateway's discovery: `GET https://{host}/internal/gateway/.well-known` (5 s); a `gatewayPath` means APIM (its
 * internal API under that path), anything else the Platform API. An address the policy refuses is not "anything else":
 * it is thrown, so nothing else is tried at that host.
 */
export async function discover(http: VendorTransport, host: string, tls?: VendorTls, now = Date.now()): Promise<Discovered> {
  const key = `${host}|${JSON.stringify(tls ?? {})}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.found;
  let found: Discovered = { flavour: 'platform', restBase: `https://${host}${PLATFORM_BASE_PATH}` };
  let answered = false;
  try {
    const res = await http.request({ method: 'GET', url: `https://${host}/internal/gateway/.well-known`, timeoutMs: DISCOVERY_TIMEOUT_MS, ...(tls ? { tls } : {}) });
    answered = true;
    const body = res.body as { gatewayPath?: unknown; controlPlane?: { type?: unknown; version?: unknown } } | undefined;
    const path = typeof body?.gatewayPath === 'string' ? body.gatewayPath.trim().replace(/^\/+|\/+$/g, '') : '';
    if (res.status === 200 && path) {
      const version = typeof body?.controlPlane?.version === 'string' ? body.controlPlane.version : undefined;
      found = { flavour: 'apim', restBase: `https://${host}/${path}`, ...(version ? { version } : {}) };
    }
  } catch (err) {
    if (err instanceof SyncError && err.reason === 'AddressRefused') throw err;
  }
  // A host that did not answer at all is asked again next time: it may be APIM, down for a moment.
  if (answered) cache.set(key, { at: now, found });
  return found;
}

/** Tests start fresh control planes on reused ports. */
export function forgetDiscoveries(): void {
  cache.clear();
}
