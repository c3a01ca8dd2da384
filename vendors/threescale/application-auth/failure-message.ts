import type { SyncError } from '../../../shared/engine/errors.ts';

/**
 * The operator's ApplicationAuth `Failed` messages for 3scale's two key refusals (OP
 * controllers/capabilities/applicationauth_status_reconciler.go); other errors keep their own message.
 */
export function applicationAuthFailure(err: SyncError): string {
  if (err.message.includes('Limit reached')) return 'ApplicationKey limit reached a maximum of 5 keys allowed';
  if (err.message.includes('has already been taken')) return 'ApplicationKey or UserKey of this value already exists for this application update your authSecretRef with a new value';
  return err.message;
}
