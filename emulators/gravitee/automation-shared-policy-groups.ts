/**
 * Automation API: shared policy groups (`PUT shared-policy-groups`, `GET`/`DELETE shared-policy-groups/{hrid}`), and the
 * check the v4 API import makes of the `shared-policy-group-policy` steps that use them.
 */
import { collectionHandlers, type Outcome } from './automation-collection.ts';
import { clone, objectsOf, queryFlag, type Handler, type RequestContext } from './handler.ts';
import { topLevelIds } from './ids.ts';
import type { Json } from './store.ts';

const COLLECTION = 'shared-policy-groups';
/** The policy an API flow step runs a shared policy group with (APIM `SharedPolicyGroupPolicyPlugin`). */
const SHARED_POLICY_GROUP_POLICY = 'shared-policy-group-policy';
/** APIM's execution phase names behind the Automation API's (`PolicyPlugin.ExecutionPhase`), as its errors say them. */
const EXECUTION_PHASE: Record<string, string> = { REQUEST: 'REQUEST', RESPONSE: 'RESPONSE', PUBLISH: 'MESSAGE_REQUEST', SUBSCRIBE: 'MESSAGE_RESPONSE' };
/** APIM `SharedPolicyGroup.hasValidPhase`. */
const PHASES_OF: Record<string, string[]> = { PROXY: ['REQUEST', 'RESPONSE'], MESSAGE: ['REQUEST', 'RESPONSE', 'PUBLISH', 'SUBSCRIBE'] };

/**
 * APIM `ValidateCreateSharedPolicyGroupDomainService` / `ValidateUpdateSharedPolicyGroupDomainService`: a name always,
 * a phase its API type has on creation (an update keeps both, so they are not checked again).
 */
function validate(ctx: RequestContext, spec: Json): Outcome {
  if (!spec.name) return { severe: ['Name is required.'], warning: [] };
  const exists = ctx.data.table(COLLECTION).get(topLevelIds(ctx.org, ctx.env, String(spec.hrid)).id);
  const phase = String(spec.phase);
  if (!exists && !PHASES_OF[String(spec.apiType)]?.includes(phase)) {
    return { severe: [`Invalid phase ${EXECUTION_PHASE[phase] ?? phase} for API type ${String(spec.apiType)}`], warning: [] };
  }
  return { severe: [], warning: [] };
}

/**
 * APIM `SharedPolicyGroup.update`: the API type and phase of an existing group are kept whatever is sent, and a field
 * left out keeps its value (description, prerequisite message, steps).
 */
function extend(_ctx: RequestContext, spec: Json, existing: Json | undefined): Json {
  if (!existing) return { steps: spec.steps ?? [] };
  const kept = (f: string) => (spec[f] === undefined || spec[f] === null ? { [f]: existing[f] } : {});
  return { apiType: existing.apiType, phase: existing.phase, ...kept('description'), ...kept('prerequisiteMessage'), ...kept('steps') };
}

const handlers = collectionHandlers({
  collection: COLLECTION,
  operations: { upsert: 'createOrUpdatePolicyGroup', get: 'getPolicyGroup', remove: 'deletePolicyGroup' },
  validate,
  extend,
});

export const sharedPolicyGroupHandlers: Record<string, Handler> = {
  ...handlers,
  // The published DELETE takes `dryRun`: the group must exist (404 otherwise) and stays.
  deletePolicyGroup: (ctx) => (queryFlag(ctx.query, 'dryRun') ? { ...handlers.getPolicyGroup!(ctx), status: 204, body: undefined } : handlers.deletePolicyGroup!(ctx)),
};

const FLOW_PHASES = ['request', 'response', 'publish', 'subscribe', 'interact', 'connect', 'entrypointConnect'];

/** Every step of an API's flows and its plans' flows. */
function stepsOf(api: Json): Json[] {
  const flows = [...objectsOf(api.flows), ...objectsOf(api.plans).flatMap((p) => objectsOf(p.flows))];
  return flows.flatMap((f) => FLOW_PHASES.flatMap((phase) => objectsOf(f[phase])));
}

/**
 * Severe errors of a v4 API import whose `shared-policy-group-policy` steps name a shared policy group the environment
 * does not hold. APIM resolves the group from the step's `hrid` (its `sharedPolicyGroupId` is rewritten from it), or
 * else from `sharedPolicyGroupId`, a crossId; refusing the import rather than failing at deployment is an emulator rule.
 */
export function unknownSharedPolicyGroups(ctx: RequestContext, api: Json): string[] {
  const groups = ctx.data.table(COLLECTION);
  const crossIds = new Set(groups.values().map((g) => g.crossId));
  const errors: string[] = [];
  for (const step of stepsOf(api)) {
    if (step.policy !== SHARED_POLICY_GROUP_POLICY) continue;
    const config = (step.configuration ?? {}) as Json;
    const hrid = typeof config.hrid === 'string' && config.hrid ? config.hrid : undefined;
    const found = hrid ? groups.get(topLevelIds(ctx.org, ctx.env, hrid).id) : crossIds.has(config.sharedPolicyGroupId);
    if (!found) errors.push(`SharedPolicyGroup [${hrid ?? String(config.sharedPolicyGroupId ?? '')}] cannot be found.`);
  }
  return errors;
}

/**
 * A v4 API as APIM answers it (the PUT's answer and GET): its `shared-policy-group-policy` steps without
 * `sharedPolicyGroupId`, which APIM rewrites from the step's `hrid` and does not answer. The stored API keeps what
 * was sent, for tests to read.
 */
export function withoutSharedPolicyGroupIds<T extends Json>(api: T): T {
  const answered = clone(api);
  for (const step of stepsOf(answered)) {
    if (step.policy === SHARED_POLICY_GROUP_POLICY && typeof step.configuration === 'object' && step.configuration !== null) {
      delete (step.configuration as Json).sharedPolicyGroupId;
    }
  }
  return answered;
}
