import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { VendorEvent } from '../../../shared/queue/envelope.ts';
import { SubscriptionType, WSO2_API_VERSION } from '../resource-types.ts';
import { applyArtifact, fetchAndApply } from './artifact-apply.ts';
import { ArchiveError } from './archives.ts';
import { conditionAgrees, recordConnection } from './connection-condition.ts';
import { syncAllSubscriptions, syncApiKeys, syncPlans, syncSubscriptions } from './devportal.ts';
import { BottomUpApis, echoOf } from './echoes.ts';
import { ARTIFACT_KINDS, artifactKindOf, CP_LABELS, DEPLOYMENT_ID_MISMATCH, EDITED, gatewaySelector, labelValue, matchesArtifact, type ArtifactKind } from './metadata.ts';
import { OutcomeBook } from './outcomes.ts';
import { compareTimes, markOf, restate } from './resource-writer.ts';
import { resyncDeployments } from './resync.ts';
import { openSession, type ControlPlaneSession } from './session.ts';

/**
 * What the control plane said about an APIGateway's gateway, relayed by the watcher as ids only: the artifact, plans,
 * subscriptions or keys are fetched here, and written as resources in the gateway's namespace. Idempotent: a
 * redelivered event finds its work done (resources carry the deployment and its time; older events change nothing).
 * The watcher's own reports on its connection are recorded in the APIGateway's status; when one changes, the
 * answer is `'sync'`: the engine runs the APIGateway's sync, whose conditions say what the probe and the report say
 * together.
 */
export async function handleControlPlaneEvent(event: VendorEvent, apigateway: KubeObject, ctx: SyncContext): Promise<'sync' | void> {
  const fields = { gateway: apigateway.metadata.name, namespace: apigateway.metadata.namespace, event: event.type, id: event.id };
  if (event.type === 'connection.refused' || event.type === 'connection.restored') {
    const report = event.type === 'connection.refused' ? { state: 'Refused' as const, detail: event.detail ?? 'no detail' } : { state: 'Connected' as const };
    const changed = await recordConnection(apigateway, report, ctx);
    // Also when unchanged but not shown yet: a redelivery after the sync failed for a moment tries it again.
    return changed || !conditionAgrees(apigateway, report) ? 'sync' : undefined;
  }
  const session = await openSession(apigateway, ctx);
  if (!session) {
    ctx.log.info('control-plane event for a gateway without a control plane (any more); ignored', fields);
    return;
  }
  if (event.type === 'resync') return resync(session, ctx);
  if (event.type === EDITED) {
    const kind = artifactKindOf(event.detail ?? '');
    if (kind && event.id) return edited(session, kind, event.id, ctx);
  }
  const [prefix, action] = splitType(event.type);
  const kind = ARTIFACT_KINDS.find((k) => k.ackType === prefix);
  if (kind && event.id) {
    if (action === 'deployed') return deployed(session, kind, event, ctx);
    if (action === 'undeployed') return undeployed(session, kind, event, ctx);
    if (action === 'deleted') return deleted(session, kind, event.id, ctx);
  }
  if (prefix === 'subscriptionPlan') return syncPlans(session, ctx);
  if (prefix === 'subscription' && event.id) return syncSubscriptions(session, event.id, ctx);
  if (prefix === 'apikey') return syncApiKeys(session, ctx);
  ctx.log.debug('control-plane event apim-sync does not act on', fields);
}

function splitType(type: string): [string, string] {
  const at = type.lastIndexOf('.');
  return at < 0 ? [type, ''] : [type.slice(0, at), type.slice(at + 1)];
}

/** The full diff, then (Platform API only, as the gateway does) plans, subscriptions and what API keys allow. */
async function resync(session: ControlPlaneSession, ctx: SyncContext): Promise<void> {
  await resyncDeployments(session, ctx);
  if (session.api.endpoint.flavour === 'platform') {
    await syncPlans(session, ctx);
    await syncAllSubscriptions(session, ctx);
  }
  await syncApiKeys(session, ctx);
}

/** This gateway's resources of one artifact (normally one; two after a rename interrupted by a crash). */
async function resourcesOf(gateway: KubeObject, kind: ArtifactKind, artifactId: string, ctx: SyncContext): Promise<KubeObject[]> {
  const selector = `${gatewaySelector(gateway.metadata.name)},${CP_LABELS.artifactId}=${labelValue(artifactId)}`;
  const list = await ctx.cluster.list({ apiVersion: WSO2_API_VERSION, kind: kind.kind }, gateway.metadata.namespace, { labelSelector: selector });
  return list.filter((o) => markOf(o)?.artifactId === artifactId);
}

async function deployed(session: ControlPlaneSession, kind: ArtifactKind, event: VendorEvent, ctx: SyncContext): Promise<void> {
  const { gateway, api } = session;
  const artifactId = event.id!;
  const mark = { artifactId, deploymentId: event.deploymentId ?? '', deployedAt: event.performedAt ?? '', state: 'deployed' as const };
  const mine = await resourcesOf(gateway, kind, artifactId, ctx);
  // An event older than what the resource carries changes nothing (and is not fetched).
  if (mine.some((o) => compareTimes(mark.deployedAt, markOf(o)!.deployedAt) < 0)) return;
  // A redelivery: deployments are immutable, so a resource carrying this one at this time is already written.
  const same = (o: KubeObject) => {
    const m = markOf(o)!;
    return m.deploymentId === mark.deploymentId && m.deployedAt === mark.deployedAt && m.state === 'deployed';
  };
  if (mine.length === 1 && same(mine[0])) return;
  const book = new OutcomeBook(gateway);
  // One of this gateway's own APIs (bottom-up), announced back by APIM: nothing is written, nothing fetched.
  const bottomUp = kind.kind === 'RestApi' ? await BottomUpApis.load(session, ctx) : undefined;
  const own = bottomUp?.byId(artifactId);
  if (own) {
    book.echo(echoOf(own, { ...mark, performedAt: mark.deployedAt }));
    await book.flush(ctx);
    // A resource written for it before it was known as one (its RestApi's status not written yet) goes.
    for (const o of mine) if (!o.metadata.deletionTimestamp) await ctx.cluster.delete(refOf(o), o.metadata.uid);
    ctx.log.info('control-plane deployment of a RestApi of this gateway, announced back by APIM; not written', { gateway: gateway.metadata.name, artifactId, restApi: own.metadata.name });
    return;
  }
  const byName = new Map(mine.map((o) => [o.metadata.name, o]));
  const found = await fetchAndApply(gateway, api, kind, mark, book, ctx, { existing: (name) => byName.get(name) ?? null, ...(bottomUp ? { bottomUp } : {}) });
  if (!found) {
    ctx.log.info('the control plane no longer has the artifact of this event; the next resync settles it', { gateway: gateway.metadata.name, artifactId });
    return;
  }
  await book.flush(ctx);
  // A renamed artifact leaves its old resource behind: it goes once the new one is written.
  const now = await resourcesOf(gateway, kind, artifactId, ctx);
  if (now.some((o) => markOf(o)?.deploymentId === mark.deploymentId)) {
    for (const o of now) if (markOf(o)?.deploymentId !== mark.deploymentId && !o.metadata.deletionTimestamp) await ctx.cluster.delete(refOf(o), o.metadata.uid);
  }
}

/**
 * As the gateway: the resource keeps its spec and is marked undeployed with the undeployment's time; nothing here to
 * undeploy is a success; another deployment here than the one undeployed is DEPLOYMENT_ID_MISMATCH.
 */
async function undeployed(session: ControlPlaneSession, kind: ArtifactKind, event: VendorEvent, ctx: SyncContext): Promise<void> {
  const { gateway } = session;
  const artifactId = event.id!;
  const mark = { artifactId, deploymentId: event.deploymentId ?? '', deployedAt: event.performedAt ?? '', state: 'undeployed' as const };
  const book = new OutcomeBook(gateway);
  const [obj] = await resourcesOf(gateway, kind, artifactId, ctx);
  if (!obj) {
    book.settle({ deploymentId: mark.deploymentId, artifactId, kind: kind.kind, action: 'undeploy', performedAt: mark.deployedAt });
  } else {
    const had = markOf(obj)!;
    if (compareTimes(mark.deployedAt, had.deployedAt) < 0) return;
    if (mark.deploymentId && had.deploymentId !== mark.deploymentId) {
      book.reject({
        deploymentId: mark.deploymentId,
        artifactId,
        kind: kind.kind,
        action: 'undeploy',
        performedAt: mark.deployedAt,
        errorCode: DEPLOYMENT_ID_MISMATCH,
        message: `the control plane undeployed deployment ${mark.deploymentId}, but ${obj.kind} ${obj.metadata.name} carries deployment ${had.deploymentId}`,
      });
    } else {
      await restate(obj, mark, ctx);
      book.clear(artifactId);
    }
  }
  await book.flush(ctx);
}

/**
 * A control-plane resource whose content no longer matches its artifact (the watcher saw its generation move without
 * a new deployment): the deployment it carries is fetched again (fetch-batch, as a resync does) and written over it.
 * Re-checked here: the watcher's view may be older than the resource, which a write of ours may already have fixed.
 */
async function edited(session: ControlPlaneSession, kind: ArtifactKind, artifactId: string, ctx: SyncContext): Promise<void> {
  const { gateway, api } = session;
  const drifted = (await resourcesOf(gateway, kind, artifactId, ctx)).filter((o) => !o.metadata.deletionTimestamp && !matchesArtifact(o));
  if (drifted.length === 0) return;
  const book = new OutcomeBook(gateway);
  for (const obj of drifted) {
    const mark = markOf(obj)!;
    let files;
    try {
      files = await api.fetchBatch([mark.deploymentId]);
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      ctx.log.warn('could not read the deployment of an edited control-plane resource; the next resync writes it', { gateway: gateway.metadata.name, artifactId, error: err.message });
      continue;
    }
    const file = files.find((f) => f.deploymentId === mark.deploymentId);
    if (!file) {
      ctx.log.info('the control plane no longer has the deployment of an edited resource; the next resync settles it', { gateway: gateway.metadata.name, artifactId });
      continue;
    }
    ctx.log.info('control-plane resource edited; written again from its artifact', { gateway: gateway.metadata.name, kind: obj.kind, name: obj.metadata.name, artifactId });
    await applyArtifact(gateway, file.text, `${mark.deploymentId}/${file.file}`, kind, mark, book, ctx, { existing: () => obj });
  }
  await book.flush(ctx);
}

/** The artifact is gone from the control plane: its resource goes (that incarnation only), and so do its subscriptions. */
async function deleted(session: ControlPlaneSession, kind: ArtifactKind, artifactId: string, ctx: SyncContext): Promise<void> {
  const { gateway } = session;
  for (const o of await resourcesOf(gateway, kind, artifactId, ctx)) await ctx.cluster.delete(refOf(o), o.metadata.uid);
  if (kind.kind === 'RestApi') {
    const selector = `${gatewaySelector(gateway.metadata.name)},${CP_LABELS.artifactId}=${labelValue(artifactId)}`;
    for (const s of await ctx.cluster.list(SubscriptionType, gateway.metadata.namespace, { labelSelector: selector })) await ctx.cluster.delete(refOf(s), s.metadata.uid);
  }
  const book = new OutcomeBook(gateway);
  book.clear(artifactId);
  await book.flush(ctx);
  ctx.log.info('control-plane artifact deleted', { gateway: gateway.metadata.name, kind: kind.kind, artifactId });
}
