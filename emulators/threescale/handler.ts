/** What the endpoint modules receive, and helpers to read parameters and shape answers. */
import { blank, notFound, ThreescaleError } from './errors.ts';
import type { Answer } from '../common/http-io.ts';
import type { Params } from './params.ts';
import type { Tenant, World } from './store.ts';
import { wire, type Rec, type Table } from './table.ts';

export interface Ctx {
  world: World;
  tenant: Tenant;
  /** True on the master portal. */
  master: boolean;
  /** Path parameters, named as in the spec. */
  path: Record<string, string>;
  /** Query and body parameters merged (Rails `params`). */
  params: Params;
}

export type Handler = (ctx: Ctx) => Answer | Promise<Answer>;

export const ok = (body: unknown): Answer => ({ status: 200, body });
export const created = (body: unknown): Answer => ({ status: 201, body });

/** A string parameter, or undefined when absent. */
export const str = (ctx: Ctx, name: string): string | undefined => ctx.params[name];

export function required(ctx: Ctx, name: string): string {
  const v = str(ctx, name);
  if (v === undefined || v.trim() === '') throw blank(name);
  return v;
}

export function int(ctx: Ctx, name: string): number | undefined {
  const v = str(ctx, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function num(ctx: Ctx, name: string): number | undefined {
  return int(ctx, name);
}

/** Rails boolean casting: `1`, `true`, `t`, `on` (any case) are true. */
export function bool(ctx: Ctx, name: string): boolean | undefined {
  const v = str(ctx, name);
  if (v === undefined || v === '') return undefined;
  return ['1', 'true', 't', 'on', 'yes'].includes(v.toLowerCase());
}

/** Numeric path parameter. */
export const pathId = (ctx: Ctx, name: string): number => Number(ctx.path[name]);

/** The row of a table with the id of a path parameter, optionally checked to belong to a parent; else 404. */
export function found<T extends Rec>(table: Table<T>, id: number, belongs: (row: T) => boolean = () => true): T {
  const row = table.get(id);
  if (!row || !belongs(row)) throw notFound();
  return row;
}

/** `{"<singular>": {...}}`. */
export const one = (singular: string, row: Rec): Record<string, unknown> => ({ [singular]: wire(row) });

/** `{"<plural>": [{"<singular>": {...}}]}`, with porta's pagination when `paginate` is set. */
export function many(ctx: Ctx, plural: string, singular: string, rows: Rec[], paginate = false): Record<string, unknown> {
  if (!paginate) return { [plural]: rows.map((r) => one(singular, r)) };
  const { page, perPage } = pageOf(ctx);
  const slice = rows.slice((page - 1) * perPage, page * perPage);
  const body: Record<string, unknown> = { [plural]: slice.map((r) => one(singular, r)) };
  // `metadata` only when the collection does not fit in one page (`three_scale/api/collection.rb`)
  if (rows.length > perPage) {
    body.metadata = { per_page: perPage, total_entries: rows.length, total_pages: Math.ceil(rows.length / perPage), current_page: page };
  }
  return body;
}

/** `page` ≥ 1 (default 1); `per_page` 1..500, anything else 500 (`filters/pagination.rb`). */
export function pageOf(ctx: Ctx): { page: number; perPage: number } {
  const page = Math.max(1, Math.trunc(int(ctx, 'page') ?? 1) || 1);
  const requested = Math.trunc(int(ctx, 'per_page') ?? 500);
  return { page, perPage: requested >= 1 && requested <= 500 ? requested : 500 };
}

/** Applies the fields present in the request to a record, and stamps `updated_at`. */
export function assign(ctx: Ctx, row: Rec, fields: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) row[k] = v;
  row.updated_at = ctx.world.now();
}

export function stamp(ctx: Ctx): { created_at: string; updated_at: string } {
  const t = ctx.world.now();
  return { created_at: t, updated_at: t };
}

/** A path on the tenant's admin portal, for `links`. */
export const href = (ctx: Ctx, path: string): string => `${ctx.tenant.url}${path}`;

export { ThreescaleError };
