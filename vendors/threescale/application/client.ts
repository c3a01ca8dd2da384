import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ApplicationPlace } from './linked-crs.ts';
import type { ApplicationSpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * An Application as a 3scale application of its account, subscribed to a plan of its product. Found by the id it last
 * synced, else by name within the account and product, before any create: a redelivery or a crash after the create
 * converges the one it made instead of creating another. `planId` is unset only while deleting.
 */
export function applicationClient(api: AdminApi, place: ApplicationPlace, spec: ApplicationSpec, planId: number | undefined, knownId: number | undefined): ExternalClient {
  const base = `/admin/api/accounts/${place.accountId}/applications`;
  const status = (a: Json): ExternalStatus => ({ applicationID: a.id, state: a.state, accountID: place.accountId, productId: place.productId, providerAccountHost: place.provider.adminURL });
  const lookup = async () => {
    if (place.accountId === undefined || !(await api.find(`/admin/api/accounts/${place.accountId}.json`, 'account'))) return undefined;
    const apps = (await api.list(`${base}.json`, 'applications', 'application', false)).filter((a) => a.service_id === place.productId);
    return apps.find((a) => a.id === knownId) ?? apps.find((a) => a.name === spec.name);
  };
  const wantedState = (a: Json) => (spec.suspend ? 'suspended' : a.state === 'pending' ? 'pending' : 'live');
  const differs = (a: Json) => a.name !== spec.name || (a.description ?? '') !== spec.description || a.plan_id !== planId || a.state !== wantedState(a);

  /** Fields, then plan (change_plan), then suspend/resume, each only when it differs. */
  async function converge(app: Json): Promise<Json> {
    const path = `${base}/${app.id}`;
    let a = app;
    if (a.name !== spec.name || (a.description ?? '') !== spec.description) a = await api.update(`${path}.json`, 'application', { name: spec.name, description: spec.description });
    if (a.plan_id !== planId) a = await api.update(`${path}/change_plan.json`, 'application', { plan_id: String(planId) });
    if (a.state !== wantedState(a)) a = await api.update(`${path}/${spec.suspend ? 'suspend' : 'resume'}.json`, 'application', {});
    return a;
  }

  return lookedUpClient({
    lookup,
    differs,
    status,
    create: async () => converge(await api.create(`${base}.json`, 'application', { plan_id: String(planId), name: spec.name, description: spec.description })),
    converge,
    remove: (current) => api.remove(`${base}/${current.id}.json`),
  });
}
