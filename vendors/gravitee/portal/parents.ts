import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../../shared/kube/resources.ts';
import { hridOf } from '../hrid.ts';
import { describeRef, refTo } from '../references.ts';
import { contextOf } from '../management-context/resolve.ts';

/** What a listing, link or page hangs under in APIM (a Portal, or an ApiV4Definition for a page), as reached. */
export interface Parent {
  /** `Portal ns/name`, for messages. */
  label: string;
  object: KubeObject;
  /** How the Automation API addresses it: `<namespace>-<name>`, as GKO. */
  hrid: string;
  /** Its ManagementContext (namespace defaulted to its own): listings, links and pages have none of their own. */
  context: ObjectRef;
}

/**
 * The parent named by `field` of a resource (its namespace by default), with its context. Missing: a reference error
 * the watcher retries when it appears; without a context nothing can be published under it (GKO: IllegalStateError).
 */
export async function parentWithContext(type: ResourceType, ref: unknown, namespace: string, field: string, ctx: SyncContext): Promise<Parent> {
  const target = refTo(type, ref, namespace);
  if (!target) throw invalidSpec('InvalidSpec', `${field}: Required`);
  const label = describeRef(target);
  const object = await ctx.cluster.get(target);
  if (!object) throw missingReference(`${field}: ${label} not found`);
  const context = contextOf(object);
  if (!context) throw invalidSpec('InvalidSpec', `${field}: ${label} has no ManagementContext (spec.contextRef), so nothing can be published under it`);
  return { label, object, hrid: hridOf(object), context };
}

/** A parent APIM has (status.id); else a reference error, retried when it syncs (the watcher hears it become Ready). */
export function requireSynced(parent: Parent, field: string): Parent {
  if (!(parent.object.status as { id?: unknown } | undefined)?.id) throw missingReference(`${field}: ${parent.label} is not synced to APIM yet`);
  return parent;
}

/** The parent a sync writes under: it must exist, have a context and be synced. */
export async function syncedParent(type: ResourceType, ref: unknown, namespace: string, field: string, ctx: SyncContext): Promise<Parent> {
  return requireSynced(await parentWithContext(type, ref, namespace, field, ctx), field);
}

/**
 * The parent a deletion may reach: undefined when it is gone or has no context, as nothing can have been written under
 * it through this reference (GKO then releases the finalizer).
 */
export async function existingParent(type: ResourceType, ref: unknown, namespace: string, ctx: SyncContext): Promise<Parent | undefined> {
  const target = refTo(type, ref, namespace);
  const object = target && (await ctx.cluster.get(target));
  const context = object && contextOf(object);
  return object && context ? { label: describeRef(target), object, hrid: hridOf(object), context } : undefined;
}

export const sameObject = (a: ObjectRef, b: ObjectRef): boolean => a.namespace === b.namespace && a.name === b.name;
