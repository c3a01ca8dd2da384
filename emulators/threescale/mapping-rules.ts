/**
 * Mapping rules of products (`/proxy/mapping_rules`) and backends (`/mapping_rules`). Positions follow
 * acts_as_list: inserting or moving to a position shifts the others; the list stays numbered 1..n.
 */
import { Validation } from './errors.ts';
import { assign, bool, created, found, int, many, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { ownerOf, ownerPath, owns, type Owner } from './owners.ts';
import type { Rec } from './table.ts';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT'];

export function orderedRules(ctx: Ctx, owner: Owner): Rec[] {
  return ctx.tenant.mappingRules.filter(owns(owner)).sort((a, b) => (a.position as number) - (b.position as number) || a.id - b.id);
}

/** Places `row` (or removes it when `position` is undefined and `remove`) and renumbers the owner's rules. */
function place(ctx: Ctx, owner: Owner, row: Rec | undefined, position: number | undefined, removeId?: number): void {
  const list = orderedRules(ctx, owner).filter((r) => r.id !== row?.id && r.id !== removeId);
  if (row) list.splice(Math.min(Math.max((position ?? list.length + 1) - 1, 0), list.length), 0, row);
  list.forEach((r, i) => (r.position = i + 1));
}

function validate(ctx: Ctx, owner: Owner, rule: Rec): void {
  const v = new Validation();
  if (!HTTP_METHODS.includes(String(rule.http_method))) v.add('http_method', 'is not included in the list');
  const pattern = String(rule.pattern ?? '');
  if (!pattern) v.add('pattern', "can't be blank");
  else if (!pattern.startsWith('/')) v.add('pattern', "shouldn't be empty and must start with '/'");
  else if (pattern.slice(0, -1).includes('$')) v.add('pattern', "'$' is only allowed at the end");
  const metric = ctx.tenant.metrics.get(rule.metric_id as number);
  if (!metric || !owns(owner)(metric)) v.add('metric_id', "can't be blank");
  if (!Number.isInteger(rule.delta) || (rule.delta as number) <= 0) v.add('delta', 'must be greater than 0');
  v.check();
}

const ruleFields = (ctx: Ctx): Record<string, unknown> => ({
  http_method: str(ctx, 'http_method')?.toUpperCase(),
  pattern: str(ctx, 'pattern'),
  metric_id: int(ctx, 'metric_id'),
  delta: int(ctx, 'delta'),
  last: bool(ctx, 'last'),
});

const ruleOf = (ctx: Ctx, owner: Owner): Rec => found(ctx.tenant.mappingRules, pathId(ctx, 'id'), owns(owner));

export const list: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  return ok(many(ctx, 'mapping_rules', 'mapping_rule', orderedRules(ctx, owner), owner.kind === 'backend'));
};

export const show: Handler = (ctx) => ok(one('mapping_rule', ruleOf(ctx, ownerOf(ctx))));

export const create: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const id = ctx.world.nextId();
  const fields = ruleFields(ctx);
  const rule: Rec = {
    id,
    metric_id: fields.metric_id,
    pattern: fields.pattern,
    http_method: fields.http_method,
    delta: fields.delta,
    position: 0,
    last: fields.last ?? false,
    owner_id: owner.id,
    owner_type: owner.kind === 'backend' ? 'BackendApi' : 'Proxy',
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, `${ownerPath(owner)}${owner.kind === 'service' ? '/proxy' : ''}/mapping_rules/${id}`) }],
    [owner.key]: owner.id,
  };
  validate(ctx, owner, rule);
  ctx.tenant.mappingRules.add(rule);
  place(ctx, owner, rule, int(ctx, 'position'));
  return created(one('mapping_rule', rule));
};

export const update: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const rule = ruleOf(ctx, owner);
  const next = { ...rule };
  for (const [k, v] of Object.entries(ruleFields(ctx))) if (v !== undefined) next[k] = v;
  validate(ctx, owner, next);
  assign(ctx, rule, next);
  const position = int(ctx, 'position');
  if (position !== undefined) place(ctx, owner, rule, position);
  return ok(one('mapping_rule', rule));
};

export const destroy: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const rule = ruleOf(ctx, owner);
  ctx.tenant.mappingRules.delete(rule.id);
  place(ctx, owner, undefined, undefined, rule.id);
  return ok(undefined);
};
