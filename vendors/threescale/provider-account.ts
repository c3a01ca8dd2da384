import { missingReference, permanent } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../shared/kube/object-ref.ts';
import { DEFAULT_PROVIDER_ACCOUNT_SECRET, providerAccountSecretName } from './references.ts';

/** A 3scale tenant as the operator identifies it: the admin portal URL and an access token for it. */
export interface ProviderAccount {
  adminURL: string;
  token: string;
}

/**
 * The operator's lookup (`lookup_provider_account.go`): the `spec.providerAccountRef` Secret, else the
 * `threescale-provider-account` Secret, both in the resource's namespace, each needing keys `adminURL` and `token`.
 * (The operator's third source, a local APIManager, has no equivalent outside the cluster.)
 */
export async function resolveProviderAccount(object: KubeObject, ctx: SyncContext): Promise<ProviderAccount> {
  const namespace = object.metadata.namespace ?? 'default';
  const name = providerAccountSecretName(object);
  const data = await ctx.readData({ ...SECRET, namespace, name });
  if (!data) {
    throw missingReference(
      name === DEFAULT_PROVIDER_ACCOUNT_SECRET
        ? `no provider account: spec.providerAccountRef is not set and secret ${namespace}/${DEFAULT_PROVIDER_ACCOUNT_SECRET} not found`
        : `provider account secret ${namespace}/${name} (spec.providerAccountRef) not found`,
    );
  }
  const missing = ['adminURL', 'token'].filter((k) => !data[k]?.trim());
  if (missing.length) throw permanent('ProviderAccountInvalid', `provider account secret ${namespace}/${name}: key ${missing.join(' and ')} missing or empty`);
  let url: URL;
  try {
    url = new URL(data.adminURL.trim());
  } catch {
    throw permanent('ProviderAccountInvalid', `provider account secret ${namespace}/${name}: adminURL is not a URL`);
  }
  if (!/^https?:$/.test(url.protocol)) throw permanent('ProviderAccountInvalid', `provider account secret ${namespace}/${name}: adminURL must be http(s)`);
  // Like the porta client, keep only scheme, host and port.
  return { adminURL: `${url.protocol}//${url.host}`, token: data.token.trim() };
}
