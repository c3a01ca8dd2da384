import { permanent } from '../../../shared/engine/errors.ts';
import { httpFailure, type VendorTls, type VendorTransport } from '../../../shared/vendor-http/vendor-http.ts';

/** The grants bottom-up sync may use: client credentials, or ROPC with client authentication (and refresh). */
const DCR_GRANT_TYPES = 'client_credentials password refresh_token';

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  clientName?: string;
}

/**
 * Dynamic client registration (`POST /client-registration/v0.17/register`, dcr.yaml), as the seed's Step 2: HTTP Basic
 * with an APIM admin, a SaaS application owned by that admin. Registering a name APIM already has for that owner
 * answers the existing client (carbon-apimgt's DCR), so running it again is safe.
 */
export async function registerClient(
  http: VendorTransport,
  opts: { apimUrl: string; username: string; password: string; clientName: string; tls?: VendorTls },
): Promise<RegisteredClient> {
  const url = `${opts.apimUrl.replace(/\/+$/, '')}/client-registration/v0.17/register`;
  const authorization = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
  const req = { method: 'POST' as const, url, json: { clientName: opts.clientName, owner: opts.username, grantType: DCR_GRANT_TYPES, saasApp: true }, headers: { authorization }, tls: opts.tls };
  const res = await http.request(req);
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  if ((res.status === 200 || res.status === 201) && typeof body.clientId === 'string' && typeof body.clientSecret === 'string') {
    return { clientId: body.clientId, clientSecret: body.clientSecret, ...(typeof body.clientName === 'string' ? { clientName: body.clientName } : {}) };
  }
  if (res.status === 401 || res.status === 403) {
    throw permanent('Unauthorized', `APIM refused the registration (${res.status}): user ${opts.username} is not an APIM admin or the password is wrong`);
  }
  if (res.status === 200 || res.status === 201) throw permanent('ControlPlaneError', `APIM answered the registration without clientId and clientSecret`);
  throw httpFailure(req, { ...res, body: typeof body.message === 'string' ? body.message : '' });
}
