import { asSyncError, type SyncError } from '../../../shared/engine/errors.ts';
import type { ExternalClient, Observation } from '../../../shared/engine/kind.ts';

/** The RestApi's second step: its conditions can say the gateway has it while APIM does not. */
const STAGE = 'control-plane';

export function withStage(e: unknown): SyncError {
  const err = asSyncError(e);
  err.stage = STAGE;
  return err;
}

/**
 * The bottom-up client as the RestApi kind composes it: every error carries the stage, and a failed observe is
 * raised by the write that follows instead (the observation says "not in step"), so that a composition observing
 * both clients before writing still writes the gateway first.
 */
export function staged(client: ExternalClient): ExternalClient {
  let observeFailure: SyncError | undefined;
  const run = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw withStage(e);
    }
  };
  return {
    async observe(): Promise<Observation> {
      try {
        observeFailure = undefined;
        return await client.observe();
      } catch (e) {
        observeFailure = withStage(e);
        return { exists: false, upToDate: false };
      }
    },
    create: () => run(() => (observeFailure ? Promise.reject(observeFailure) : client.create())),
    update: () => run(() => (observeFailure ? Promise.reject(observeFailure) : client.update())),
    delete: () => run(() => client.delete()),
  };
}

/** A client for a RestApi whose APIM side could not be set up (discovery failed, a Secret is missing): every write says why. */
export function failingClient(err: SyncError): ExternalClient {
  return {
    observe: async () => ({ exists: false, upToDate: false }),
    create: () => Promise.reject(err),
    update: () => Promise.reject(err),
    delete: () => Promise.reject(err),
  };
}
