import type { z } from 'zod';
import { invalidSpec } from './errors.ts';

/** `spec.listeners[0].type: Invalid input` — the field path first, so a user finds it in their YAML. */
export function formatIssues(issues: z.core.$ZodIssue[], root = 'spec'): string {
  return issues
    .slice(0, 5)
    .map((i) => `${root}${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`)
    .join('; ');
}

export function parseSpec<T>(schema: z.ZodType<T>, spec: unknown): T {
  const r = schema.safeParse(spec ?? {});
  if (!r.success) throw invalidSpec('InvalidSpec', formatIssues(r.error.issues));
  return r.data;
}
