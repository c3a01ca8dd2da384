/**
 * `POST /client-registration/v0.17/register` as carbon-apimgt's `RegistrationServiceImpl` does it:
 * - the caller authenticates with HTTP Basic; it must be the payload's `owner`, or the super admin;
 * - a client name already registered in the tenant is not registered again: the existing client is answered,
 *   with its original key, secret and grant types, provided the caller owns it (or is the super admin naming its
 *   owner) — else 403 "Access is forbidden to the application";
 * - without a callback URL, `authorization_code` and `implicit` are dropped from the grant types.
 */
import type { Answer } from '../../common/http-io.ts';
import type { ClientRegistry, OAuthClient } from './clients.ts';
import { badRequest, forbidden, unauthorized } from './errors.ts';
import type { UserStore } from './users.ts';

type Json = Record<string, unknown>;

export interface DcrContext {
  users: UserStore;
  clients: ClientRegistry;
}

export function registerClient(ctx: DcrContext, authorization: string | undefined, body: Json): Answer {
  const caller = ctx.users.authenticateBasic(authorization);
  if (!caller) throw unauthorized();
  const clientName = text(body.clientName);
  const owner = text(body.owner);
  const grantType = text(body.grantType);
  for (const [field, value] of [['clientName', clientName], ['owner', owner], ['grantType', grantType]] as const) {
    if (!value) throw badRequest(`${field} is required to register a client application`);
  }
  if (caller.username !== owner && !ctx.users.isSuperAdmin(caller.username)) {
    throw badRequest(`Logged in user '${caller.username}' and application owner '${owner}' should be same.`);
  }
  const callbackUrl = text(body.callbackUrl) || undefined;
  let grantTypes = grantType!.split(/\s+/).filter(Boolean);
  if (!callbackUrl) grantTypes = grantTypes.filter((g) => g !== 'authorization_code' && g !== 'implicit');

  const existing = ctx.clients.findByName(clientName!);
  const client =
    existing ??
    ctx.clients.register({
      clientName: clientName!,
      owner: owner!,
      grantTypes,
      callbackUrl,
      saasApp: body.saasApp === true || body.saasApp === 'true',
      tokenType: text(body.tokenType) || undefined,
    });
  const permitted = caller.username === client.owner || (ctx.users.isSuperAdmin(caller.username) && owner === client.owner);
  if (!permitted) throw forbidden('Access is forbidden to the application');
  return { status: 200, body: registrationResult(client, existing !== undefined) };
}

/** The spec's `DCRResult`; `jsonString` carries what the OAuth app was read with (only its grants when it existed). */
function registrationResult(client: OAuthClient, existed: boolean): Json {
  const grants = client.grantTypes.join(' ');
  const json = existed
    ? { grant_types: grants }
    : { grant_types: grants, ...(client.callbackUrl ? { redirect_uris: client.callbackUrl } : {}), client_name: client.clientName };
  return {
    clientId: client.clientId,
    clientName: client.clientName,
    callbackUrl: client.callbackUrl ?? null,
    clientSecret: client.clientSecret,
    isSaasApplication: client.saasApp,
    appOwner: client.owner,
    jsonString: JSON.stringify(json),
    jsonAppAttribute: '{}',
    applicationUUID: client.applicationUUID,
    tokenType: client.tokenType,
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
