import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import type { ApplicationPlace } from './linked-crs.ts';
import type { ApplicationSpec } from './schema.ts';

type Json = Record<string, any>;

/** What the client needs besides the spec: the plan, the id it last synced, and the credentials to create with. */
export interface ApplicationTarget {
  /** Unset only while deleting. */
  planId: number | undefined;
  knownId: number | undefined;
  /** The account it last synced in (status.accountID): another one when accountCR changed. */
  knownAccountId: number | undefined;
  /** Form parameters of `authSecretRef`, read only when creating (the operator uses the Secret only then). */
  credentials(): Promise<Record<string, string>>;
}

/** The application of this resource in its account and product, and one it left behind in another. */
interface Found {
  current?: Json;
  /**
   * The application it synced before its productCR or accountCR changed (path included): 3scale cannot move an
   * application between products or accounts.
   */
  left?: { app: Json; path: string };
}

/**
 * An Application as a 3scale application of its account, subscribed to a plan of its product. Found by the id it last
 * synced, else by name, within the account and product, before any create: a redelivery or a crash after the create
 * converges the one it made instead of creating another.
 *
 * A changed productCR: the operator deletes the application and creates one in the new product (its accountCR is
 * immutable; here a changed one is handled alike). Here the new one is created (or found) first and the old one
 * deleted after, so a crash in between leaves at most the old one to delete on the next sync, never a second new one,
 * and clients keep working until the new credentials exist. Within the same product (only the account changed) the old
 * one goes first, since its keys are unique in the product; a crash in between then finds none and creates one.
 */
export function applicationClient(api: AdminApi, place: ApplicationPlace, spec: ApplicationSpec, t: ApplicationTarget): ExternalClient {
  const base = `/admin/api/accounts/${place.accountId}/applications`;
  const status = (a: Json): ExternalStatus => ({ applicationID: a.id, state: a.state, accountID: place.accountId, productId: place.productId, providerAccountHost: place.provider.adminURL });
  let found: Found | undefined;
  const lookup = async (): Promise<Found> => {
    if (place.accountId === undefined || !(await api.find(`/admin/api/accounts/${place.accountId}.json`, 'account'))) return {};
    const all = await api.list(`${base}.json`, 'applications', 'application', false);
    const inProduct = all.filter((a) => a.service_id === place.productId);
    const current = inProduct.find((a) => a.id === t.knownId) ?? inProduct.find((a) => a.name === spec.name);
    return { current, left: await leftBehind(all) };
  };
  async function leftBehind(all: Json[]): Promise<Found['left']> {
    if (t.knownId === undefined) return undefined;
    if (t.knownAccountId !== undefined && t.knownAccountId !== place.accountId) {
      const path = `/admin/api/accounts/${t.knownAccountId}/applications/${t.knownId}.json`;
      const app = await api.find(path, 'application');
      return app && { app, path };
    }
    const app = all.find((a) => a.id === t.knownId && a.service_id !== place.productId);
    return app && { app, path: `${base}/${app.id}.json` };
  }
  const wantedState = (a: Json) => (spec.suspend ? 'suspended' : a.state === 'pending' ? 'pending' : 'live');
  const differs = (a: Json) => a.name !== spec.name || (a.description ?? '') !== spec.description || a.plan_id !== t.planId || a.state !== wantedState(a);

  /** Fields, then plan (change_plan), then suspend/resume, each only when it differs. */
  async function converge(app: Json): Promise<Json> {
    const path = `${base}/${app.id}`;
    let a = app;
    if (a.name !== spec.name || (a.description ?? '') !== spec.description) a = await api.update(`${path}.json`, 'application', { name: spec.name, description: spec.description });
    if (a.plan_id !== t.planId) a = await api.update(`${path}/change_plan.json`, 'application', { plan_id: String(t.planId) });
    if (a.state !== wantedState(a)) a = await api.update(`${path}/${spec.suspend ? 'suspend' : 'resume'}.json`, 'application', {});
    return a;
  }

  async function apply(): Promise<ExternalStatus> {
    const f = found ?? (await lookup());
    // Within one product its keys are unique: the old one must go before the new one takes them.
    const leftFirst = f.left && f.left.app.service_id === place.productId;
    if (f.left && leftFirst) await api.remove(f.left.path);
    const app = f.current
      ? await converge(f.current)
      : await converge(await api.create(`${base}.json`, 'application', { plan_id: String(t.planId), name: spec.name, description: spec.description, ...(await t.credentials()) }));
    if (f.left && !leftFirst) await api.remove(f.left.path);
    return status(app);
  }

  return {
    async observe(): Promise<Observation> {
      found = await lookup();
      if (!found.current) return { exists: false, upToDate: false };
      return { exists: true, upToDate: !found.left && !differs(found.current), status: status(found.current) };
    },
    create: apply,
    update: apply,
    async delete() {
      const f = await lookup();
      if (f.current) await api.remove(`${base}/${f.current.id}.json`);
      if (f.left) await api.remove(f.left.path);
    },
  };
}
