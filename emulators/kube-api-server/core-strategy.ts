/** What the registry strategies of the core/v1 kinds served here share (pkg/registry/core), and their table columns. */
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, type PrinterColumn, type Strategy } from './resource-type.ts';

/** A core kind's strategy: no generation, unconditional updates, no create on update, the four patch types. */
export const coreStrategy = (s: Partial<Strategy>): Strategy => ({
  generation: false,
  allowUnconditionalUpdate: true,
  allowCreateOnUpdate: false,
  deleteReturnsObject: false,
  patchTypes: [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH],
  ...s,
});

/** A server-side table column (`kubectl get`); priority 1 columns show with `-o wide`. */
export const col = (name: string, type = 'string', format = '', priority = 0): PrinterColumn => ({ name, type, format, description: '', priority, jsonPath: '' });
