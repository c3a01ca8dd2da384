/** The owner of metrics and mapping rules in a path: a product (`service_id`) or a backend (`backend_api_id`). */
import { found, pathId, type Ctx } from './handler.ts';
import type { Rec } from './table.ts';

export interface Owner {
  kind: 'service' | 'backend';
  id: number;
  /** Internal key stored on owned rows: `_service` or `_backend`. */
  key: '_service' | '_backend';
  row: Rec;
}

export function ownerOf(ctx: Ctx): Owner {
  if (ctx.path.backend_api_id !== undefined) {
    const row = found(ctx.tenant.backends, pathId(ctx, 'backend_api_id'));
    return { kind: 'backend', id: row.id, key: '_backend', row };
  }
  const row = found(ctx.tenant.services, pathId(ctx, 'service_id'));
  return { kind: 'service', id: row.id, key: '_service', row };
}

export const owns = (owner: Owner) => (row: Rec): boolean => row[owner.key] === owner.id;

/** Path of the owner on the admin API, for `links`. */
export const ownerPath = (owner: Owner): string =>
  owner.kind === 'backend' ? `/admin/api/backend_apis/${owner.id}` : `/admin/api/services/${owner.id}`;
