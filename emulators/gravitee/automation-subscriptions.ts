/**
 * Automation API: subscriptions of an API (`PUT apis/{apiHrid}/subscriptions`, `GET/DELETE …/subscriptions/{hrid}`),
 * with the checks APIM makes when it creates one (`SubscriptionCRDSpecDomainServiceImpl` → `SubscriptionServiceImpl
 * .create`): the plan must exist, be published and not keyless; the application must exist and not be archived; it may
 * not already hold the plan, nor a second JWT/OAuth2 plan of the API; a JWT/OAuth2 plan needs its client id; a custom
 * API key may not be taken. Kubernetes subscriptions are accepted at once: `startingAt` is the creation time. Updating
 * one changes only its end date, metadata and consumer configuration (APIM keeps its plan and application).
 * `hridContainsApiUUID`/`hridContainsAppUUID` say the API/application HRIDs are UUIDs (GKO's legacy objects; a v2 API
 * is one): the plan HRID is then the plan's id. API keys are write-only: stored, never answered.
 */
import { collectionHandlers, objectIds, type ParentOf } from './automation-collection.ts';
import { ApimError } from './errors.ts';
import { objectsOf, queryFlag, type RequestContext } from './handler.ts';
import { apiSubResourceIds, topLevelIds } from './ids.ts';
import type { Json } from './store.ts';

const API: ParentOf = {
  param: 'apiHrid',
  collection: 'apis',
  uuidFlag: 'hridContainsApiUUID',
  // By UUID the API may be a v4 or a v2 one (APIM's subscription reference is any API id).
  byUuid: (ctx, id) => ctx.data.apis.get(id)?.value ?? ctx.data.v2Apis.get(id)?.value,
};

/** The plan and application a subscription names, with the ids APIM derives for them. */
function targetsOf(ctx: RequestContext, spec: Json, api: Json) {
  const planHrid = String(spec.planHrid);
  const byPlanId = queryFlag(ctx.query, 'hridContainsApiUUID');
  const planId = byPlanId ? planHrid : apiSubResourceIds(ctx.org, ctx.env, ctx.params.apiHrid!, planHrid).id;
  const plan = objectsOf(api.plans).find((p) => (byPlanId ? p.id === planHrid : p.hrid === planHrid));
  const appHrid = String(spec.applicationHrid);
  const applicationId = queryFlag(ctx.query, 'hridContainsAppUUID') ? appHrid : topLevelIds(ctx.org, ctx.env, appHrid).id;
  return { plan, planId: String(plan?.id ?? planId), applicationId };
}

/** KEY_LESS, API_KEY, JWT, OAUTH2, MTLS: a v4 plan's `security.type`, a v2 plan's `security`. */
const securityOf = (plan: Json): string => String(typeof plan.security === 'string' ? plan.security : ((plan.security ?? {}) as Json).type ?? '');

const apiError = (status: number, message: string, technicalCode: string, parameters?: Record<string, string>) =>
  new ApimError(status, message, technicalCode, parameters);

/** What `SubscriptionServiceImpl.create` refuses, in its order. */
function checkCreation(ctx: RequestContext, spec: Json, api: Json, id: string): void {
  const { plan, planId, applicationId } = targetsOf(ctx, spec, api);
  if (!plan) throw apiError(404, `Plan [${planId}] cannot be found.`, 'plan.notFound', { plan: planId });
  if (plan.status === 'DEPRECATED') throw apiError(400, planId, 'plan.notSubscribable');
  if (plan.status === 'CLOSED') throw apiError(400, `Plan ${planId} is already closed !`, 'plan.closed', { plan: planId });
  if (plan.status === 'STAGING') throw apiError(400, `Plan ${planId} is not yet published !`, 'plan.notPublished', { plan: planId });
  const security = securityOf(plan);
  const standard = plan.mode !== 'PUSH';
  if (standard && security === 'KEY_LESS') throw apiError(400, 'A keyless plan is not subscribable!', 'plan.notSubscribable');

  const application = ctx.data.applications.get(applicationId)?.value;
  if (!application) {
    const archived = ctx.data.archivedApplications.get(applicationId)?.value;
    if (archived) throw apiError(400, `Application [${archived.name}] is archived and cannot be modified.`, 'application.archived', { application: archived.name });
    throw apiError(404, `Application [${applicationId}] cannot be found.`, 'application.notFound', { application: applicationId });
  }

  const others = ctx.data
    .table('subscriptions')
    .values()
    .filter((s) => s.id !== id && s.applicationId === applicationId && s.apiId === api.id);
  if (others.some((s) => s.planId === planId)) {
    throw apiError(400, 'There is already a PENDING or ACCEPTED subscription for this plan.', 'plan.subscribed', { plan: planId });
  }
  const tokenBased = standard && (security === 'JWT' || security === 'OAUTH2');
  if (tokenBased && others.some((s) => ['JWT', 'OAUTH2'].includes(String(s.planSecurity)))) {
    throw apiError(400, 'An other OAuth2 or JWT plan is already subscribed by the same application.', 'plan.otherOAuth2OrJWTSubscribed');
  }
  const settings = (application.settings ?? {}) as Json;
  const clientId = settings.app ? ((settings.app as Json).clientId as string | undefined) : settings.oauth ? 'assigned by APIM' : undefined;
  if (tokenBased && !clientId?.trim()) throw apiError(400, 'A client_id is required to subscribe to an OAuth2 or JWT plan.', 'plan.notSubscribable');

  const keys = new Set(objectsOf(spec.apiKeys).map((k) => String(k.key)));
  const taken = ctx.data
    .table('subscriptions')
    .values()
    .some((s) => s.id !== id && objectsOf(s.apiKeys).some((k) => keys.has(String(k.key))));
  if (taken) throw apiError(400, 'API key already exists', 'apiKey.existing');
}

/** The spec's fields APIM answers (SubscriptionState), never the API keys it was given. */
function answerOf(state: Json): Json {
  const { apiKeys: _keys, applicationId: _a, planId: _p, apiId: _api, planSecurity: _s, crossId: _c, ...answer } = state;
  return answer;
}

export const automationSubscriptions = collectionHandlers({
  collection: 'subscriptions',
  operations: { upsert: 'createOrUpdateApiSubscriptions', get: 'getApiSubscription', remove: 'deleteApiSubscription' },
  parent: API,
  validate: (ctx, spec, api) => {
    const { id } = objectIds(ctx, String(spec.hrid), api);
    if (!ctx.data.table('subscriptions').get(id)) checkCreation(ctx, spec, api!, id);
    return { severe: [], warning: [] };
  },
  extend: (ctx, spec, existing, api) => {
    if (existing) {
      // APIM updates the end date (and metadata, consumer configuration) of an existing subscription, nothing else.
      const { applicationHrid, planHrid, applicationId, planId, apiId, planSecurity, apiKeys, startingAt } = existing;
      return { applicationHrid, planHrid, applicationId, planId, apiId, planSecurity, apiKeys, startingAt };
    }
    const { plan, planId, applicationId } = targetsOf(ctx, spec, api!);
    return { applicationId, planId, apiId: api!.id, planSecurity: securityOf(plan ?? {}), startingAt: new Date().toISOString() };
  },
  answer: answerOf,
});
