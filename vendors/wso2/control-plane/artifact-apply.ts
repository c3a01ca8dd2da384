import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { ArchiveError } from './archives.ts';
import { MalformedArtifact, parseArtifact } from './artifact.ts';
import { echoOf, type BottomUpApis } from './echoes.ts';
import type { InternalApi } from './internal-api.ts';
import { GATEWAY_PROCESSING_ERROR, type ArtifactKind } from './metadata.ts';
import type { OutcomeBook } from './outcomes.ts';
import { writeArtifact, type DeploymentMark, type WriteOutcome } from './resource-writer.ts';

export interface ApplyOptions {
  /** The resource of a name and kind as a list just read it (null: none; undefined: look it up). */
  existing?: (name: string, kind: string) => KubeObject | null | undefined;
  /** The gateway's bottom-up RestApis: an artifact that is one of them, announced back by APIM, is not written. */
  bottomUp?: BottomUpApis;
}

/**
 * Writes one artifact file for one deployment, and records what became of it: a malformed artifact or a refused name
 * is rejected (acked failed by the watcher) without failing anything else; a written one clears its old rejection;
 * one of the gateway's own APIs announced back is an echo (acked once that RestApi runs on the gateway).
 */
export async function applyArtifact(
  gateway: KubeObject,
  text: string,
  source: string,
  kind: ArtifactKind | undefined,
  mark: DeploymentMark,
  book: OutcomeBook,
  ctx: SyncContext,
  opts: ApplyOptions = {},
): Promise<WriteOutcome['result'] | 'echo'> {
  const log = { gateway: gateway.metadata.name, namespace: gateway.metadata.namespace, artifactId: mark.artifactId, deploymentId: mark.deploymentId };
  let outcome: WriteOutcome;
  try {
    const artifact = parseArtifact(text, source, kind);
    const own = mark.state === 'deployed' ? await opts.bottomUp?.byContent(artifact) : undefined;
    if (own) {
      ctx.log.info('control-plane artifact is a RestApi of this gateway announced back by APIM; not written', { ...log, restApi: own.metadata.name, restApiNamespace: own.metadata.namespace });
      book.echo(echoOf(own, { ...mark, performedAt: mark.deployedAt }));
      return 'echo';
    }
    outcome = await writeArtifact(gateway, artifact, mark, ctx, opts.existing?.(artifact.name, artifact.kind.kind));
  } catch (err) {
    if (!(err instanceof MalformedArtifact)) throw err;
    outcome = { result: 'refused', message: err.message };
  }
  if (outcome.result === 'refused') {
    ctx.log.warn('control-plane artifact rejected', { ...log, reason: outcome.message });
    book.reject({ ...rejection(mark, kind), message: outcome.message });
  } else if (outcome.result !== 'stale') {
    ctx.log.info('control-plane artifact written', { ...log, result: outcome.result });
    book.clear(mark.artifactId);
  }
  return outcome.result;
}

/** An archive that could not be read: the artifact it should hold is rejected, as a malformed one. */
export function rejectUnreadable(err: ArchiveError, mark: DeploymentMark, kind: ArtifactKind | undefined, book: OutcomeBook, ctx: SyncContext): void {
  ctx.log.warn('control-plane artifact rejected', { artifactId: mark.artifactId, deploymentId: mark.deploymentId, reason: err.message });
  book.reject({ ...rejection(mark, kind), message: `the control plane's archive of ${mark.artifactId} is unreadable: ${err.message}` });
}

function rejection(mark: DeploymentMark, kind: ArtifactKind | undefined) {
  return {
    deploymentId: mark.deploymentId,
    artifactId: mark.artifactId,
    kind: kind?.kind ?? 'unknown',
    action: mark.state === 'undeployed' ? ('undeploy' as const) : ('deploy' as const),
    performedAt: mark.deployedAt,
    errorCode: GATEWAY_PROCESSING_ERROR,
  };
}

/** Fetches one artifact alone (an event, or a deployment a batch archive lacked) and applies it; false when the control plane no longer has it. */
export async function fetchAndApply(
  gateway: KubeObject,
  api: InternalApi,
  kind: ArtifactKind,
  mark: DeploymentMark,
  book: OutcomeBook,
  ctx: SyncContext,
  opts: ApplyOptions = {},
): Promise<boolean> {
  let text: string | undefined;
  try {
    text = await api.artifact(kind, mark.artifactId);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    rejectUnreadable(err, mark, kind, book, ctx);
    return true;
  }
  if (text === undefined) return false;
  await applyArtifact(gateway, text, `${kind.filePrefix}-${mark.artifactId}.yaml`, kind, mark, book, ctx, opts);
  return true;
}
