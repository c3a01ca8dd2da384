import type { ExternalClient } from '../../../shared/engine/kind.ts';
import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { AdminApi } from '../admin-api.ts';
import { generatedKey, type Credentials } from './credentials.ts';

type Json = Record<string, any>;

/** Where the keys go and how the Secret is read and written back. */
export interface AuthTarget {
  appPath: string;
  credentials: Credentials;
  generate: boolean;
  writeBack(values: Record<string, string>): Promise<void>;
}

/**
 * The credentials of one 3scale application: a user key (backend_version 1) set by PUT, or an application key added
 * to its keys. In place already = up to date, so syncs are idempotent; with generateSecret and an empty Secret the key
 * is generated once, written to the Secret first, then sent to 3scale. Nothing to remove on delete.
 */
export function applicationAuthClient(api: AdminApi, t: AuthTarget): ExternalClient {
  const keysOf = async () => (await api.list(`${t.appPath}/keys.json`, 'keys', 'key', false)).map((k) => k.value as string);
  const load = async () => (await api.find(`${t.appPath}.json`, 'application'))!;
  const usesUserKey = (app: Json) => app.user_key !== undefined;
  const missing = (what: string) => invalidSpec('Invalid', `spec.authSecretRef: key ${what} missing or empty and spec.generateSecret is not true`);

  async function inPlace(app: Json): Promise<boolean> {
    if (usesUserKey(app)) return t.credentials.UserKey !== undefined && app.user_key === t.credentials.UserKey;
    return t.credentials.ApplicationKey !== undefined && (await keysOf()).includes(t.credentials.ApplicationKey);
  }

  /**
   * A generated key goes into the Secret before 3scale hears of it (crossplane's create-pending): a crash in between
   * leaves a key the next sync sends, never a key in 3scale that nobody knows, nor a second one.
   */
  async function keptFirst(name: 'UserKey' | 'ApplicationKey', applicationId: string): Promise<string> {
    const key = generatedKey();
    await t.writeBack({ [name]: key, ApplicationID: applicationId });
    return key;
  }

  /** The application observe loaded and found without the credentials: the write that follows starts from it. */
  let notInPlace: Json | undefined;

  async function apply(): Promise<Record<string, never>> {
    const app = notInPlace ?? (await load());
    if (!notInPlace && (await inPlace(app))) return {};
    if (usesUserKey(app)) {
      const key = t.credentials.UserKey ?? (t.generate ? await keptFirst('UserKey', String(app.id)) : undefined);
      if (!key) throw missing('UserKey');
      // `user_key` is the admin API's field (ApplicationUpdateRequest). The operator names the parameter after the
      // product's authUserKey, the gateway's credential name (`api-key`…), which porta takes as an unknown custom
      // field: with a custom authUserKey its key never changes. The key is the same whatever the gateway calls it.
      await api.update(`${t.appPath}.json`, 'application', { user_key: key });
      return {};
    }
    const key = t.credentials.ApplicationKey ?? (t.generate ? await keptFirst('ApplicationKey', String(app.application_id)) : undefined);
    if (!key) throw missing('ApplicationKey');
    await api.create(`${t.appPath}/keys.json`, 'application', { key });
    return {};
  }

  return {
    async observe() {
      const app = await load();
      const upToDate = await inPlace(app);
      notInPlace = upToDate ? undefined : app;
      return { exists: true, upToDate };
    },
    create: apply,
    update: apply,
    async delete() {},
  };
}
