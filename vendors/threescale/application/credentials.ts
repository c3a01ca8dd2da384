import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET } from '../../../shared/kube/object-ref.ts';
import type { AdminApi } from '../admin-api.ts';

/** The create parameters each authentication mode (the product's `backend_version`) takes, from the Secret's keys. */
const MODES: Record<string, Record<string, string>> = {
  '1': { user_key: 'UserKey' },
  '2': { application_id: 'ApplicationID', application_key: 'ApplicationKey' },
  oidc: { application_id: 'ClientID', application_key: 'ClientSecret' },
};

/**
 * The application's credentials from `spec.authSecretRef`, as the operator sends them on create
 * (OP controllers/capabilities/application_credentials.go): `user_key`, or `application_id` + `application_key` (the
 * Secret's ClientID/ClientSecret for OIDC). The mode is the product's `backend_version` as 3scale holds it, not the
 * Product CR's spec, which may leave authentication to 3scale's default (the operator then fails). A missing Secret
 * waits for it (the watcher wakes the Application when it appears); a missing key is Invalid, naming the key, never
 * its values.
 */
export async function creationCredentials(api: AdminApi, ctx: SyncContext, namespace: string, secretName: string, productId: number): Promise<Record<string, string>> {
  const data = await ctx.readData({ ...SECRET, namespace, name: secretName });
  if (!data) throw missingReference(`secret ${namespace}/${secretName} (spec.authSecretRef) not found`);
  const service = await api.find(`/admin/api/services/${productId}.json`, 'service');
  const mode = String(service?.backend_version ?? '1');
  const keys = MODES[mode];
  if (!keys) throw invalidSpec('Invalid', `spec.authSecretRef: the product's authentication mode ${mode} takes no application credentials`);
  const params: Record<string, string> = {};
  for (const [param, key] of Object.entries(keys)) {
    const value = data[key]?.trim();
    if (!value) throw invalidSpec('Invalid', `spec.authSecretRef: secret ${namespace}/${secretName} lacks key ${key}, which authentication mode ${mode} needs`);
    params[param] = value;
  }
  return params;
}
