/** Backend usages of a product: which backend answers under which public path. List is a bare array. */
import { Validation, notFound } from './errors.ts';
import { assign, created, found, int, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { wire, type Rec } from './table.ts';

const serviceOf = (ctx: Ctx): Rec => found(ctx.tenant.services, pathId(ctx, 'service_id'));

/** porta's backend usage path: starts with `/`, no trailing slash except the root. */
const PATH = /^\/([A-Za-z0-9_.~!$&'()*+,;=:@%-]+(\/[A-Za-z0-9_.~!$&'()*+,;=:@%-]+)*)?$/;

function checkPath(ctx: Ctx, v: Validation, serviceId: number, path: string, selfId?: number): void {
  if (!PATH.test(path)) v.add('path', 'must be a path separated by "/". E.g. "" or "my/path"');
  if (ctx.tenant.backendUsages.find((u) => u.service_id === serviceId && u.path === path && u.id !== selfId)) v.add('path', 'has already been taken');
}

// `[{"backend_usage":{…}}]`, not wrapped in a plural key (not paginated by the operator's client)
export const list: Handler = (ctx) => {
  const service = serviceOf(ctx);
  return ok(ctx.tenant.backendUsages.filter((u) => u.service_id === service.id).map((u) => ({ backend_usage: wire(u) })));
};

const usageOf = (ctx: Ctx, service: Rec): Rec => found(ctx.tenant.backendUsages, pathId(ctx, 'id'), (u) => u.service_id === service.id);

export const show: Handler = (ctx) => ok(one('backend_usage', usageOf(ctx, serviceOf(ctx))));

export const create: Handler = (ctx) => {
  const { tenant } = ctx;
  const service = serviceOf(ctx);
  const backendId = int(ctx, 'backend_api_id');
  const backend = backendId === undefined ? undefined : tenant.backends.get(backendId);
  if (!backend) throw notFound();
  const path = str(ctx, 'path') || '/';
  const v = new Validation();
  if (tenant.backendUsages.find((u) => u.service_id === service.id && u.backend_id === backend.id)) v.add('backend_api_id', 'has already been taken');
  checkPath(ctx, v, service.id, path);
  v.check();
  const id = ctx.world.nextId();
  const usage = tenant.backendUsages.add({
    id,
    path,
    service_id: service.id,
    backend_id: backend.id,
    ...stamp(ctx),
    links: [{ rel: 'service', href: href(ctx, `/admin/api/services/${service.id}`) }, { rel: 'backend_api', href: href(ctx, `/admin/api/backend_apis/${backend.id}`) }],
  });
  return created(one('backend_usage', usage));
};

export const update: Handler = (ctx) => {
  const service = serviceOf(ctx);
  const usage = usageOf(ctx, service);
  const path = str(ctx, 'path');
  if (path !== undefined) {
    const v = new Validation();
    checkPath(ctx, v, service.id, path, usage.id);
    v.check();
  }
  assign(ctx, usage, { path });
  return ok(one('backend_usage', usage));
};

export const destroy: Handler = (ctx) => {
  const usage = usageOf(ctx, serviceOf(ctx));
  ctx.tenant.backendUsages.delete(usage.id);
  return ok(undefined);
};
