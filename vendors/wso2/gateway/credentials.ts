import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { ANNOTATIONS, type ManagementSettings } from './config.ts';

/** The operator's fallback (internal/auth GetDefaultBasicAuthCredentials): the chart's default user. */
const DEFAULT_USER = { username: 'admin', password: 'admin' };

/** The Authorization header for a gateway's management API, and where its credentials came from (for messages). */
export interface ManagementCredentials {
  authorization: string;
  source: string;
}

/**
 * The credentials apim-sync presents to the gateway's management API: the Secret `apim-sync.io/management-credentials`
 * names in the APIGateway's namespace (`username`+`password`, or `token` for an IdP's bearer JWT); else the operator's
 * choice, the first plain-text basic user of the values block; else `admin`/`admin`, the chart's default user.
 */
export async function managementCredentials(gateway: KubeObject, settings: ManagementSettings, ctx: SyncContext): Promise<ManagementCredentials> {
  const ns = gateway.metadata.namespace ?? 'default';
  if (settings.credentialsSecret) {
    const where = `Secret ${ns}/${settings.credentialsSecret} (metadata.annotations[${ANNOTATIONS.managementCredentials}])`;
    const data = await ctx.readData({ ...SECRET, namespace: ns, name: settings.credentialsSecret });
    if (!data) throw missingReference(`${where} not found`);
    if (data.token) return { authorization: `Bearer ${data.token}`, source: where };
    if (data.username && data.password !== undefined && data.password !== '') return { authorization: basic(data.username, data.password), source: where };
    throw invalidSpec('InvalidConfiguration', `${where} must hold the keys username and password, or token`);
  }
  if (settings.valuesUser) return { authorization: basic(settings.valuesUser.username, settings.valuesUser.password), source: `the first user of gateway.config.controller.auth.basic.users in the values (${settings.valuesUser.username})` };
  return { authorization: basic(DEFAULT_USER.username, DEFAULT_USER.password), source: "the chart's default user admin" };
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
