/** What the API-area modules receive and return. */
import type { ApiArea } from './errors.ts';
import { hridNotFound } from './errors.ts';
import { topLevelIds } from './ids.ts';
import type { EnvironmentData, Json, Stored } from './store.ts';
import type { Table } from './table.ts';

export interface RequestContext {
  org: string;
  env: string;
  /** Path parameters of the matched operation. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  data: EnvironmentData;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

/** Handlers of one API area, by operationId of that area's contract. */
export interface AreaHandlers {
  area: ApiArea;
  handlers: Record<string, Handler>;
}

/** Boolean query parameters as JAX-RS reads them: only `true` (any case) is true. */
export const queryFlag = (query: URLSearchParams, name: string): boolean => query.get(name)?.toLowerCase() === 'true';

export const clone = <T>(v: T): T => structuredClone(v);

/** The objects of a body's list field (none when it is no list): what the import checks read. */
export const objectsOf = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Json[]) : []);

/** Id of the object an Automation HRID designates; with `hridContainsUUID=true` the HRID is the id itself. */
export const idOfHrid = (ctx: RequestContext, hrid: string): string =>
  queryFlag(ctx.query, 'hridContainsUUID') ? hrid : topLevelIds(ctx.org, ctx.env, hrid).id;

/** The stored object of the `{hrid}` path parameter, or the Automation API's 404. */
export function findByHridParam<T extends Json>(ctx: RequestContext, table: Table<T>): { id: string; stored: Stored<T> } {
  const hrid = ctx.params.hrid!;
  const id = idOfHrid(ctx, hrid);
  const stored = table.get(id);
  if (!stored) throw hridNotFound(hrid);
  return { id, stored };
}
