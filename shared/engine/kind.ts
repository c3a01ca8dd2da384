import type { z } from 'zod';
import type { Cluster } from '../kube/cluster.ts';
import type { KubeObject, ObjectRef } from '../kube/object-ref.ts';
import type { ResourceType } from '../kube/resources.ts';
import type { VendorHttp } from '../vendor-http/vendor-http.ts';
import type { Logger } from '../log.ts';
import type { VendorEvent } from '../queue/envelope.ts';
import type { ConditionPolicy } from './condition-policy.ts';
import type { Ownership } from './ownership.ts';

/**
 * An object read while syncing. `mutual`: the referenced object also waits for this one (a DeveloperAccount signs up
 * with its admin DeveloperUser, which references it), so it hears when this one appears, changes, becomes Ready or goes.
 */
export interface DependencyRef extends ObjectRef {
  mutual?: boolean;
}

/** What the watcher needs of a kind: where it lives and what it depends on. Pure, light, no vendor client. */
export interface WatchedKind extends ResourceType {
  /** Objects this one reads while syncing (a context, a Secret, a template source). */
  references(obj: KubeObject): DependencyRef[];
  /**
   * Other names under which objects reference this one (a 3scale Backend by its system name, which Products use):
   * users of an alias hear of this object as its direct users do.
   */
  aliases?(obj: KubeObject): ObjectRef[];
  /**
   * What an object of this kind waits for of the watched objects it owns (their ownerReferences name it, while it
   * cannot name them in its references). `changes`, the default: its sync reads them (a 3scale OpenAPI is Synced once
   * the Product it generated is), so it hears when one appears, changes, becomes Ready or goes. `removal`: only its
   * deletion waits for them (an APIGateway deletes what its control plane deployed, then waits until it is gone), so
   * it hears when one goes while it is being deleted, and nothing of their changes.
   */
  waitsForOwned?: 'changes' | 'removal';
}

/** One vendor object across the fleet. `scope` + `type` + `id` must be equal exactly when the object is the same. */
export interface VendorObjectIdentity {
  vendor: 'gravitee' | '3scale' | 'wso2';
  /** Where the object lives: the APIM organization and environment, the 3scale admin portal, the gateway or APIM URL. */
  scope: string;
  /** The vendor's type of object (`api`, `application`, `backend`, `product`…). */
  type: string;
  /** Its id within scope and type as resources name it (an hrid, a system name, a name and version). */
  id: string;
}

/** Status fields the vendor reports (ids, state, plans); the engine adds conditions and observedGeneration. */
export type ExternalStatus = Record<string, unknown>;

export interface Observation {
  exists: boolean;
  /** True when the vendor object already matches the desired state: nothing is written. */
  upToDate: boolean;
  status?: ExternalStatus;
  /**
   * What the sync found that the user should read in its conditions but that is no state to keep (why this gateway
   * was chosen, how it was reached), by name: the engine hands it to the condition policy (SyncOutcome.notes) only.
   */
  notes?: Record<string, string>;
}

/**
 * The vendor side of one object, crossplane style. Every method is idempotent: the queue delivers at least once,
 * and a sync may crash between any two calls.
 */
export interface ExternalClient {
  /**
   * The vendor object this client writes, named as any resource that writes it would name it (the same APIM
   * environment and hrid, the same 3scale admin and system name): the key of its ownership record, so that of two
   * resources in the fleet that name one vendor object only one writes it (README, "Running a fleet"). Unset for a
   * kind that writes no vendor object of its own (an ApiResource, a Notification).
   */
  identity?: VendorObjectIdentity;
  /**
   * What connecting noted for the user's eyes (a reference skipped while resolving), known before any vendor call:
   * the engine hands it to the condition policy even when it writes without observing (idempotentUpsert).
   */
  notes?: Record<string, string>;
  observe(): Promise<Observation>;
  create(): Promise<ExternalStatus>;
  update(): Promise<ExternalStatus>;
  /**
   * Removes the vendor object; an object already gone is success. May return what the user should know about how
   * the vendor removes it (3scale schedules a tenant's deletion for 15 days later): the engine puts it in the
   * deletion's status message and event.
   */
  delete(): Promise<string | void>;
}

export interface SyncContext {
  cluster: Cluster;
  http: VendorHttp;
  log: Logger;
  /** Reads a Secret's or ConfigMap's data (decoded). Undefined when it does not exist. */
  readData(ref: ObjectRef): Promise<Record<string, string> | undefined>;
  /**
   * Values this sync must keep out of every message: what templates rendered from Secrets (renderTemplates adds them)
   * and what a kind declares secret (a Subscription's API keys). The engine takes them out of the error it records,
   * so no condition, event or log line carries them, even when the vendor quotes the request in a refusal.
   */
  secrets: Set<string>;
  /**
   * Sends the object to the changes queue (reason `drift`) instead of writing: what a resync in step does when it finds
   * the vendor object drifted, since a change of the object may be syncing on the other queue at that moment.
   */
  handOver?(object: KubeObject, cause: string): Promise<void>;
  /** Counts, into this sync's usage record, a vendor call that does not go through `http` (one carried by the API server). */
  countVendorCall?(verb: string): void;
  /** Who owns which vendor object across the fleet (shared/engine/ownership.ts); unset: no records are kept. */
  ownership?: Ownership;
}

/** A spec after templates were rendered and the schema accepted it. */
export interface Desired<Spec> {
  object: KubeObject;
  spec: Spec;
}

/** Everything particular to one kind. The engine owns finalizers, conditions, retries and events. */
export interface KindDefinition<Spec = unknown> extends WatchedKind {
  /** Validates the rendered spec; its issues name the field. */
  schema: z.ZodType<Spec>;
  /** Resolves references and credentials, then returns the client for this object. */
  connect(desired: Desired<Spec>, ctx: SyncContext): Promise<ExternalClient>;
  /** Objects that must be gone before this one may be deleted (e.g. users of a ManagementContext). */
  deletionBlockers?(object: KubeObject, ctx: SyncContext): Promise<ObjectRef[]>;
  /**
   * True when create and update are one idempotent upsert (Gravitee's PUT by hrid): when the spec moved since the
   * last successful sync, the engine writes without observing first, saving a vendor round trip. Kinds whose create
   * is not idempotent (3scale) leave it unset and are always observed first.
   */
  idempotentUpsert?: boolean;
  /**
   * An action rather than a state (3scale's ProxyConfigPromote): once Ready, the engine never acts on the object again,
   * so later generations are not applied (its Ready condition keeps the generation it acted on) and resyncs call no
   * vendor. It carries no finalizer: there is nothing to undo when it is deleted. With `deleteWhenDone` true for the
   * object, the engine deletes the resource after the success (also when a crash interrupted that deletion).
   */
  oneShot?: { deleteWhenDone?(object: KubeObject): boolean };
  /**
   * Resources of other kinds it writes through the Kubernetes API (an OpenAPI creates, keeps as generated and
   * deletes one Backend and one Product): the sync function's RBAC grants create, update and delete on them.
   */
  generates?: ResourceType[];
  /**
   * Runs when the object is deleted with `apim-sync.io/deletion-policy: orphan`, before its finalizer goes: what it
   * generated keeps its vendor objects too (an OpenAPI annotates its Product and Backend, which Kubernetes then deletes).
   */
  orphan?(object: KubeObject, ctx: SyncContext): Promise<void>;
  /**
   * Handles what the vendor said about the object outside Kubernetes (a WSO2 control plane deployed an API for an
   * APIGateway, relayed by the watcher's connection): the event names the vendor object, the handler fetches it.
   * Called with the object as read; an object being deleted, or gone, gets no events. Idempotent, as every sync:
   * the queue delivers at least once. Errors are retried by class like a sync's, without conditions: the handler
   * records in status what the user must see. It answers `'sync'` when what it recorded changes what the object's
   * sync concludes (the watcher's report on a WSO2 connection feeds the APIGateway's ControlPlaneConnected): the
   * engine then syncs the object at once, so its conditions have one writer.
   */
  events?(event: VendorEvent, object: KubeObject, ctx: SyncContext): Promise<'sync' | void>;
  /** Status fields written on failure besides conditions (GKO's processingStatus: Failed). */
  failureStatus?: ExternalStatus;
  /** The conditions written after a sync, as the vendor's operator writes them (always with Ready). */
  conditions: ConditionPolicy;
}
