/**
 * `GET /admin/api/objects/status.json`: 200 while an object exists (porta: also while its asynchronous
 * deletion is pending), 404 once it is gone. Deletions here are immediate, so 404 follows the DELETE.
 */
import { notFound } from './errors.ts';
import { int, ok, str, type Handler } from './handler.ts';
import type { Table, Rec } from './table.ts';
import type { Tenant } from './store.ts';

const TABLES: Record<string, (t: Tenant) => Table<Rec>> = {
  service: (t) => t.services,
  proxy: (t) => t.proxies,
  backend_api: (t) => t.backends,
  account: (t) => t.accounts,
};

export const status: Handler = (ctx) => {
  const type = str(ctx, 'object_type') ?? '';
  const id = int(ctx, 'object_id');
  const table = TABLES[type];
  if (!table || id === undefined || !table(ctx.tenant).get(id)) throw notFound();
  return ok({ object_type: type, object_id: id });
};
