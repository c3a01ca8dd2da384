import { z } from 'zod';
import { invalidSpec, missingReference } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../shared/kube/object-ref.ts';

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
  const ns = object.metadata.namespace ?? 'default';
  // The CRD defaults the name to "" ("almost certainly wrong", says its own description): the spec must name one.
  if (!sel.name) throw invalidSpec('InvalidSpec', `${field}.valueFrom.name: must name a Secret in the resource's namespace`);
  const data = await ctx.readData({ ...SECRET, namespace: ns, name: sel.name });
  const value = data?.[sel.key];
  if (value !== undefined) return value;
  if (sel.optional) return undefined;
  throw missingReference(data ? `${field}.valueFrom: Secret ${ns}/${sel.name} has no key "${sel.key}"` : `${field}.valueFrom: Secret ${ns}/${sel.name} not found`);
}
