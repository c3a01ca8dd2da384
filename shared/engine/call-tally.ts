import type { CallCounter } from '../kube/call-counter.ts';

/**
 * A view of a client (the cluster, the vendor HTTP client) that also counts the calls it makes into `tally`. The
 * clients are shared by every sync of the process and count for the process; several syncs run at once (the local
 * runner's pollers), so a sync counts its own calls through this view: the client's methods run with the view as
 * `this`, so each `this.calls.add()` reaches both the client's counter and the sync's.
 */
export function countingView<T extends { calls: CallCounter }>(client: T, tally: (verb: string) => void): T {
  const counter = client.calls;
  const tee: CallCounter = Object.create(counter, {
    add: { value: (verb: string) => (counter.add(verb), tally(verb)) },
  });
  return new Proxy(client, { get: (target, prop, receiver) => (prop === 'calls' ? tee : Reflect.get(target, prop, receiver)) });
}
