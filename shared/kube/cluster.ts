import type { KubeConfig } from '@kubernetes/client-node';
import { transient } from '../engine/errors.ts';
import { CallCounter } from './call-counter.ts';
import { resolveConnection, type KubeConnection, type KubeEndpoint } from './connection.ts';
import { KubeApiError, KubeHttp } from './kube-http.ts';
import { refOf, type KubeObject, type ObjectRef } from './object-ref.ts';
import { resourcePath } from './resources.ts';

export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * One member cluster, as the sync function sees it: typed reads and the few writes the engine makes, over the
 * Kubernetes REST API directly (client-node would add a third of a second to every cold start).
 */
export class Cluster {
  readonly id: string;
  readonly calls = new CallCounter();
  private readonly http: Promise<KubeHttp>;
  private readonly conn: Promise<KubeConnection>;

  /** A client-node KubeConfig (local runs, tests) or an endpoint from the cluster registry. */
  constructor(id: string, access: KubeConfig | KubeEndpoint, requestTimeoutMs = 15_000) {
    this.id = id;
    this.conn = resolveConnection(access);
    this.http = this.conn.then((conn) => new KubeHttp(conn, requestTimeoutMs, 'apim-sync-sync'));
    this.http.catch(() => {}); // surfaced by the first call
  }

  /** The connection to this cluster's API server, for calls that go through it to a pod (shared/kube/api-server-transport.ts). */
  connection(): Promise<KubeConnection> {
    return this.conn;
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.add('get');
    try {
      const o = await (await this.http).send<KubeObject>('GET', resourcePath(ref, ref.namespace, ref.name));
      return { ...o, apiVersion: ref.apiVersion, kind: ref.kind };
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw kubeError('get', ref, err);
    }
  }

  /** Every object of a kind, in one namespace or (namespace undefined) in all; pages through long lists. */
  async list(type: Pick<ObjectRef, 'apiVersion' | 'kind'>, namespace?: string, opts: { labelSelector?: string } = {}): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    try {
      do {
        this.calls.add('list');
        const page = await (await this.http).send<{ items: KubeObject[]; metadata?: { continue?: string } }>('GET', resourcePath(type, namespace), { limit: 500, continue: cont, labelSelector: opts.labelSelector });
        for (const o of page.items) items.push({ ...o, apiVersion: type.apiVersion, kind: type.kind });
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return items;
    } catch (err) {
      throw kubeError('list', { ...type, namespace: namespace ?? '', name: '' }, err);
    }
  }

  /** Merge patch of the status subresource, guarded by resourceVersion when given (a stale one is a 409, retried). */
  patchStatus(ref: ObjectRef, status: Record<string, unknown>, resourceVersion?: string): Promise<KubeObject> {
    const json = resourceVersion ? { metadata: { resourceVersion }, status } : { status };
    return this.write('patchStatus', 'patch status of', ref, 'PATCH', `${objectPath(ref)}/status`, json, MERGE_PATCH);
  }

  /** Merge patch of metadata guarded by resourceVersion, so finalizer edits never overwrite someone else's. */
  patchMetadata(ref: ObjectRef, metadata: Record<string, unknown>, resourceVersion: string): Promise<KubeObject> {
    return this.write('patchMetadata', 'patch', ref, 'PATCH', objectPath(ref), { metadata: { ...metadata, resourceVersion } }, MERGE_PATCH);
  }

  /** Merge patch of an object's data (a Secret's generated credentials, written back as the vendor's operator does). */
  patchData(ref: ObjectRef, data: Record<string, string>): Promise<KubeObject> {
    return this.write('patchData', 'patch', ref, 'PATCH', objectPath(ref), { data }, MERGE_PATCH);
  }

  /**
   * Creates an object the engine owns (a Tenant's credentials Secret, an OpenAPI's Product and Backend). A 409 means
   * it exists already: transient, so a redelivery finds it with `get` and converges it instead.
   */
  create(obj: KubeObject): Promise<KubeObject> {
    const ref = refOf(obj);
    return this.write('create', 'create', ref, 'POST', resourcePath(ref, ref.namespace), obj);
  }

  /** Replaces an object whole (PUT), guarded by the resourceVersion it carries: what someone else changed is reverted. */
  replace(obj: KubeObject): Promise<KubeObject> {
    const ref = refOf(obj);
    return this.write('replace', 'replace', ref, 'PUT', objectPath(ref), obj);
  }

  /**
   * Deletes an object (a one-shot ProxyConfigPromote with deleteCR); already gone is success. With `uid`, only that
   * incarnation is deleted, never a newer object that took the same name.
   */
  async delete(ref: ObjectRef, uid?: string): Promise<void> {
    const json = { kind: 'DeleteOptions', apiVersion: 'v1', ...(uid ? { preconditions: { uid } } : {}) };
    this.calls.add('delete');
    try {
      await (await this.http).send('DELETE', objectPath(ref), {}, { json });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return;
      throw kubeError('delete', ref, err);
    }
  }

  /** One counted write; a failure becomes a transient SyncError naming the call (see kubeError). */
  private async write(counted: string, verb: string, ref: ObjectRef, method: string, path: string, json: unknown, contentType?: string): Promise<KubeObject> {
    this.calls.add(counted);
    try {
      return await (await this.http).send<KubeObject>(method, path, {}, { json, contentType });
    } catch (err) {
      throw kubeError(verb, ref, err);
    }
  }

  /** Records a Kubernetes Event on the object, as controllers do; never fails a sync. */
  async recordEvent(obj: KubeObject, e: EventRecord, component = 'apim-sync'): Promise<void> {
    this.calls.add('createEvent');
    const now = new Date().toISOString();
    const ns = obj.metadata.namespace ?? 'default';
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${obj.metadata.name}.`, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: ns,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type: e.type,
      reason: e.reason,
      message: e.message.slice(0, 1024),
      source: { component },
      reportingComponent: component,
      reportingInstance: component,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await (await this.http).send('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/events`, {}, { json: event });
    } catch {
      // Events are best effort in Kubernetes too; losing one must not fail or repeat a vendor call.
    }
  }
}

const objectPath = (ref: ObjectRef) => resourcePath(ref, ref.namespace, ref.name);

/** API server failures are transient (409 conflicts, 5xx, network); the message says which call failed. */
function kubeError(verb: string, ref: ObjectRef, err: unknown) {
  const code = err instanceof KubeApiError ? err.status : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  const what = `${verb} ${ref.kind} ${ref.namespace}/${ref.name}`;
  if (code === 409) return transient('Conflict', `${what}: conflict, will retry: ${detail}`, { cause: err });
  if (code === 429) return transient('KubernetesThrottled', `${what}: throttled: ${detail}`, { cause: err });
  // A token or a role the cluster does not (or no longer) accept: the registry entry or the cluster's access is at fault.
  if (code === 401) return transient('KubernetesUnauthorized', `${what}: the cluster refused the sync function's credentials (401); check its registry entry, or for EKS the access entry of the function's role: ${detail}`, { cause: err });
  return transient('KubernetesError', `${what} failed: ${detail}`, { cause: err });
}
