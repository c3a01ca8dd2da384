import type { AdminApi } from '../admin-api.ts';

type Json = Record<string, any>;

/** Desired usages: backend id → public path. */
export type DesiredUsages = Map<number, string>;

export function desiredUsages(usages: Record<string, { path: string }>, backendIds: Map<string, number>): DesiredUsages {
  return new Map(Object.entries(usages).map(([systemName, u]) => [backendIds.get(systemName)!, u.path]));
}

export const usagesUpToDate = (want: DesiredUsages, have: Json[]) => want.size === have.length && have.every((u) => want.get(u.backend_id) === u.path);

/** SyncBackendUsage: usages of backends the spec dropped go first (freeing their paths), then paths, then new ones. */
export async function convergeUsages(api: AdminApi, productId: number, want: DesiredUsages, have: Json[]): Promise<void> {
  const base = `/admin/api/services/${productId}/backend_usages`;
  for (const u of have) if (!want.has(u.backend_id)) await api.remove(`${base}/${u.id}.json`);
  for (const [backendId, path] of want) {
    const current = have.find((u) => u.backend_id === backendId);
    if (!current) await api.create(`${base}.json`, 'backend_usage', { backend_api_id: String(backendId), path });
    else if (current.path !== path) await api.update(`${base}/${current.id}.json`, 'backend_usage', { path });
  }
}
