import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, KindDefinition } from '../../../shared/engine/kind.ts';
import { deepEqual, isSubset } from '../../../shared/engine/status-patch.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { automationClient } from '../automation-client.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { graviteeChildIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { resolveContext } from '../management-context/resolve.ts';
import { apiTypeOf, describeRef, graviteeReferences, refTo } from '../references.ts';
import { ApplicationType, SubscriptionType } from '../resource-types.ts';
import { recountingSubscriptions } from './counter.ts';
import { SubscriptionSpec } from './schema.ts';
import { checkSubscribable, checkSynced, SubscribedApi, SubscribingApplication } from './subscribed.ts';

type Json = Record<string, unknown>;

const ONE_MINUTE_MS = 60_000;

/** Two RFC3339 dates naming the same instant (APIM answers dates in its own format), or both absent. */
const sameInstant = (a: unknown, b: unknown): boolean =>
  (a === undefined || a === null) && (b === undefined || b === null) ? true : typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b);

/** GKO writes the start as RFC3339 in seconds. */
const rfc3339 = (v: unknown): string | undefined => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
};

/**
 * What GKO's admission checks when a subscription is created or its end date set: a started API, and dates at least a
 * minute ahead. At sync time they apply to what is new only: a first sync (no status.id yet) or a changed end date, so
 * an expired subscription does not turn False on a resync.
 */
function checkNewDates(object: KubeObject, api: SubscribedApi, spec: SubscriptionSpec): void {
  const status = object.status ?? {};
  const creating = !status.id;
  const soon = Date.now() + ONE_MINUTE_MS;
  if (creating && api.stopped) throw invalidSpec('InvalidSpec', `spec.api: ${describeRef(api.ref)} is STOPPED: a subscription needs a started API`);
  if (spec.endingAt && (creating || !sameInstant(spec.endingAt, status.endingAt)) && Date.parse(spec.endingAt) < soon) {
    throw invalidSpec('InvalidSpec', `spec.endingAt: ${spec.endingAt} should be at least one minute from now`);
  }
  if (!creating) return;
  (spec.apiKeys ?? []).forEach((k, i) => {
    if (k.expireAt && Date.parse(k.expireAt) < soon) throw invalidSpec('InvalidSpec', `spec.apiKeys[${i}].expireAt: ${k.expireAt} should be at least one minute from now`);
  });
}

/** Deleting needs the API alone: its context and HRID. Gone (or never in APIM), there is nothing to remove. */
async function deletionClient(object: KubeObject, api: SubscribedApi | undefined, client: (api: SubscribedApi) => Promise<ExternalClient>): Promise<ExternalClient> {
  if (api?.contextRef) return client(api);
  const why = api ? `${describeRef(api.ref)} has no contextRef` : 'its API resource is gone';
  // When APIM deleted the API, it closed its subscriptions with it.
  return { ...noVendorObject(), delete: async () => `${hridOf(object)}: nothing to delete in APIM, ${why}` };
}

/**
 * Subscription → Automation API `apis/{apiHrid}/subscriptions`, through the API's ManagementContext, hrid
 * `<namespace>-<name>`. The API (ApiV4Definition, or ApiDefinition as GKO allows) and the Application must be in APIM
 * and use the same context. APIM keeps a subscription's plan and application once created: a change of either is a
 * False condition naming the field rather than a write APIM would ignore; so every sync observes first. API keys are
 * write-only in APIM and secrets here: never compared, never in status, and declared secret for the engine to take
 * out of any error message.
 */
export const subscriptionKind: KindDefinition<SubscriptionSpec> = {
  ...SubscriptionType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: SubscriptionSpec,
  failureStatus: { processingStatus: 'Failed' },
  async connect({ object, spec }, ctx) {
    const ns = object.metadata.namespace ?? 'default';
    const hrid = hridOf(object);
    const apiRef = refTo(apiTypeOf(spec.api), spec.api, ns)!;
    const apiObject = await ctx.cluster.get(apiRef);
    const api = apiObject && new SubscribedApi(apiObject);
    // APIM may quote the request in a refusal: the engine takes the keys out of the error it records.
    for (const k of spec.apiKeys ?? []) ctx.secrets.add(k.key);

    const client = async (api: SubscribedApi, app?: SubscribingApplication, planKey?: string) => {
      const context = await resolveContext(api.contextRef!, ctx);
      const apiHrid = api.hrid(context);
      const payload: Json = toAutomationSpelling('Subscription', {
        hrid,
        apiHrid,
        ...(app && planKey
          ? {
              applicationHrid: app.hrid,
              planHrid: api.planHrid(planKey, context),
              ...(spec.endingAt ? { endingAt: spec.endingAt } : {}),
              ...(spec.metadata ? { metadata: spec.metadata } : {}),
              ...(spec.apiKeys ? { apiKeys: spec.apiKeys.map((k) => ({ key: k.key, ...(k.expireAt ? { expireAt: k.expireAt } : {}) })) } : {}),
              ...(spec.consumerConfiguration ? { consumerConfiguration: spec.consumerConfiguration } : {}),
            }
          : {}),
      });
      return automationClient({
        api: new ManagementApi(context, ctx.http),
        collection: `apis/${encodeURIComponent(apiHrid)}/subscriptions`,
        hrid,
        identity: graviteeChildIdentity(context, 'subscription', { hrid: apiHrid, hridIsUuid: api.legacy }, hrid),
        flags: { ...(api.legacy ? { hridContainsApiUUID: 'true' } : {}), ...(app?.legacy ? { hridContainsAppUUID: 'true' } : {}) },
        payload,
        toStatus: (state): ExternalStatus => ({
          id: state.id,
          startedAt: rfc3339(state.startingAt),
          endingAt: typeof state.endingAt === 'string' ? state.endingAt : undefined,
          processingStatus: 'Completed',
        }),
        upToDate: (state) => {
          // APIM answers the plan and application by hrid; legacy (UUID) ones it may not name the same way.
          if (!api.legacy && typeof state.planHrid === 'string' && state.planHrid !== payload.planHrid) {
            throw invalidSpec('InvalidSpec', `spec.plan: APIM keeps a subscription's plan (this one is on [${state.planHrid}]); delete the Subscription and create another to change it`);
          }
          if (!app?.legacy && typeof state.applicationHrid === 'string' && state.applicationHrid !== payload.applicationHrid) {
            throw invalidSpec('InvalidSpec', `spec.application: APIM keeps a subscription's application (this one is [${state.applicationHrid}]); delete the Subscription and create another to change it`);
          }
          // What APIM does not answer (metadata, consumer configuration in some versions) is not drift.
          return (
            sameInstant(state.endingAt, payload.endingAt) &&
            (!('metadata' in state) || deepEqual(state.metadata ?? {}, payload.metadata ?? {})) &&
            (!payload.consumerConfiguration || !('consumerConfiguration' in state) || isSubset(payload.consumerConfiguration, state.consumerConfiguration))
          );
        },
      });
    };

    const appRef = refTo(ApplicationType, spec.application, ns)!;
    if (object.metadata.deletionTimestamp) return recountingSubscriptions(await deletionClient(object, api, (a) => client(a)), [apiRef, appRef], ctx);
    if (!api) throw missingReference(`spec.api: ${describeRef(apiRef)} not found`);
    const appObject = await ctx.cluster.get(appRef);
    if (!appObject) throw missingReference(`spec.application: ${describeRef(appRef)} not found`);
    const app = new SubscribingApplication(appObject);
    const plan = checkSubscribable(api, app, spec);
    checkNewDates(object, api, spec);
    checkSynced(api, app);
    return recountingSubscriptions(await client(api, app, plan.key), [apiRef, appRef], ctx);
  },
};
