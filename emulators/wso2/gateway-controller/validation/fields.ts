/** Reading decoded bodies as the gateway's Go types see them: a missing or mistyped field is its zero value. */
import type { Json } from '../store.ts';

export const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
export const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
/** The string, or `''` (Go's zero value). */
export const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** The string of an optional (pointer) field: undefined when absent. */
export const optionalText = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
