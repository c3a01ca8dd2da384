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
 * is generated once and written back to the Secret, whose change then finds it in place. Nothing to remove on delete.
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

  async function apply(): Promise<Record<string, never>> {
    const app = await load();
    if (await inPlace(app)) return {};
    if (usesUserKey(app)) {
      const key = t.credentials.UserKey ?? (t.generate ? generatedKey() : undefined);
      if (!key) throw missing('UserKey');
      // `user_key` is the admin API's field (ApplicationUpdateRequest). The operator names the parameter after the
      // product's authUserKey, the gateway's credential name (`api-key`…), which porta takes as an unknown custom
      // field: with a custom authUserKey its key never changes. The key is the same whatever the gateway calls it.
      await api.update(`${t.appPath}.json`, 'application', { user_key: key });
      if (!t.credentials.UserKey) await t.writeBack({ UserKey: key, ApplicationID: String(app.id) });
      return {};
    }
    if (t.credentials.ApplicationKey) {
      await api.create(`${t.appPath}/keys.json`, 'application', { key: t.credentials.ApplicationKey });
      return {};
    }
    if (!t.generate) throw missing('ApplicationKey');
    await api.create(`${t.appPath}/keys.json`, 'application', {});
    const keys = await keysOf();
    await t.writeBack({ ApplicationKey: keys[keys.length - 1], ApplicationID: String(app.application_id) });
    return {};
  }

  return {
    async observe() {
      return { exists: true, upToDate: await inPlace(await load()) };
    },
    create: apply,
    update: apply,
    async delete() {},
  };
}
