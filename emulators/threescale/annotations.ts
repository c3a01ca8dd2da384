/**
 * porta's annotations (`Annotating::Model`, `Annotation`) on services, backend APIs and accounts: the only supported
 * name is `managed_by` (`SUPPORTED_ANNOTATIONS`), with a value of at most 255 characters; a blank value removes it.
 * Sent as `annotations[managed_by]=…` in a form, or `{"annotations":{…}}` in JSON (flattened to the same keys).
 */
import type { Validation } from './errors.ts';
import type { Ctx } from './handler.ts';
import { nested } from './params.ts';
import type { Rec } from './table.ts';

const SUPPORTED = new Set(['managed_by']);

/** The annotations a request sets, validated as porta's Annotation model does (errors under `annotations.*`). */
export function givenAnnotations(ctx: Ctx, v: Validation): Record<string, string> {
  const given = nested(ctx.params, 'annotations');
  for (const [name, value] of Object.entries(given)) {
    if (!SUPPORTED.has(name)) v.add('annotations.name', 'is not included in the list');
    if (value.length > 255) v.add('annotations.value', 'is too long (maximum is 255 characters)');
  }
  return given;
}

/** Applies the given annotations to a row (blank removes); a row left with none has no `annotations`, as porta renders none. */
export function applyAnnotations(row: Rec, given: Record<string, string>): void {
  const out: Record<string, string> = { ...((row.annotations ?? {}) as Record<string, string>) };
  for (const [name, value] of Object.entries(given)) {
    if (value.trim()) out[name] = value;
    else delete out[name];
  }
  if (Object.keys(out).length) row.annotations = out;
  else delete row.annotations;
}
