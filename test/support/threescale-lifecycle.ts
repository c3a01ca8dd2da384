import { expect, it } from 'vitest';
import { crashBeforeFirstStatusWrite } from './crash.ts';
import type { ThreescaleWorld } from './threescale-e2e.ts';

/** What every 3scale kind's lifecycle tests share; the kind's file keeps what is particular to it. */
export interface ThreescaleCase {
  world: () => ThreescaleWorld;
  kind: string;
  /** `Synced` for Backend and Product, `Ready` for the other kinds (as the 3scale operator writes them). */
  condition: 'Synced' | 'Ready';
  /** The resource named `name`, with extra metadata (annotations). */
  make: (name: string, metadata?: Record<string, unknown>) => Record<string, unknown>;
  /** How many objects 3scale holds for the resource named `name`. */
  copies: (name: string) => number;
}

/** `apim-sync.io/deletion-policy: orphan` keeps the 3scale object when the resource goes. */
export function itKeepsTheObjectWhenOrphaned(c: ThreescaleCase, what: string): void {
  it(`keeps the ${what} with deletion-policy orphan`, async () => {
    const w = c.world();
    await w.apply(c.make('kept', { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.waitForCondition(c.kind, 'kept', c.condition, 'True');
    await w.remove(c.kind, 'kept');
    await w.waitForGone(c.kind, 'kept');
    expect(c.copies('kept')).toBe(1);
  });
}

/** A crash after the vendor create and before the status write converges on redelivery, with one 3scale object. */
export function itCreatesNoDuplicateAfterACrash(c: ThreescaleCase): void {
  it('creates no duplicate after a crash between the create and the status write', async () => {
    const w = c.world();
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await w.apply(c.make('crash'));
      await w.waitForCondition(c.kind, 'crash', c.condition, 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(c.copies('crash')).toBe(1);
    } finally {
      crash.restore();
    }
  });
}
