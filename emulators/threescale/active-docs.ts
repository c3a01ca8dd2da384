/** ActiveDocs (OpenAPI documents shown in the developer portal), optionally bound to a product. */
import { Validation } from './errors.ts';
import { assign, bool, created, found, int, many, ok, one, pathId, stamp, str, type Ctx, type Handler } from './handler.ts';
import { defaultSystemName } from './naming.ts';
import type { Rec } from './table.ts';

/** `system_name` allows ASCII letters, digits, `-` and `_` (spec). */
const SYSTEM_NAME = /^[A-Za-z0-9_-]+$/;

function checkBody(v: Validation, body: string | undefined): void {
  if (body === undefined) return;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
  } catch {
    v.add('body', 'JSON Spec is invalid');
  }
}

/** `service_id`: a product of the tenant; empty unbinds. */
function serviceIdOf(ctx: Ctx, v: Validation): number | null | undefined {
  if (!('service_id' in ctx.params)) return undefined;
  if (ctx.params.service_id === '') return null;
  const id = int(ctx, 'service_id');
  if (id === undefined || !ctx.tenant.services.get(id)) v.add('service', 'not found');
  return id;
}

export const list: Handler = (ctx) => ok(many(ctx, 'api_docs', 'api_doc', ctx.tenant.activeDocs.values()));

const docOf = (ctx: Ctx): Rec => found(ctx.tenant.activeDocs, pathId(ctx, 'id'));

export const show: Handler = (ctx) => ok(one('api_doc', docOf(ctx)));

export const create: Handler = (ctx) => {
  const { tenant } = ctx;
  const v = new Validation();
  const name = str(ctx, 'name') ?? '';
  if (!name.trim()) v.add('name', "can't be blank");
  const body = str(ctx, 'body');
  if (!body) v.add('body', "can't be blank");
  checkBody(v, body);
  const systemName = str(ctx, 'system_name') || defaultSystemName(name);
  if (!SYSTEM_NAME.test(systemName)) v.add('system_name', 'invalid. Only ASCII letters, numbers, dashes and underscores are allowed.');
  else if (tenant.activeDocs.find((d) => d.system_name === systemName)) v.add('system_name', 'has already been taken');
  const serviceId = serviceIdOf(ctx, v);
  v.check();
  const doc = tenant.activeDocs.add({
    id: ctx.world.nextId(),
    system_name: systemName,
    name,
    description: str(ctx, 'description') ?? null,
    published: bool(ctx, 'published') ?? false,
    skip_swagger_validations: bool(ctx, 'skip_swagger_validations') ?? false,
    body,
    service_id: serviceId ?? null,
    ...stamp(ctx),
  });
  return created(one('api_doc', doc));
};

export const update: Handler = (ctx) => {
  const doc = docOf(ctx);
  const v = new Validation();
  const name = str(ctx, 'name');
  if (name !== undefined && !name.trim()) v.add('name', "can't be blank");
  checkBody(v, str(ctx, 'body'));
  const serviceId = serviceIdOf(ctx, v);
  v.check();
  assign(ctx, doc, {
    name,
    description: str(ctx, 'description'),
    body: str(ctx, 'body'),
    published: bool(ctx, 'published'),
    skip_swagger_validations: bool(ctx, 'skip_swagger_validations'),
    service_id: serviceId,
  });
  return ok(one('api_doc', doc));
};

export const destroy: Handler = (ctx) => {
  ctx.tenant.activeDocs.delete(docOf(ctx).id);
  return ok(undefined);
};
