import type { ConditionPolicy } from '../../shared/engine/condition-policy.ts';

/**
 * A reference GKO skips rather than fails on (a missing Group: the object syncs without it): the note a kind's
 * client carries under this name (ExternalClient.notes) turns ResolvedRefs False with this reason, Accepted staying True.
 */
export const GROUP_NOT_FOUND = 'GroupNotFound';

/** Note names that make ResolvedRefs False on success, in the order they are reported. */
const SKIPPED_REFERENCE_REASONS = [GROUP_NOT_FOUND];

/** The Gravitee Kubernetes Operator's conditions: Accepted and ResolvedRefs, plus Ready. */
export const gkoConditions: ConditionPolicy = {
  success: (outcome) => {
    const skipped = SKIPPED_REFERENCE_REASONS.find((reason) => outcome?.notes?.[reason]);
    return [
      { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Successfully reconciled' },
      { type: 'Ready', status: 'True', reason: 'Synced', message: 'Synced with the vendor' },
      skipped
        ? { type: 'ResolvedRefs', status: 'False', reason: skipped, message: outcome!.notes![skipped]! }
        : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
    ];
  },
  failure: (err) => [
    { type: 'Accepted', status: 'False', reason: err.reason, message: err.message },
    { type: 'Ready', status: 'False', reason: err.reason, message: err.message },
    err.retry === 'reference'
      ? { type: 'ResolvedRefs', status: 'False', reason: 'ResolveRefError', message: err.message }
      : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All References successfully resolved' },
  ],
};
