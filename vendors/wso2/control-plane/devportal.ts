import { createHash } from 'node:crypto';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { isSubset } from '../../../shared/engine/status-patch.ts';
import { refOf, SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { ApiKeyType, RestApiType, SubscriptionPlanType, SubscriptionType, WSO2_API_VERSION } from '../resource-types.ts';
import type { RemotePlan, RemoteSubscription } from './internal-api.ts';
import { CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, gatewayRef, gatewaySelector, labelValue } from './metadata.ts';
import { isOurs, ownerOf } from './resource-writer.ts';
import { inParallel } from './resync.ts';
import type { ControlPlaneSession } from './session.ts';

/** The key of a subscription's token in the Secret its Subscription's `subscriptionToken.valueFrom` names. */
const TOKEN_KEY = 'token';

/**
 * A resource name for a control-plane object of one gateway (`<gateway>-plan-<id>`), unique among gateways sharing a
 * namespace; a digest stands in for what would be too long or not a name.
 */
function childName(gateway: KubeObject, what: 'plan' | 'sub', id: string): string {
  const name = `${gateway.metadata.name}-${what}-${id.toLowerCase()}`;
  if (name.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return name;
  return `${gateway.metadata.name.slice(0, 200)}-${what}-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

function ownMetadata(gateway: KubeObject, name: string, cpId: string, artifactId?: string) {
  return {
    name,
    namespace: gateway.metadata.namespace,
    labels: {
      [CP_LABELS.origin]: CP_ORIGIN,
      [CP_LABELS.gatewayName]: labelValue(gateway.metadata.name),
      ...(artifactId ? { [CP_LABELS.artifactId]: labelValue(artifactId) } : {}),
    },
    annotations: { [CP_ANNOTATIONS.gateway]: gatewayRef(gateway.metadata.namespace ?? '', gateway.metadata.name), [CP_ANNOTATIONS.controlPlaneId]: cpId },
    ownerReferences: [ownerOf(gateway)],
  };
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

/**
 * Creates the resource, or replaces its spec when it is this gateway's and differs; another origin's is left alone.
 * `current` is the resource of that name as just read.
 */
async function upsert(gateway: KubeObject, desired: KubeObject, current: KubeObject | undefined, ctx: SyncContext): Promise<KubeObject | undefined> {
  if (!current) return ctx.cluster.create(desired);
  if (!isOurs(current, gateway)) {
    ctx.log.warn('control-plane object not written: the name is taken by a resource of other origin', { gateway: gateway.metadata.name, kind: desired.kind, name: desired.metadata.name });
    return undefined;
  }
  if (isSubset(desired.spec, current.spec)) return current;
  const next: KubeObject = { ...current, spec: desired.spec };
  delete next.status;
  return ctx.cluster.replace(next);
}

/** Ours, and listed by our selector, but gone from the control plane's complete list: deleted (this incarnation only). */
async function removeAbsent(objs: KubeObject[], keep: (o: KubeObject) => boolean, ctx: SyncContext): Promise<number> {
  let n = 0;
  for (const o of objs) {
    if (keep(o) || o.metadata.deletionTimestamp) continue;
    await ctx.cluster.delete(refOf(o), o.metadata.uid);
    n++;
  }
  return n;
}

/** The control plane's subscription plans as SubscriptionPlan resources (`/subscription-plans`, all of them). */
export async function syncPlans(session: ControlPlaneSession, ctx: SyncContext): Promise<void> {
  const { gateway, api } = session;
  const remote = await api.subscriptionPlans();
  const ns = gateway.metadata.namespace ?? '';
  for (const p of remote.items) {
    const desired = planResource(gateway, p);
    await upsert(gateway, desired, await ctx.cluster.get(refOf(desired)), ctx);
  }
  const local = await ctx.cluster.list(SubscriptionPlanType, ns, { labelSelector: gatewaySelector(gateway.metadata.name) });
  if (!remote.complete) return;
  const ids = new Set(remote.items.map((p) => p.id));
  const removed = await removeAbsent(local, (o) => ids.has(o.metadata.annotations?.[CP_ANNOTATIONS.controlPlaneId] ?? ''), ctx);
  ctx.log.info('control-plane subscription plans synced', { gateway: gateway.metadata.name, plans: remote.items.length, removed });
}

function planResource(gateway: KubeObject, p: RemotePlan): KubeObject {
  const unit = p.throttleLimitUnit && ['Min', 'Hour', 'Day', 'Month'].includes(p.throttleLimitUnit) ? p.throttleLimitUnit : undefined;
  return {
    apiVersion: WSO2_API_VERSION,
    kind: SubscriptionPlanType.kind,
    metadata: ownMetadata(gateway, childName(gateway, 'plan', p.id), p.id),
    spec: defined({
      planName: p.planName,
      billingPlan: p.billingPlan,
      stopOnQuotaReach: p.stopOnQuotaReach,
      throttleLimitCount: p.throttleLimitCount ?? undefined,
      throttleLimitUnit: unit,
      expiryTime: p.expiryTime,
      status: p.status === 'ACTIVE' || p.status === 'INACTIVE' ? p.status : undefined,
    }),
  };
}

/**
 * One API's subscriptions (`/apis/{id}/subscriptions`) as Subscription resources. The token goes into a Secret owned
 * by its Subscription (so it goes with it), which `subscriptionToken.valueFrom` names: never into a spec, a log or an
 * event. The gateway cannot change a subscription's token or plan in place (its management API updates only the
 * status), so a Subscription whose token or plan changed is replaced by a new one.
 */
export async function syncSubscriptions(session: ControlPlaneSession, apiId: string, ctx: SyncContext, listed?: GatewayLists): Promise<void> {
  const { gateway, api } = session;
  const [remote, { subscriptions: local, apis }] = await Promise.all([api.subscriptions(apiId), ofArtifact(apiId, listed ?? (await listSubscriptionsAndApis(gateway, apiId, ctx)))]);
  // The gateway names an API by handle: the resource the control plane's API became, else its id (kept by the gateway).
  const handle = apis.find((a) => a.metadata.annotations?.[CP_ANNOTATIONS.artifactId] === apiId)?.metadata.name ?? apiId;
  for (const s of remote?.items ?? []) await applySubscription(gateway, s, handle, ctx);
  if (remote && !remote.complete) return;
  const ids = new Set((remote?.items ?? []).map((s) => s.id));
  const removed = await removeAbsent(local, (o) => ids.has(o.metadata.annotations?.[CP_ANNOTATIONS.controlPlaneId] ?? ''), ctx);
  if (removed) ctx.log.info('control-plane subscriptions removed', { gateway: gateway.metadata.name, apiId, removed });
}

/** This gateway's control-plane RestApis and Subscriptions (of one API when `apiId` is given). */
interface GatewayLists {
  apis: KubeObject[];
  subscriptions: KubeObject[];
}

async function listSubscriptionsAndApis(gateway: KubeObject, apiId: string | undefined, ctx: SyncContext): Promise<GatewayLists> {
  const ns = gateway.metadata.namespace ?? '';
  const labelSelector = `${gatewaySelector(gateway.metadata.name)}${apiId ? `,${CP_LABELS.artifactId}=${labelValue(apiId)}` : ''}`;
  const [apis, subscriptions] = await Promise.all([ctx.cluster.list(RestApiType, ns, { labelSelector }), ctx.cluster.list(SubscriptionType, ns, { labelSelector })]);
  return { apis, subscriptions };
}

const ofArtifact = (apiId: string, lists: GatewayLists): GatewayLists => {
  const label = labelValue(apiId);
  const mine = (o: KubeObject) => o.metadata.labels?.[CP_LABELS.artifactId] === label;
  return { apis: lists.apis.filter(mine), subscriptions: lists.subscriptions.filter(mine) };
};

/** Subscriptions of every API this gateway's control plane deployed, and none of the APIs it no longer has. */
export async function syncAllSubscriptions(session: ControlPlaneSession, ctx: SyncContext): Promise<void> {
  const listed = await listSubscriptionsAndApis(session.gateway, undefined, ctx);
  const apiIds = [...new Set(listed.apis.map((a) => a.metadata.annotations?.[CP_ANNOTATIONS.artifactId]).filter((id): id is string => Boolean(id)))];
  // Each API's part of these lists: one list per kind for the gateway, not two per API.
  await inParallel(apiIds, 4, (id) => syncSubscriptions(session, id, ctx, listed));
  const known = new Set(apiIds.map(labelValue));
  await removeAbsent(listed.subscriptions, (o) => known.has(o.metadata.labels?.[CP_LABELS.artifactId] ?? ''), ctx);
}

async function applySubscription(gateway: KubeObject, s: RemoteSubscription, apiHandle: string, ctx: SyncContext): Promise<void> {
  const name = childName(gateway, 'sub', s.id);
  const plan = s.subscriptionPlanId ? childName(gateway, 'plan', s.subscriptionPlanId) : undefined;
  const spec = defined({
    apiId: apiHandle,
    applicationId: s.applicationId,
    // The operator's rule: a SubscriptionPlan resource's name stands for the gateway's id of that plan.
    subscriptionPlanId: plan,
    status: s.status === 'ACTIVE' || s.status === 'INACTIVE' || s.status === 'REVOKED' ? s.status : undefined,
    billingCustomerId: s.billingCustomerId,
    billingSubscriptionId: s.billingSubscriptionId,
    subscriptionToken: { valueFrom: { name, key: TOKEN_KEY } },
  });
  const desired: KubeObject = { apiVersion: WSO2_API_VERSION, kind: SubscriptionType.kind, metadata: ownMetadata(gateway, name, s.id, s.apiId), spec };
  const secretRef = { ...SECRET, namespace: gateway.metadata.namespace ?? '', name };
  let [current, existing] = await Promise.all([ctx.cluster.get(refOf(desired)), ctx.cluster.get(secretRef)]);
  const stored = existing?.data?.[TOKEN_KEY];
  const token = stored === undefined ? undefined : Buffer.from(stored, 'base64').toString('utf8');
  if (current && !isOurs(current, gateway)) {
    ctx.log.warn('control-plane subscription not written: the name is taken by a resource of other origin', { gateway: gateway.metadata.name, name });
    return;
  }
  const createOnly = (o: KubeObject | undefined) => JSON.stringify(['apiId', 'applicationId', 'subscriptionPlanId', 'billingCustomerId', 'billingSubscriptionId'].map((k) => (o?.spec as Record<string, unknown> | undefined)?.[k] ?? null));
  if (current && (createOnly(current) !== createOnly(desired) || (token !== undefined && token !== s.subscriptionToken))) {
    await ctx.cluster.delete(refOf(current), current.metadata.uid);
    current = undefined;
    ctx.log.info('control-plane subscription replaced: its token or create-only fields changed', { gateway: gateway.metadata.name, name });
  }
  const sub = await upsert(gateway, desired, current, ctx);
  if (!sub) return;
  const owner = { apiVersion: WSO2_API_VERSION, kind: SubscriptionType.kind, name, uid: sub.metadata.uid ?? '', controller: true, blockOwnerDeletion: false };
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: gateway.metadata.namespace, labels: ownMetadata(gateway, name, s.id).labels, ownerReferences: [owner] },
    data: { [TOKEN_KEY]: Buffer.from(s.subscriptionToken).toString('base64') },
  };
  if (!existing) await ctx.cluster.create(secret);
  else if (token !== s.subscriptionToken || !existing.metadata.ownerReferences?.some((o) => o.uid === owner.uid)) {
    await ctx.cluster.patchMetadata(secretRef, { ownerReferences: [owner] }, existing.metadata.resourceVersion ?? '');
    await ctx.cluster.patchData(secretRef, secret.data!);
  }
}

/**
 * API keys arrive as hashes (the devportal keeps the key): the gateway's management API takes a plaintext key, so a
 * control plane's key cannot be created on a gateway from Kubernetes. What can be expressed is applied: a revoked
 * key's CP-origin ApiKey resource, if one exists, is deleted.
 */
export async function syncApiKeys(session: ControlPlaneSession, ctx: SyncContext): Promise<void> {
  const { gateway, api } = session;
  const ns = gateway.metadata.namespace ?? '';
  const local = await ctx.cluster.list(ApiKeyType, ns, { labelSelector: gatewaySelector(gateway.metadata.name) });
  if (local.length === 0) return;
  const lists = await Promise.all((['apis', 'llm-providers', 'llm-proxies'] as const).map((p) => api.apiKeys(p)));
  if (lists.some((l) => !l.complete)) return;
  const active = new Set(lists.flatMap((l) => l.items.filter((k) => !k.status || k.status.toLowerCase() === 'active').map((k) => k.uuid)));
  const removed = await removeAbsent(local, (o) => active.has(o.metadata.annotations?.[CP_ANNOTATIONS.controlPlaneId] ?? ''), ctx);
  if (removed) ctx.log.info('control-plane API keys revoked', { gateway: gateway.metadata.name, removed });
}
