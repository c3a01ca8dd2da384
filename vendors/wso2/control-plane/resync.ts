import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { WSO2_API_VERSION } from '../resource-types.ts';
import { applyArtifact, fetchAndApply, rejectUnreadable } from './artifact-apply.ts';
import { ArchiveError, type BatchFile } from './archives.ts';
import { diffDeployments, inRemoveOrder, inWriteOrder, remoteState, type LocalArtifact } from './deployment-diff.ts';
import { BottomUpApis, echoOf } from './echoes.ts';
import type { RemoteDeployment } from './internal-api.ts';
import { ARTIFACT_KINDS, artifactKindOf, gatewaySelector, matchesArtifact } from './metadata.ts';
import { OutcomeBook } from './outcomes.ts';
import { markOf, restate, type DeploymentMark } from './resource-writer.ts';
import type { ControlPlaneSession } from './session.ts';

/** Writes at a time within one batch: the API server is shared with everything else in the cluster. */
const WRITE_CONCURRENCY = 8;

export interface ResyncSummary {
  deployments: number;
  fetched: number;
  batches: number;
  restated: number;
  removed: number;
  /** Resources written again because someone edited them. */
  reverted: number;
  /** Deployments of this gateway's own APIs (bottom-up) that APIM lists: not written. */
  echoes: number;
}

/** The control-plane resources of one gateway, of every artifact kind, listed by label. */
async function listGatewayResources(gateway: KubeObject, ctx: SyncContext): Promise<KubeObject[]> {
  const ns = gateway.metadata.namespace ?? '';
  const lists = await Promise.all(ARTIFACT_KINDS.map((k) => ctx.cluster.list({ apiVersion: WSO2_API_VERSION, kind: k.kind }, ns, { labelSelector: gatewaySelector(gateway.metadata.name) })));
  return lists.flat();
}

/**
 * The full diff of a resync, on every (re)connect and every polling_interval: `GET /deployments` against the
 * resources this gateway's control plane wrote. Deployments of the gateway's own APIs that APIM announces back are
 * set aside (recorded as echoes, never written); resources someone edited are fetched again with the rest. Removals
 * first, then state changes, then fetches in chunks of `sync_batch_size` through fetch-batch, dependencies first.
 * Every step is idempotent, so a resync cut short (a timeout, a crash) converges when the next one runs; one with
 * nothing changed fetches nothing and writes nothing.
 */
export async function resyncDeployments(session: ControlPlaneSession, ctx: SyncContext): Promise<ResyncSummary> {
  const { gateway, api, settings } = session;
  const remote = await api.deployments();
  const [resources, bottomUp] = await Promise.all([listGatewayResources(gateway, ctx), BottomUpApis.load(session, ctx)]);
  const book = new OutcomeBook(gateway);
  const recorded = OutcomeBook.recorded(gateway);
  const logFields = { gateway: gateway.metadata.name, namespace: gateway.metadata.namespace };

  // APIM's deployments of RestApis this gateway synced up: known by the id their status records, or as recorded
  // before (an echo recognised by its content while its RestApi's status did not name it yet).
  const echoed = new Map(recorded.echoes!.map((e) => [`${e.artifactId}|${e.deploymentId}`, e]));
  const items: RemoteDeployment[] = [];
  let echoes = 0;
  for (const d of remote.items) {
    const own = bottomUp && remoteState(d) === 'deployed' && artifactKindOf(d.kind)?.kind === 'RestApi' ? bottomUp.byId(d.artifactId) : undefined;
    const known = echoed.get(`${d.artifactId}|${d.deploymentId}`);
    if (own) book.echo(echoOf(own, { ...d, performedAt: known?.performedAt ?? d.deployedAt ?? '' }));
    if (own || known) echoes++;
    else items.push(d);
  }

  const byMark = new Map<string, KubeObject>();
  const local: LocalArtifact[] = [];
  for (const obj of resources) {
    const mark = markOf(obj);
    if (!mark || obj.metadata.deletionTimestamp) continue;
    local.push({ ...mark, kind: obj.kind, name: obj.metadata.name });
    byMark.set(`${obj.kind}/${obj.metadata.name}`, obj);
  }
  // A resource of an echo (written before it was known as one) is absent from what is compared: it goes.
  const diff = diffDeployments(items, local);
  const summary: ResyncSummary = { deployments: remote.items.length, fetched: 0, batches: 0, restated: 0, removed: 0, reverted: 0, echoes };

  // Resources someone edited: their deployment is fetched again (a state change rides along with the write).
  const fetching = new Set(diff.fetch.map((d) => d.artifactId));
  const removing = new Set(diff.remove.map((l) => `${l.kind}/${l.name}`));
  const listed = new Map(items.map((d) => [`${d.artifactId}|${d.deploymentId}`, d]));
  for (const l of local) {
    const d = listed.get(`${l.artifactId}|${l.deploymentId}`);
    const obj = byMark.get(`${l.kind}/${l.name}`)!;
    if (!d || fetching.has(l.artifactId) || removing.has(`${l.kind}/${l.name}`) || matchesArtifact(obj)) continue;
    diff.restate = diff.restate.filter((r) => r.local !== l);
    diff.fetch.push(d);
    fetching.add(l.artifactId);
    summary.reverted++;
    ctx.log.info('control-plane resource edited; it is written again from its artifact', { ...logFields, kind: l.kind, name: l.name, artifactId: l.artifactId });
  }

  if (!remote.complete) ctx.log.warn('the control plane listed deployments apim-sync cannot read; nothing is removed this time', logFields);
  else await removeGone(session, diff.remove, book, ctx, summary);

  for (const { remote: d, local: l } of diff.restate) {
    const obj = byMark.get(`${l.kind}/${l.name}`);
    if (obj && (await restate(obj, markFor(d), ctx)) === 'restated') summary.restated++;
  }

  // What our list shows is passed to the writer; anything else (null) is created, and a name taken by a resource of
  // other origin is found by the conflict of that create.
  const existing = (name: string, kind: string) => byMark.get(`${kind}/${name}`) ?? null;
  const fetch = inWriteOrder(diff.fetch);
  // One artifact that cannot be written now (its old resource still being deleted, a 409) must not hold up the others:
  // every chunk is done, then the first failure fails the resync, which the queue retries.
  const failures: unknown[] = [];
  for (let i = 0; i < fetch.length; i += settings.syncBatchSize) {
    const chunk = fetch.slice(i, i + settings.syncBatchSize);
    let files: BatchFile[] | undefined;
    try {
      files = await api.fetchBatch(chunk.map((d) => d.deploymentId));
    } catch (err) {
      // One unreadable archive must not block the rest: each of its deployments is fetched alone.
      if (!(err instanceof ArchiveError)) throw err;
      ctx.log.warn('fetch-batch archive unreadable; fetching its artifacts one by one', { ...logFields, error: err.message });
    }
    summary.batches++;
    const byDeployment = new Map((files ?? []).map((f) => [f.deploymentId, f]));
    failures.push(...(await settleEach(chunk, WRITE_CONCURRENCY, async (d) => {
      const mark = markFor(d);
      const kind = artifactKindOf(d.kind);
      const file = byDeployment.get(d.deploymentId);
      const opts = { existing, ...(bottomUp ? { bottomUp } : {}) };
      if (file) await applyArtifact(gateway, file.text, `${d.deploymentId}/${file.file}`, kind, mark, book, ctx, opts);
      else if (kind) await fetchAndApply(gateway, api, kind, mark, book, ctx, opts);
      else rejectUnreadable(new ArchiveError(`the control plane lists it as a ${d.kind}, a kind apim-sync does not write`), mark, undefined, book, ctx);
      summary.fetched++;
    })));
    // Progress is kept batch by batch: a resync cut short does not lose what it learnt.
    await book.flush(ctx);
  }

  // Outcomes of artifacts the control plane no longer lists are over.
  const present = new Set(remote.items.map((d) => d.artifactId));
  if (remote.complete) for (const o of [...recorded.rejected!, ...recorded.settled!, ...recorded.echoes!]) if (!present.has(o.artifactId)) book.clear(o.artifactId);
  await book.flush(ctx);
  if (failures.length) {
    ctx.log.warn('control-plane resync incomplete; it is retried', { ...logFields, ...summary, failed: failures.length });
    throw failures[0];
  }
  ctx.log.info('control-plane resync done', { ...logFields, ...summary });
  return summary;
}

function markFor(d: RemoteDeployment): DeploymentMark {
  return { artifactId: d.artifactId, deploymentId: d.deploymentId, deployedAt: d.deployedAt ?? '', state: remoteState(d) ?? 'deployed' };
}

/**
 * Resources whose artifact the control plane no longer lists. The Platform API is asked first which artifacts still
 * exist (`/artifacts/exists`): one that exists without a deployment here is undeployed, keeping its keys and
 * subscriptions, as the gateway keeps it; if that question fails nothing is removed (a blip must not delete).
 */
async function removeGone(session: ControlPlaneSession, gone: LocalArtifact[], book: OutcomeBook, ctx: SyncContext, summary: ResyncSummary): Promise<void> {
  if (gone.length === 0) return;
  const { gateway, api } = session;
  let existing = new Set<string>();
  if (api.endpoint.flavour === 'platform') {
    try {
      existing = await api.artifactsExist([...new Set(gone.map((g) => g.artifactId))]);
    } catch (err) {
      ctx.log.warn('could not ask the control plane which artifacts still exist; nothing is removed this time', { gateway: gateway.metadata.name, error: (err as Error).message });
      return;
    }
  }
  const ns = gateway.metadata.namespace ?? '';
  for (const g of inRemoveOrder(gone)) {
    const ref = { apiVersion: WSO2_API_VERSION, kind: g.kind, namespace: ns, name: g.name };
    const obj = await ctx.cluster.get(ref);
    if (!obj || markOf(obj)?.artifactId !== g.artifactId) continue;
    if (existing.has(g.artifactId)) {
      if ((await restate(obj, { ...g, state: 'undeployed' }, ctx)) === 'restated') summary.restated++;
      continue;
    }
    await ctx.cluster.delete(refOf(obj), obj.metadata.uid);
    book.clear(g.artifactId);
    summary.removed++;
    ctx.log.info('control-plane artifact removed', { gateway: gateway.metadata.name, kind: g.kind, name: g.name, artifactId: g.artifactId });
  }
}

/** Runs fn over items, at most `limit` at a time; the first failure fails the whole (after the others settle). */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const errors = await settleEach(items, limit, fn);
  if (errors.length) throw errors[0];
}

/** Runs fn over every item, at most `limit` at a time, whatever fails; returns the failures. */
async function settleEach<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<unknown[]> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return errors;
}
