import type { ConditionPolicy } from '../../shared/engine/condition-policy.ts';

/** The Gravitee Kubernetes Operator's conditions: Accepted and ResolvedRefs, plus Ready. */
export const gkoConditions: ConditionPolicy = {
  success: () => [
    { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Successfully reconciled' },
    { type: 'Ready', status: 'True', reason: 'Synced', message: 'Synced with the vendor' },
    { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
  ],
  failure: (err) => [
    { type: 'Accepted', status: 'False', reason: err.reason, message: err.message },
    { type: 'Ready', status: 'False', reason: err.reason, message: err.message },
    err.retry === 'reference'
      ? { type: 'ResolvedRefs', status: 'False', reason: 'ResolveRefError', message: err.message }
      : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
  ],
};
