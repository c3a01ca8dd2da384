import { permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { claimedIds } from '../claimed-ids.ts';
import { CreatePending } from '../create-pending.ts';
import type { ResolvedGateway } from '../gateway/resolve.ts';
import { SubscriptionPlanType } from '../resource-types.ts';
import { sameInstant } from '../same-instant.ts';
import type { SubscriptionPlanSpec } from './schema.ts';
import { wso2GatewayIdentity } from '../identity.ts';

type Json = Record<string, any>;
const PLANS = '/subscription-plans';

/** The JSON the gateway takes (SubscriptionPlanCreateRequest): only the fields the resource sets. */
function planPayload(spec: SubscriptionPlanSpec): Json {
  const fields = ['planName', 'billingPlan', 'expiryTime', 'status', 'stopOnQuotaReach', 'throttleLimitCount', 'throttleLimitUnit'] as const;
  return Object.fromEntries(fields.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
}

/** The plan's id in the gateway's answer (`id`, or `planId` as some gateway versions write it). */
const idOf = (plan: Json): string | undefined => (typeof plan.id === 'string' && plan.id ? plan.id : typeof plan.planId === 'string' && plan.planId ? plan.planId : undefined);

/**
 * A SubscriptionPlan on one gateway, keyed by the UUID the gateway issues (status.id). Without one, the plan is looked
 * up by name (plan names are unique per gateway) before any create, as the operator recovers it; a plan another
 * resource manages is never adopted. Fields the resource sets are compared with the gateway's and PUT when they differ.
 */
export function subscriptionPlanClient(gateway: ResolvedGateway, object: KubeObject, spec: SubscriptionPlanSpec, known: Json, ctx: SyncContext): ExternalClient {
  const api = gateway.management;
  const payload = planPayload(spec);
  const pending = new CreatePending(object, ctx);
  const claimed = claimedIds(SubscriptionPlanType, object, gateway.key, ctx);
  let found: Json | undefined;
  const status = (plan: Json): ExternalStatus => ({ id: idOf(plan) });

  /** The plan by id, else by name; `holder` names another resource that manages the plan found by name. */
  const find = async (): Promise<{ plan?: Json; holder?: string }> => {
    if (typeof known.id === 'string' && known.id) {
      const byId = await api.get(`${PLANS}/${encodeURIComponent(known.id)}`);
      if (byId) return { plan: byId };
    }
    const byName = ((await api.list(PLANS, 'subscriptionPlans')) ?? []).find((p) => String(p.planName ?? '').trim() === spec.planName.trim() && idOf(p));
    if (!byName) return {};
    return { plan: byName, holder: (await claimed()).get(idOf(byName)!) };
  };
  const lookup = async (): Promise<Json | undefined> => {
    const { plan, holder } = await find();
    if (holder) throw permanent('Conflict', `spec.planName: the gateway's plan ${spec.planName} (${idOf(plan!)}) is managed by ${holder}`);
    return plan;
  };
  const differs = (plan: Json) =>
    Object.entries(payload).some(([k, v]) => (k === 'expiryTime' ? !sameInstant(v, plan[k]) : k === 'planName' ? String(plan[k] ?? '').trim() !== String(v).trim() : plan[k] !== v));

  return {
    // Plan names are unique per gateway (the lookup before any create relies on it); the id it issues is not known before.
    identity: wso2GatewayIdentity(api.endpoint, 'SubscriptionPlan', spec.planName.trim()),
    async observe(): Promise<Observation> {
      found = await lookup();
      if (!found) return { exists: false, upToDate: false };
      if (idOf(found) !== known.id) await pending.adopted(status(found));
      return { exists: true, upToDate: !differs(found), status: status(found) };
    },
    // A 409 (the name was taken meanwhile, by a redelivery of this sync) is retried: the next sync finds it by name.
    create: () => pending.create(undefined, () => api.create(PLANS, { json: payload }), status),
    async update() {
      const plan = found ?? (await lookup());
      if (!plan) return this.create();
      return status({ ...plan, ...(await api.replace(`${PLANS}/${encodeURIComponent(idOf(plan)!)}`, { json: payload })) });
    },
    async delete() {
      // Without an id, only a create this resource may have made (pending) is looked for, never another's plan.
      const plan = typeof known.id === 'string' && known.id ? { id: known.id } : pending.pending ? await find().then((f) => (f.holder ? undefined : f.plan)) : undefined;
      if (plan) await api.remove(`${PLANS}/${encodeURIComponent(idOf(plan)!)}`);
    },
  };
}
