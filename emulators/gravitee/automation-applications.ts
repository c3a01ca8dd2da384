/** Automation API: applications (`PUT applications`, `GET/DELETE applications/{hrid}`). */
import { checkGroups } from './domain-validation.ts';
import { clone, findByHridParam, idOfHrid, queryFlag, type AreaHandlers, type RequestContext } from './handler.ts';
import type { ApplicationState, Json } from './store.ts';

function createOrUpdateApplications(ctx: RequestContext) {
  const spec = ctx.body as Json;
  const id = idOfHrid(ctx, String(spec.hrid));
  const warning = checkGroups(ctx.data, ctx.env, spec.groups);
  const state: ApplicationState = {
    ...(clone(spec) as ApplicationState),
    id,
    organizationId: ctx.org,
    environmentId: ctx.env,
    status: 'ACTIVE',
    errors: { severe: [], warning },
  };
  if (queryFlag(ctx.query, 'dryRun')) return { status: 200, body: state };
  ctx.data.archivedApplications.delete(id);
  ctx.data.applications.upsert(id, state);
  return { status: 200, body: state };
}

function getApplication(ctx: RequestContext) {
  return { status: 200, body: findByHridParam(ctx, ctx.data.applications).stored.value };
}

/** APIM archives a deleted application (`applicationService.archive`); it is no longer found by HRID. */
function deleteApplication(ctx: RequestContext) {
  const { id, stored } = findByHridParam(ctx, ctx.data.applications);
  ctx.data.applications.delete(id);
  ctx.data.archivedApplications.upsert(id, { ...stored.value, status: 'ARCHIVED' });
  return { status: 204 };
}

export const automationApplications: AreaHandlers = {
  area: 'automation',
  handlers: { createOrUpdateApplications, getApplication, deleteApplication },
};
