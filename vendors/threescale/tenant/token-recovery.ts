import { permanent } from '../../../shared/engine/errors.ts';
import type { VendorHttp } from '../../../shared/vendor-http/vendor-http.ts';
import { AdminApi } from '../admin-api.ts';

/**
 * A new access token for the tenant's admin user, when the one the signup returned was lost: a crash between the
 * signup and the Secret write, or the Secret deleted. Signup is the only call that returns a token, and porta never
 * shows one again; the master token cannot mint one for a tenant's user either (Access Token Create looks the user
 * up among the portal account's own users). What master can read is the tenant's provider key: the user key of the
 * tenant's application on master (Account Management API, applications of account {tenantId}, on the master portal).
 * porta's admin API takes a provider key where it takes a token (`by_provider_key.rb`, HTTP Basic included), so with
 * it Access Token Create (`POST /admin/api/users/{id}/access_tokens.json`) on the tenant's own portal mints a token
 * for the admin user, read-write with scope account_management like the signup's. The provider key is used for that
 * one call and kept nowhere.
 */
export async function recoverToken(master: AdminApi, adminURL: string, tenantId: number, adminId: number, http: VendorHttp): Promise<string> {
  const apps = await master.list(`/admin/api/accounts/${tenantId}/applications.json`, 'applications', 'application', false);
  const providerKey = apps.find((a) => typeof a.user_key === 'string' && a.user_key)?.user_key as string | undefined;
  if (!providerKey) throw permanent('TokenNotRecoverable', `tenant ${tenantId} has no provider key on master: its access token cannot be recovered; write the tenant secret by hand`);
  const tenantApi = new AdminApi({ adminURL, token: providerKey }, http, "the tenant's provider key");
  const created = await tenantApi.create(`/admin/api/users/${adminId}/access_tokens.json`, 'access_token', {
    name: 'apim-sync tenant secret',
    permission: 'rw',
    'scopes[]': 'account_management',
  });
  return String(created.value);
}
