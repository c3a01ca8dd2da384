import { describe, expect, it } from 'vitest';
import { OwnershipConflict } from '../../shared/engine/ownership.ts';
import { syncKinds } from '../../vendors/sync-kinds.ts';

/** Every kind's condition policy carries an ownership Conflict into Ready, with the message naming the owner. */
describe('ownership Conflict in every kind’s conditions', () => {
  const owner = { cluster: 'east', apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace: 'shop', name: 'orders', uid: 'u' };
  const err = new OwnershipConflict(owner, 'gravitee api x (scope) is owned by ApiV4Definition shop/orders in cluster east; nothing was written');
  for (const kind of syncKinds) {
    it(`${kind.kind} (${kind.apiVersion}): Ready=False, reason Conflict`, () => {
      const conditions = kind.conditions.failure(err);
      expect(conditions).toContainEqual({ type: 'Ready', status: 'False', reason: 'Conflict', message: err.message });
      // No condition of the kind says it succeeded but Ready.
      for (const c of conditions.filter((c) => ['Accepted', 'Synced'].includes(c.type))) {
        if (kind.apiVersion.startsWith('gateway.api-platform.wso2.com')) continue; // the gateway operator's Accepted means "the spec is valid"
        expect(c).toMatchObject({ status: 'False', reason: 'Conflict' });
      }
    });
  }
});
