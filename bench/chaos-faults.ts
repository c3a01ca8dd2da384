import { AsyncLocalStorage } from 'node:async_hooks';
import { seededRandom } from '../emulators/common/seeded-random.ts';
import type { HandlerDependencies } from '../functions/sync/dependencies.ts';
import type { SqsHandler } from '../local/lambda-runner.ts';
import type { Cluster } from '../shared/kube/cluster.ts';
import type { ClusterRegistry } from '../shared/kube/cluster-registry.ts';
import type { VendorHttp } from '../shared/vendor-http/vendor-http.ts';

/** The vendor faults of the chaos scenario, as shares of all vendor calls. */
export interface VendorFaultRates {
  serverError: number;
  throttle: number;
  retryAfterSeconds: number;
  timeout: number;
  /** How long a "timeout" holds the request: longer than the sync function's vendor timeout. */
  holdMs: number;
}

/** One invocation of the sync function (a batch), as the crash view follows it. */
interface Invocation {
  dead: boolean;
  /** A vendor write happened in the sync running now (reset after each sync's outcome). */
  vendorWrote: boolean;
  die(): void;
}

/** A promise that never settles: what a call looks like from a process that is gone. */
const never = () => new Promise<never>(() => {});

/**
 * The sync function as it fails in a real fleet: on `crashChance` of the syncs that wrote to the vendor, the process
 * dies before its status write. Nothing after that point runs (no catch path, no retry delay, no usage record, no
 * later record of the batch): every call of the invocation hangs from then on, and the invocation fails as a whole,
 * as Lambda reports a crashed or timed-out instance; the runner then leaves the batch to come back after the visibility
 * timeout. Also counts what the event source delivers: receives and redeliveries (a receive count above 1).
 */
export class CrashingFunction {
  crashes = 0;
  /** Status writes the API server refused with 409 (the engine re-reads and writes again within the sync). */
  statusConflicts = 0;
  receives = 0;
  redeliveries = 0;
  private readonly current = new AsyncLocalStorage<Invocation>();
  private readonly random: () => number;
  private readonly crashChance: number;

  constructor(crashChance: number, seed: number) {
    this.crashChance = crashChance;
    this.random = seededRandom(seed);
  }

  /** For SyncPlaneOptions.functionView. */
  readonly view = (handler: SqsHandler): SqsHandler => {
    return (event, context) => {
      for (const r of event.Records) {
        this.receives++;
        if (Number(r.attributes.ApproximateReceiveCount ?? '1') > 1) this.redeliveries++;
      }
      let die!: () => void;
      const died = new Promise<never>((_, reject) => (die = () => reject(new Error('the sync function crashed (chaos): the batch comes back after the visibility timeout'))));
      const invocation: Invocation = { dead: false, vendorWrote: false, die };
      return Promise.race([this.current.run(invocation, () => handler(event, context)), died]);
    };
  };

  /** Puts the crash points into the plane's dependencies: its cluster clients' status writes and its vendor client. */
  install(deps: HandlerDependencies): void {
    const clusters = deps.clusters;
    const views = new Map<Cluster, Cluster>();
    const registry: ClusterRegistry = {
      get: async (id) => {
        const cluster = await clusters.get(id);
        let v = views.get(cluster);
        if (!v) views.set(cluster, (v = this.clusterView(cluster)));
        return v;
      },
    };
    deps.clusters = registry;
    deps.http = this.vendorView(deps.http);
    const onOutcome = deps.onOutcome;
    deps.onOutcome = (msg, failure) => {
      const inv = this.current.getStore();
      if (inv) inv.vendorWrote = false;
      onOutcome?.(msg, failure);
    };
  }

  /** Methods run with the caller's view as `this` (the engine's counting view counts through `this.calls`). */
  private clusterView(cluster: Cluster): Cluster {
    return new Proxy(cluster, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const inv = this.current.getStore();
          if (inv?.dead) return never();
          if (prop === 'patchStatus' && inv?.vendorWrote && this.random() < this.crashChance) {
            inv.dead = true;
            this.crashes++;
            inv.die();
            return never();
          }
          const result = (value as (...a: unknown[]) => unknown).apply(receiver, args);
          if (prop === 'patchStatus') (result as Promise<unknown>).catch((e: { reason?: string }) => void (e?.reason === 'Conflict' && this.statusConflicts++));
          return result;
        };
      },
    });
  }

  private vendorView(http: VendorHttp): VendorHttp {
    return new Proxy(http, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'request' || typeof value !== 'function') return value;
        return async (req: Parameters<VendorHttp['request']>[0]) => {
          const inv = this.current.getStore();
          if (inv?.dead) return never();
          const res = await (value as VendorHttp['request']).call(receiver, req);
          if (req.method !== 'GET' && inv && !inv.dead) inv.vendorWrote = true;
          return res;
        };
      },
    });
  }
}
