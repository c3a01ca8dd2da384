/** APIcast policy registry (custom policies): `schema` is a form field holding JSON text, `{id}` is a number or `name-version`. */
import { Validation, notFound } from './errors.ts';
import { assign, created, many, ok, one, stamp, str, type Ctx, type Handler } from './handler.ts';
import type { Rec } from './table.ts';

/** The `schema` parameter: JSON text of an object with the manifest keys. */
function schemaOf(v: Validation, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let schema: unknown;
  try {
    schema = JSON.parse(raw);
  } catch {
    v.add('schema', 'is not valid JSON');
    return undefined;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    v.add('schema', 'must be an object');
    return undefined;
  }
  const s = schema as Record<string, unknown>;
  for (const key of ['name', 'version', 'summary', '$schema', 'configuration']) if (s[key] === undefined) v.add('schema', `${key} is missing`);
  return s;
}

const policyOf = (ctx: Ctx): Rec => {
  const ref = ctx.path.id!;
  const policy = /^\d+$/.test(ref)
    ? ctx.tenant.registryPolicies.get(Number(ref))
    : ctx.tenant.registryPolicies.find((p) => `${String(p.name)}-${String(p.version)}` === ref);
  if (!policy) throw notFound();
  return policy;
};

const taken = (ctx: Ctx, name: unknown, version: unknown, selfId?: number): boolean =>
  !!ctx.tenant.registryPolicies.find((p) => p.name === name && p.version === version && p.id !== selfId);

export const list: Handler = (ctx) => ok(many(ctx, 'policies', 'policy', ctx.tenant.registryPolicies.values()));

export const show: Handler = (ctx) => ok(one('policy', policyOf(ctx)));

export const create: Handler = (ctx) => {
  const v = new Validation();
  const name = str(ctx, 'name');
  const version = str(ctx, 'version');
  if (!name) v.add('name', "can't be blank");
  if (!version) v.add('version', "can't be blank");
  const schema = schemaOf(v, str(ctx, 'schema'));
  if (!str(ctx, 'schema')) v.add('schema', "can't be blank");
  if (taken(ctx, name, version)) v.add('version', 'has already been taken');
  v.check();
  const policy = ctx.tenant.registryPolicies.add({ id: ctx.world.nextId(), name, version, schema, ...stamp(ctx) });
  return created(one('policy', policy));
};

export const update: Handler = (ctx) => {
  const policy = policyOf(ctx);
  const v = new Validation();
  const schema = schemaOf(v, str(ctx, 'schema'));
  const name = str(ctx, 'name') ?? policy.name;
  const version = str(ctx, 'version') ?? policy.version;
  if (taken(ctx, name, version, policy.id)) v.add('version', 'has already been taken');
  v.check();
  assign(ctx, policy, { name, version, schema });
  return ok(one('policy', policy));
};

export const destroy: Handler = (ctx) => {
  ctx.tenant.registryPolicies.delete(policyOf(ctx).id);
  return ok(undefined);
};
