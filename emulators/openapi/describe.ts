/** Violations as the emulators record them, one line each. */
import type { Violation } from './types.ts';

/** `body /spec/context: must match pattern "…"`; a violation of the whole part names only the part. */
export const describeViolation = (v: Violation): string => `${v.in}${v.pointer ? ' ' + v.pointer : ''}: ${v.message}`;
