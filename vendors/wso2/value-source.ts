import { z } from 'zod';
import { invalidSpec, missingReference } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { CONFIG_MAP, SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';

/** A Secret key selector (corev1.SecretKeySelector) as the CRDs embed it under `valueFrom`. */
export const SecretKeySelector = z.looseObject({
  name: z.string().optional(),
  key: z.string().min(1),
  optional: z.boolean().optional(),
});

/**
 * The operator's SecretValueSource (api/v1/common_types.go): an inline `value` or a `valueFrom` Secret key in the
 * resource's namespace, exactly one of them (the CRD's CEL rule).
 */
export const SecretValueSource = z
  .looseObject({ value: z.string().optional(), valueFrom: SecretKeySelector.optional() })
  .refine((s) => (s.value !== undefined) !== (s.valueFrom !== undefined), { message: 'exactly one of value or valueFrom must be set' });
export type SecretValueSource = z.infer<typeof SecretValueSource>;

/**
 * The value a SecretValueSource stands for, read at sync time and never logged. A Secret or key that does not exist
 * is a missing reference (retried, then re-triggered by the watcher when the Secret changes), unless the selector is
 * `optional` (then undefined, as secretsource.Resolve returns ""). `field` names the source in messages.
 */
export async function resolveValue(source: SecretValueSource, field: string, object: KubeObject, ctx: SyncContext): Promise<string | undefined> {
  if (source.value !== undefined) return source.value;
  const sel = source.valueFrom!;
  // The CRD defaults the name to "" ("almost certainly wrong", says its own description): the spec must name one.
  if (!sel.name) throw invalidSpec('InvalidSpec', `${field}.valueFrom.name: must name a Secret in the resource's namespace`);
  const secret = { ...SECRET, namespace: object.metadata.namespace ?? 'default', name: sel.name };
  return readKey(secret, sel.key, `${field}.valueFrom`, ctx, { allowEmpty: true, optional: sel.optional ?? false });
}

/** Where readKey reads: a Secret or a ConfigMap. */
type KeyHolder = ObjectRef & { kind: typeof SECRET.kind | typeof CONFIG_MAP.kind };

/**
 * The value of `key` in a Secret or ConfigMap, read at sync time and never logged. The object or the key missing (or
 * the value empty, unless `allowEmpty`) is a missing reference naming `field`: retried, then re-triggered by the
 * watcher when the object changes; with `optional`, undefined instead.
 */
export function readKey(holder: KeyHolder, key: string, field: string, ctx: SyncContext, opts?: { allowEmpty?: boolean }): Promise<string>;
export function readKey(holder: KeyHolder, key: string, field: string, ctx: SyncContext, opts: { allowEmpty?: boolean; optional: boolean }): Promise<string | undefined>;
export async function readKey(holder: KeyHolder, key: string, field: string, ctx: SyncContext, opts: { allowEmpty?: boolean; optional?: boolean } = {}): Promise<string | undefined> {
  const data = await ctx.readData(holder);
  const value = data?.[key];
  if (value !== undefined && (value !== '' || opts.allowEmpty)) return value;
  if (opts.optional) return undefined;
  const where = `${holder.kind} ${holder.namespace}/${holder.name}`;
  throw missingReference(data ? `${field}: ${where} has no ${opts.allowEmpty ? '' : 'non-empty '}key "${key}"` : `${field}: ${where} not found`);
}
