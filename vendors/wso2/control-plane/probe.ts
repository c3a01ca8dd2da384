import { permanent, SyncError, transient } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { VendorRequest } from '../../../shared/vendor-http/vendor-http.ts';
import type { ControlPlaneSettings } from '../gateway/config.ts';
import type { Discovered } from './discovery.ts';
import { clientFor } from './session.ts';

/** Node's codes of a TLS handshake that failed for the certificate: a configuration problem, not a blip. */
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)|HOSTNAME_MISMATCH|EPROTO)/;

/**
 * Discovery plus one authenticated call with the registration token (`GET /deployments?since=now`, answered by both
 * flavours and nearly empty): resolves when the control plane answers and accepts the token; throws a classified
 * SyncError otherwise: Unauthorized (401/403: the token is refused), NotFound (no internal API there, or the gateway
 * is unknown to it), TLSError (the certificate is not trusted or does not match the host), AddressRefused (the address
 * policy), Unreachable (network, timeouts, 5xx: retried).
 */
export async function probeControlPlane(apigateway: KubeObject, cp: ControlPlaneSettings, ctx: SyncContext): Promise<Discovered> {
  const { token, tls, ...found } = (await clientFor(apigateway, cp, ctx)).endpoint;
  const since = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const req: VendorRequest = { method: 'GET', url: `${found.restBase}/deployments?since=${encodeURIComponent(since)}`, headers: { accept: 'application/json', 'api-key': token }, ...(tls ? { tls } : {}) };
  let status: number;
  try {
    status = (await ctx.http.request(req)).status;
  } catch (err) {
    throw classifyTransport(err, cp.host);
  }
  const where = `the ${found.flavour === 'apim' ? 'APIM' : 'Platform API'} control plane at ${cp.host}`;
  if (status >= 200 && status < 300) return found;
  if (status === 401 || status === 403) throw permanent('Unauthorized', `${where} refused the gateway's registration token (${status}); put a valid token in the token Secret`);
  if (status === 404) throw permanent('NotFound', `${where} has no gateway internal API at ${found.restBase}, or does not know this gateway (404)`);
  if (status >= 500 || status === 429) throw transient('Unreachable', `${where} answered ${status}; will retry`);
  throw permanent('ControlPlaneError', `${where} answered ${status} to GET ${found.restBase}/deployments`);
}

function classifyTransport(err: unknown, host: string): SyncError {
  if (!(err instanceof SyncError)) return transient('Unreachable', `the control plane at ${host} could not be reached: ${(err as Error).message}`);
  if (err.reason === 'AddressRefused') return err;
  const code = (err.cause as { code?: string } | undefined)?.code ?? '';
  if (TLS_CODES.test(code)) {
    return permanent(
      'TLSError',
      `TLS with the control plane at ${host} failed (${code}): its certificate is not trusted or does not name the host; name its CA in spec.controlPlane.tls.certSecretRef, or set insecure_skip_verify`,
    );
  }
  return transient('Unreachable', `the control plane at ${host} could not be reached: ${err.message}`);
}
