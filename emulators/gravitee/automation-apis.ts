/** Automation API: v4 APIs (`PUT apis`, `GET apis/{hrid}`, `DELETE apis/{hrid}`). */
import { hasHttpListener, v4Paths } from './context-paths.ts';
import { checkCategories, checkContextPaths, checkGroups } from './domain-validation.ts';
import { importErrors } from './errors.ts';
import { clone, findByHridParam, idOfHrid, queryFlag, type AreaHandlers, type RequestContext } from './handler.ts';
import { apiSubResourceIds, nameUuid, topLevelIds } from './ids.ts';
import { unknownSharedPolicyGroups, withoutSharedPolicyGroupIds } from './automation-shared-policy-groups.ts';
import type { ApiV4State, Json, PlanState } from './store.ts';

function createOrUpdateApis(ctx: RequestContext) {
  const spec = ctx.body as Json;
  const hrid = String(spec.hrid);
  const legacy = queryFlag(ctx.query, 'hridContainsUUID');
  const id = idOfHrid(ctx, hrid);
  const existing = ctx.data.apis.get(id);
  const crossId = legacy ? (existing?.value.crossId ?? nameUuid(ctx.org, hrid)) : topLevelIds(ctx.org, ctx.env, hrid).crossId;

  const severe = [...(hasHttpListener(spec) ? checkContextPaths(ctx.data, id, v4Paths(spec)) : []), ...unknownSharedPolicyGroups(ctx, spec)];
  const warning = [...checkGroups(ctx.data, ctx.env, spec.groups), ...checkCategories(ctx.data, ctx.env, spec.categories)];

  const state: ApiV4State = {
    ...(clone(spec) as ApiV4State),
    id,
    crossId,
    organizationId: ctx.org,
    environmentId: ctx.env,
    plans: plansWithIds(ctx, hrid, spec.plans),
    errors: { severe: [], warning },
  };
  if (queryFlag(ctx.query, 'dryRun')) return { status: 200, body: withoutSharedPolicyGroupIds({ ...state, errors: { severe, warning } }) };
  if (severe.length) throw importErrors(severe);
  ctx.data.apis.upsert(id, state);
  return { status: 200, body: withoutSharedPolicyGroupIds(state) };
}

/** Plans keyed by HRID (a later duplicate replaces an earlier one, as in APIM's map), with their ids. */
function plansWithIds(ctx: RequestContext, apiHrid: string, plans: unknown): PlanState[] {
  const byHrid = new Map<string, PlanState>();
  for (const plan of Array.isArray(plans) ? (plans as Json[]) : []) {
    const hrid = String(plan.hrid);
    const ids = apiSubResourceIds(ctx.org, ctx.env, apiHrid, hrid);
    byHrid.set(hrid, { ...clone(plan), hrid, id: typeof plan.id === 'string' ? plan.id : ids.id, crossId: ids.crossId });
  }
  return [...byHrid.values()];
}

function getApi(ctx: RequestContext) {
  return { status: 200, body: withoutSharedPolicyGroupIds(findByHridParam(ctx, ctx.data.apis).stored.value) };
}

/** APIM deletes with `closePlans=true`: plans (and their subscriptions) are closed, then the API removed. */
function deleteApi(ctx: RequestContext) {
  ctx.data.apis.delete(findByHridParam(ctx, ctx.data.apis).id);
  return { status: 204 };
}

export const automationApis: AreaHandlers = {
  area: 'automation',
  handlers: { createOrUpdateApis, getApi, deleteApi },
};
