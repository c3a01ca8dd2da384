import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET } from '../../../shared/kube/object-ref.ts';
import { oauth2Field, type OAuth2Field, type OAuth2Source } from '../gateway/config.ts';

/** How apim-sync gets a token from APIM on the gateway's behalf. Never logged: `describeGrant` says what it is. */
export type OAuth2Grant =
  | { type: 'client_credentials'; clientId: string; clientSecret: string }
  /** ROPC, with the client authenticated too: APIM (WSO2 IS) requires it for the password grant. */
  | { type: 'password'; clientId: string; clientSecret: string; username: string; password: string };

export type Credentials = Partial<Record<OAuth2Field, string>>;

/**
 * The OAuth2 credentials of bottom-up sync as the gateway's process would see them: Secrets injected whole
 * (`extraEnvFrom`, keys in any spelling, a later Secret winning as in a pod's environment), single variables from
 * Secret keys (`extraEnv`, which win over `envFrom` as in Kubernetes), and last the values block's inline
 * `apim_oauth2_*`. A Secret that does not exist contributes nothing (the pod would not start with it missing either).
 */
export async function readCredentials(namespace: string, source: OAuth2Source, ctx: SyncContext): Promise<Credentials> {
  const fromEnvFrom: Credentials = {};
  for (const name of source.envFromSecrets) {
    const data = await ctx.readData({ ...SECRET, namespace, name });
    for (const [key, value] of Object.entries(data ?? {})) {
      const field = oauth2Field(key);
      if (field && value.trim() !== '') fromEnvFrom[field] = value.trim();
    }
  }
  const fromEnv: Credentials = {};
  for (const [field, ref] of Object.entries(source.envSecretKeys) as [OAuth2Field, { name: string; key: string }][]) {
    const value = (await ctx.readData({ ...SECRET, namespace, name: ref.name }))?.[ref.key]?.trim();
    if (value) fromEnv[field] = value;
  }
  return { ...source.inline, ...fromEnvFrom, ...fromEnv };
}

/**
 * The grant the credentials allow. A username and password choose ROPC (the seed's way to choose it), authenticated
 * with the client id and secret; otherwise the client id and secret alone get a client-credentials token. The
 * gateway instead prefers client credentials whenever the client pair is set, which leaves a username and password
 * stored beside it unused, and sends ROPC without client authentication, which APIM refuses.
 * A string says what is missing.
 */
export function grantOf(c: Credentials): OAuth2Grant | string {
  const client = c.clientId && c.clientSecret ? { clientId: c.clientId, clientSecret: c.clientSecret } : undefined;
  if (c.username && c.password) {
    if (!client) return 'a username and password are set but no OAuth2 client id and secret, which APIM requires to authenticate the client of a password grant';
    return { type: 'password', ...client, username: c.username, password: c.password };
  }
  if (client) return { type: 'client_credentials', ...client };
  if (c.clientId || c.clientSecret) return `the OAuth2 client ${c.clientId ? 'secret' : 'id'} is missing`;
  return 'no OAuth2 credentials are configured';
}

/** What a grant is, without any secret: for logs and messages. */
export const describeGrant = (g: OAuth2Grant) => (g.type === 'password' ? `password grant for user ${g.username}` : 'client credentials grant');
