import { expect, it } from 'vitest';
import type { ReliabilityCase } from './reliability-cases.ts';
import type { ThreescaleWorld } from './threescale-e2e.ts';

export { itCreatesNoDuplicateAfterACrash } from './reliability-cases.ts';

/** What every 3scale kind's lifecycle tests share; the kind's file keeps what is particular to it. */
export interface ThreescaleCase extends ReliabilityCase<ThreescaleWorld> {
  /** `Synced` for Backend and Product, `Ready` for the other kinds (as the 3scale operator writes them). */
  condition: 'Synced' | 'Ready';
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
