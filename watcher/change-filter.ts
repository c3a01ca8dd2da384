import type { SyncReason } from '../shared/queue/envelope.ts';
import type { KubeObject } from '../shared/kube/object-ref.ts';
import { inStep, type Observed } from './object-state.ts';

/** Why an event was not forwarded (a metrics label). */
export type SkipReason =
  | 'unchanged' // same resourceVersion (a relist of an object already known, a replayed event)
  | 'status-or-metadata' // generation did not move: a status write, labels, annotations
  | 'own-finalizer' // the sync added its finalizer
  | 'finalizers-live' // another finalizer changed on a live object
  | 'in-step' // first seen (list at start or after a gap) and its Ready condition matches its generation
  | 'unreferenced' // a Secret or ConfigMap nothing uses
  | 'baseline'; // first sight of a newly referenced Secret or ConfigMap

export type Decision = { forward: SyncReason; skip?: undefined } | { skip: SkipReason; forward?: undefined };

/**
 * A new version of an object the watcher knows. Forwards only what the sync depends on: deletion, finalizers while
 * deleting, generation, the annotations that steer a sync (SYNC_ANNOTATIONS), and the removal of apim-sync's
 * finalizer from a live object. Status and other metadata writes, including the sync adding its own finalizer, are
 * skipped, so the sync's own writes cannot loop.
 */
export function classifyChange(prev: Observed, next: Observed): Decision {
  if (next.resourceVersion === prev.resourceVersion) return { skip: 'unchanged' };
  if (next.deleting && !prev.deleting) return { forward: 'deleting' };
  if (next.deleting && next.finalizers !== prev.finalizers) return { forward: 'deleting' };
  if (next.generation !== prev.generation) return { forward: next.deleting ? 'deleting' : 'spec-changed' };
  if (!next.deleting && (next.annotations ?? 0) !== (prev.annotations ?? 0)) return { forward: 'spec-changed' };
  if (!next.deleting && prev.hasOurFinalizer && !next.hasOurFinalizer) return { forward: 'spec-changed' };
  if (next.finalizers !== prev.finalizers) return { skip: !prev.hasOurFinalizer && next.hasOurFinalizer ? 'own-finalizer' : 'finalizers-live' };
  return { skip: 'status-or-metadata' };
}

/** An object the watcher has not seen: forwarded unless its status is in step with its generation. */
export function classifyNew(obj: KubeObject, next: Observed): Decision {
  if (next.deleting) return { forward: 'deleting' };
  if (inStep(obj)) return { skip: 'in-step' };
  return { forward: 'added' };
}
