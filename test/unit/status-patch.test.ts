import { describe, expect, it } from 'vitest';
import { isSubset, statusPatch } from '../../shared/engine/status-patch.ts';
import { mergeConditions } from '../../shared/engine/conditions.ts';

describe('status patches', () => {
  it('is empty when nothing changed, so a no-op sync writes nothing', () => {
    expect(statusPatch({ id: 'a', plans: { p: '1' }, other: 1 }, { id: 'a', plans: { p: '1' } })).toBeUndefined();
  });

  it('nulls keys that disappeared inside owned maps and replaces arrays', () => {
    expect(statusPatch({ plans: { old: '1', kept: '2' }, errors: { warning: ['w'] } }, { plans: { kept: '2', added: '3' }, errors: { warning: [] } })).toEqual({
      plans: { old: null, added: '3' },
      errors: { warning: [] },
    });
  });

  it('compares desired state as a subset of what the vendor returns', () => {
    expect(isSubset({ a: 1, b: [{ c: 2 }] }, { a: 1, b: [{ c: 2, id: 'x' }], extra: true })).toBe(true);
    expect(isSubset({ a: 1, b: [{ c: 2 }] }, { a: 1, b: [{ c: 3 }] })).toBe(false);
    expect(isSubset({ b: [1, 2] }, { b: [1, 2, 3] })).toBe(false);
  });
});

describe('conditions', () => {
  it('moves lastTransitionTime only when the status flips, and keeps other types', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = mergeConditions([{ type: 'Custom', status: 'True', reason: 'x', message: '', lastTransitionTime: 'old' }], [{ type: 'Ready', status: 'False', reason: 'A', message: 'm' }], 1, t0);
    const same = mergeConditions(first, [{ type: 'Ready', status: 'False', reason: 'B', message: 'n' }], 2, new Date('2026-01-02T00:00:00Z'));
    expect(same.find((c) => c.type === 'Ready')).toMatchObject({ lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'B', observedGeneration: 2 });
    const flipped = mergeConditions(same, [{ type: 'Ready', status: 'True', reason: 'Synced', message: '' }], 2, new Date('2026-01-03T00:00:00Z'));
    expect(flipped.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-03T00:00:00Z');
    expect(flipped.map((c) => c.type)).toEqual(['Custom', 'Ready']);
  });
});
