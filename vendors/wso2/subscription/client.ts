import { permanent, waitingFor } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { claimedIds } from '../claimed-ids.ts';
import { CreatePending } from '../create-pending.ts';
import { awaitResource } from '../dependencies.ts';
import type { ResolvedGateway } from '../gateway/resolve.ts';
import { GatewayCallError } from '../management-api.ts';
import { RestApiType, SubscriptionType } from '../resource-types.ts';
import { secretsFingerprint } from '../secrets-fingerprint.ts';
import { resolveValue } from '../value-source.ts';
import { subscriptionPlanId } from './plan-id.ts';
import type { SubscriptionSpec } from './schema.ts';

type Json = Record<string, any>;
const SUBSCRIPTIONS = '/subscriptions';

/** What a subscription is created with, and the fingerprint of it (the token included, never stored itself). */
interface Wanted {
  create: Json;
  fingerprint: string;
}

/**
 * A Subscription on one gateway, keyed by the gateway's UUID (status.id). The management API updates only a
 * subscription's status; the token, API, application, plan and billing ids are fixed at creation (the operator
 * refuses to change them), so a change to any of them — a rotated token Secret included — replaces the subscription:
 * the old one deleted, a new one created. The gateway keeps one subscription per API and token, so a create it refuses
 * with 409 means this resource's subscription exists (a redelivery, a crash before the status write): it is found
 * among the API's subscriptions no other resource manages.
 */
export function subscriptionClient(gateway: ResolvedGateway, object: KubeObject, spec: SubscriptionSpec, known: Json, ctx: SyncContext): ExternalClient {
  const api = gateway.management;
  const pending = new CreatePending(object, ctx);
  const claimed = claimedIds(SubscriptionType, object, gateway.key, ctx);
  let wantedOnce: Promise<Wanted> | undefined;
  const wanted = () =>
    (wantedOnce ??= (async () => {
      await awaitResource(RestApiType.kind, spec.apiId, object, ctx, 'spec.apiId');
      const token = await resolveValue(spec.subscriptionToken, 'spec.subscriptionToken', object, ctx);
      if (!token) throw permanent('InvalidSpec', 'spec.subscriptionToken: the token is empty');
      const planId = await subscriptionPlanId(spec.subscriptionPlanId, object, gateway.key, ctx);
      const create: Json = { apiId: spec.apiId, subscriptionToken: token };
      for (const [k, v] of Object.entries({ applicationId: spec.applicationId, subscriptionPlanId: planId, billingCustomerId: spec.billingCustomerId, billingSubscriptionId: spec.billingSubscriptionId, status: spec.status })) {
        if (v !== undefined && v !== '') create[k] = v;
      }
      const { status: _status, ...fixed } = create;
      return { create, fingerprint: secretsFingerprint(object, [fixed])! };
    })());
  const status = (sub: Json, fingerprint: string | undefined): ExternalStatus => ({ id: sub.id, secretsFingerprint: fingerprint });

  /** The API's subscriptions for this application (or without one) that no other resource manages. */
  const candidates = async (create: Json): Promise<Json[]> => {
    const query = new URLSearchParams({ apiId: spec.apiId, ...(spec.applicationId ? { applicationId: spec.applicationId } : {}) });
    const subs = (await api.list(`${SUBSCRIPTIONS}?${query}`, 'subscriptions')) ?? [];
    const others = await claimed();
    return subs.filter((s) => typeof s.id === 'string' && !others.has(s.id) && (s.applicationId || undefined) === (create.applicationId || undefined) && (create.subscriptionPlanId === undefined || s.subscriptionPlanId === create.subscriptionPlanId));
  };
  /** This resource's subscription among the candidates: the only one, or the only one created since the pending create. */
  const pick = (subs: Json[], since?: string): Json | undefined => {
    if (subs.length <= 1) return subs[0];
    const recent = since ? subs.filter((s) => typeof s.createdAt === 'string' && Date.parse(s.createdAt) >= Date.parse(since) - 300_000) : [];
    if (recent.length === 1) return recent[0];
    throw permanent('Conflict', `spec.apiId: the gateway holds several subscriptions of API ${spec.apiId}${spec.applicationId ? ` for application ${spec.applicationId}` : ''} that no resource manages (${subs.map((s) => s.id).join(', ')}), and cannot say which has this token: delete the extra ones on the gateway`);
  };

  let found: { sub: Json; fingerprint?: string } | undefined;
  const find = async (): Promise<{ sub: Json; fingerprint?: string } | undefined> => {
    if (typeof known.id === 'string' && known.id) {
      const sub = await api.get(`${SUBSCRIPTIONS}/${encodeURIComponent(known.id)}`);
      if (sub) return { sub, fingerprint: known.secretsFingerprint };
    }
    const p = pending.pending;
    if (!p) return undefined;
    const sub = pick(await candidates((await wanted()).create), p.at);
    return sub ? { sub, fingerprint: p.fingerprint } : undefined;
  };
  const create = async (): Promise<ExternalStatus> => {
    const w = await wanted();
    try {
      return await pending.create(w.fingerprint, () => api.create(SUBSCRIPTIONS, { json: w.create }), (s) => status(s, w.fingerprint));
    } catch (e) {
      if (!(e instanceof GatewayCallError)) throw e;
      if (e.status === 404) throw waitingFor(`spec.apiId: the gateway has no API ${spec.apiId} yet (${e.gatewayMessage})`);
      if (e.status !== 409) throw e;
      // The gateway holds a subscription of this token to this API already: this resource's.
      const sub = pick(await candidates(w.create));
      if (!sub) throw e;
      return pending.adopted(status(sub, w.fingerprint));
    }
  };

  // No identity: the gateway keys a subscription by its API and its token, a secret, which must not become the key of
  // an ownership record (a plain value in a table and an annotation); the id it issues is not known before the create.
  return {
    async observe(): Promise<Observation> {
      const w = await wanted();
      found = await find();
      if (!found) return { exists: false, upToDate: false };
      const s = status(found.sub, found.fingerprint);
      if (found.sub.id !== known.id) await pending.adopted(s);
      const sameStatus = w.create.status === undefined || found.sub.status === w.create.status;
      return { exists: true, upToDate: found.fingerprint === w.fingerprint && sameStatus, status: s };
    },
    create,
    async update() {
      const w = await wanted();
      const current = found ?? (await find());
      if (!current) return create();
      if (current.fingerprint === w.fingerprint) {
        // Only the status differs: the one field the gateway updates.
        await api.replace(`${SUBSCRIPTIONS}/${encodeURIComponent(current.sub.id)}`, { json: { status: w.create.status } });
        return status(current.sub, w.fingerprint);
      }
      await api.remove(`${SUBSCRIPTIONS}/${encodeURIComponent(current.sub.id)}`);
      return create();
    },
    async delete() {
      if (typeof known.id === 'string' && known.id) return api.remove(`${SUBSCRIPTIONS}/${encodeURIComponent(known.id)}`);
      if (!pending.pending) return;
      const current = await find();
      if (current) await api.remove(`${SUBSCRIPTIONS}/${encodeURIComponent(current.sub.id)}`);
    },
  };
}
