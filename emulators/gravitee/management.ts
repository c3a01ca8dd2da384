/**
 * Management API: v2 environment and API reads (published specs), v1 `import-crd` and delete of v2 API
 * definitions (emulator-authored contract, see management-v1-apis.openapi.yaml).
 */
import { v2Paths } from './context-paths.ts';
import { checkCategories, checkContextPaths, checkGroups } from './domain-validation.ts';
import { apiNotFound, importErrors } from './errors.ts';
import { clone, queryFlag, type AreaHandlers, type RequestContext } from './handler.ts';
import { nameUuid } from './ids.ts';
import type { ApiV2State, ApiV4State, Json } from './store.ts';

function getEnvironmentById(ctx: RequestContext) {
  const name = ctx.env === 'DEFAULT' ? 'Default environment' : ctx.env;
  return { status: 200, body: { id: ctx.env, name, description: name, organizationId: ctx.org, hrids: [ctx.env.toLowerCase()] } };
}

/** Management v2 `GET …/apis/{apiId}`: v2 APIs and v4 APIs by id. */
function getApi(ctx: RequestContext) {
  const id = ctx.params.apiId!;
  const v2 = ctx.data.v2Apis.get(id);
  if (v2) return { status: 200, body: v2View(v2.value) };
  const v4 = ctx.data.apis.get(id);
  if (v4) return { status: 200, body: v4View(v4.value) };
  throw apiNotFound(id);
}

/** Fields Management v2 `GET …/apis/{id}` shows for any API (the subset the emulator keeps). */
function commonView(api: ApiV2State | ApiV4State, lifecycleState: unknown): Json {
  return {
    id: api.id,
    crossId: api.crossId,
    name: api.name,
    apiVersion: api.version,
    description: api.description,
    environmentId: api.environmentId,
    state: api.state ?? 'STOPPED',
    lifecycleState: lifecycleState ?? 'CREATED',
    visibility: api.visibility ?? 'PRIVATE',
    groups: api.groups ?? [],
    categories: api.categories ?? [],
    labels: api.labels ?? [],
    tags: api.tags ?? [],
    definitionContext: { origin: 'KUBERNETES', mode: 'FULLY_MANAGED', syncFrom: 'MANAGEMENT' },
  };
}

function v2View(api: ApiV2State): Json {
  const virtualHosts = (((api.proxy ?? {}) as Json).virtual_hosts ?? []) as Json[];
  return {
    definitionVersion: 'V2',
    ...commonView(api, api.lifecycle_state),
    proxy: { virtualHosts: virtualHosts.map((v) => ({ host: v.host, path: v.path })) },
  };
}

function v4View(api: ApiV4State): Json {
  return {
    definitionVersion: 'V4',
    ...commonView(api, api.lifecycleState),
    type: api.type,
    listeners: api.listeners,
    endpointGroups: api.endpointGroups,
  };
}

/**
 * Management v1 `PUT …/apis/import-crd`. GKO sends ids it computed; when absent the emulator derives them
 * (its own rule, documented): `crossId = v3(org + (id ∥ name))`, `id = v3(crossId + env)`, and for plans
 * `crossId = v3(apiCrossId + (id ∥ name))`, `id = v3(apiId + planCrossId)`.
 */
function importApiDefinitionCrd(ctx: RequestContext) {
  const definition = ctx.body as Json;
  const crossId = str(definition.crossId) ?? nameUuid(ctx.org, str(definition.id) ?? String(definition.name));
  const id = str(definition.id) ?? nameUuid(crossId, ctx.env);
  const plans = (Array.isArray(definition.plans) ? (definition.plans as Json[]) : []).map((p) => {
    const planCrossId = str(p.crossId) ?? nameUuid(crossId, str(p.id) ?? String(p.name));
    return { ...clone(p), crossId: planCrossId, id: str(p.id) ?? nameUuid(id, planCrossId) };
  });
  const paths = v2Paths(definition);
  const severe = paths.length ? checkContextPaths(ctx.data, id, paths) : [];
  const warning = [...checkGroups(ctx.data, ctx.env, definition.groups), ...checkCategories(ctx.data, ctx.env, definition.categories)];
  const state = str(definition.state) ?? 'STOPPED';
  const status = {
    id,
    crossId,
    organizationId: ctx.org,
    environmentId: ctx.env,
    state,
    plans: Object.fromEntries(plans.map((p) => [p.crossId, p.id])),
    errors: { severe: queryFlag(ctx.query, 'dryRun') ? severe : [], warning },
  };
  if (queryFlag(ctx.query, 'dryRun')) return { status: 200, body: status };
  if (severe.length) throw importErrors(severe);
  const stored: ApiV2State = { ...(clone(definition) as ApiV2State), id, crossId, organizationId: ctx.org, environmentId: ctx.env, state, plans };
  ctx.data.v2Apis.upsert(id, stored);
  return { status: 200, body: status };
}

/** Management v1 `DELETE …/apis/{apiId}?closePlans=true`: any API of the environment, by id. */
function deleteApi(ctx: RequestContext) {
  const id = ctx.params.apiId!;
  if (!ctx.data.v2Apis.delete(id) && !ctx.data.apis.delete(id)) throw apiNotFound(id);
  return { status: 204 };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const managementV2Installation: AreaHandlers = { area: 'management-v2', handlers: { getEnvironmentById } };
export const managementV2Apis: AreaHandlers = { area: 'management-v2', handlers: { getApi } };
export const managementV1Apis: AreaHandlers = { area: 'management-v1', handlers: { importApiDefinitionCrd, deleteApi } };
