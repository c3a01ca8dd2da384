import { createHash } from 'node:crypto';
import { invalidSpec, missingReference, permanent, SyncError } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { parseSpec } from '../../../shared/engine/spec-validation.ts';
import { renderTemplates } from '../../../shared/engine/templates.ts';
import { SECRET, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import type { ResolvedContext } from '../management-api.ts';
import { refTo } from '../references.ts';
import { ManagementContextType } from '../resource-types.ts';
import { cloudDefaults } from './cloud-token.ts';
import { ContextRef, ManagementContextSpec } from './schema.ts';

/** The ManagementContext a resource points to; `contextRef.namespace` defaults to the resource's namespace. */
export function contextRefOf(object: KubeObject, contextRef: { name: string; namespace?: string } | undefined): ObjectRef {
  if (!contextRef) throw permanent('InvalidSpec', 'spec.contextRef: Required (apim-sync syncs through a ManagementContext)');
  const ref = ContextRef.parse(contextRef);
  return { ...ManagementContextType, namespace: ref.namespace || (object.metadata.namespace ?? 'default'), name: ref.name };
}

/**
 * The ManagementContext another object (an API a Subscription names, a listing's Portal) syncs through, if it names
 * one; read leniently, as that object's own sync validates it.
 */
export function contextOf(obj: KubeObject): ObjectRef | undefined {
  return refTo(ManagementContextType, (obj.spec as { contextRef?: unknown } | undefined)?.contextRef, obj.metadata.namespace ?? 'default');
}

/**
 * An API that names no ManagementContext and is not deployed through the gateway's ConfigMap either: GKO's
 * IllegalStateError (its reason), worded by the caller, on the field to set.
 */
export const contextRequired = (why: string) => invalidSpec('IllegalStateError', `spec.contextRef: ${why}`);

/** Reads a ManagementContext and its credentials. Errors name the context, so a user knows where to look. */
export async function resolveContext(ref: ObjectRef, ctx: SyncContext): Promise<ResolvedContext> {
  const context = await contextIfPresent(ref, ctx);
  if (!context) throw missingReference(`ManagementContext ${ref.namespace}/${ref.name} not found`);
  return context;
}

/** As resolveContext, but undefined when the context is gone: a deletion then has nothing left to reach in APIM. */
export async function contextIfPresent(ref: ObjectRef, ctx: SyncContext): Promise<ResolvedContext | undefined> {
  const obj = await ctx.cluster.get(ref);
  return obj && resolveContextObject(obj, ctx, `ManagementContext ${ref.namespace}/${ref.name}: `);
}

export async function resolveContextObject(obj: KubeObject, ctx: SyncContext, prefix = ''): Promise<ResolvedContext> {
  const ns = obj.metadata.namespace ?? 'default';
  let spec: ManagementContextSpec;
  try {
    const rendered = await renderTemplates(obj.spec ?? {}, ns, (r) => ctx.readData(r), ctx.secrets);
    spec = parseSpec(ManagementContextSpec, rendered.spec);
  } catch (err) {
    if (err instanceof SyncError) err.message = prefix + err.message;
    throw err;
  }
  let bearerToken = spec.auth?.bearerToken ?? '';
  let username = spec.auth?.credentials?.username ?? '';
  let password = spec.auth?.credentials?.password ?? '';
  // With a Gravitee Cloud token GKO replaces the auth with it (ConfigureCloud): an auth.secretRef is never read.
  const secretRef = spec.cloud ? undefined : spec.auth?.secretRef;
  if (secretRef) {
    const data = await readSecret({ namespace: secretRef.namespace || ns, name: secretRef.name }, ctx, prefix);
    // As in GKO, a referenced secret overwrites inline credentials; an absent key overwrites with an empty string.
    // A token never holds whitespace: the newline of a Secret made with `echo … | base64` is dropped, not sent.
    bearerToken = (data.bearerToken ?? '').trim();
    username = data.username ?? '';
    password = data.password ?? '';
  }
  let target = { baseUrl: spec.baseUrl ?? '', organizationId: spec.organizationId ?? '', environmentId: spec.environmentId ?? '' };
  let paths = { managementPath: '/management', automationPath: '/automation' };
  if (spec.cloud) {
    let token = spec.cloud.token ?? '';
    if (spec.cloud.secretRef) {
      token = ((await readSecret({ namespace: spec.cloud.secretRef.namespace || ns, name: spec.cloud.secretRef.name }, ctx, prefix)).cloudToken ?? '').trim();
    }
    if (!token) throw permanent('InvalidSpec', `${prefix}spec.cloud: a token or a secretRef with key cloudToken is required`);
    target = { ...cloudDefaults(token, spec.environmentId), ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}) };
    paths = { managementPath: '/apim/rest', automationPath: '/apim/automation' };
    bearerToken = token;
  }
  if (spec.path) paths = { managementPath: spec.path, automationPath: spec.path };
  const auth = bearerToken ? { bearerToken } : username || password ? { username, password } : undefined;
  return { ...target, ...paths, auth, credentialKey: createHash('sha256').update(`${bearerToken}\0${username}\0${password}`).digest('hex') };
}

async function readSecret(ref: { namespace: string; name: string }, ctx: SyncContext, prefix: string): Promise<Record<string, string>> {
  const data = await ctx.readData({ ...SECRET, ...ref });
  if (!data) throw missingReference(`${prefix}secret ${ref.namespace}/${ref.name} not found`);
  return data;
}
