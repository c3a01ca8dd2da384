import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
} from '@kubernetes/client-node';
import { transient } from '../engine/errors.ts';
import { CallCounter } from './call-counter.ts';
import type { KubeObject, ObjectRef } from './object-ref.ts';
import { resourceType } from './resources.ts';

export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** One member cluster, as the sync function sees it: typed reads and the few writes the engine makes. */
export class Cluster {
  readonly id: string;
  readonly kubeConfig: KubeConfig;
  readonly calls = new CallCounter();
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(id: string, kubeConfig: KubeConfig) {
    this.id = id;
    this.kubeConfig = kubeConfig;
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.add('get');
    try {
      if (!ref.apiVersion.includes('/')) return asKube(ref, await this.readCore(ref));
      const { group, version, plural } = split(ref);
      return (await this.custom.getNamespacedCustomObject({ group, version, plural, namespace: ref.namespace, name: ref.name })) as KubeObject;
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw kubeError('get', ref, err);
    }
  }

  /** Every object of a kind, in one namespace or (namespace undefined) in all. */
  async list(type: Pick<ObjectRef, 'apiVersion' | 'kind'>, namespace?: string): Promise<KubeObject[]> {
    this.calls.add('list');
    const { group, version, plural } = split(type);
    try {
      const res = (namespace
        ? await this.custom.listNamespacedCustomObject({ group, version, plural, namespace })
        : await this.custom.listClusterCustomObject({ group, version, plural })) as { items: KubeObject[] };
      return res.items.map((o) => ({ ...o, apiVersion: type.apiVersion, kind: type.kind }));
    } catch (err) {
      throw kubeError('list', { ...type, namespace: namespace ?? '', name: '' }, err);
    }
  }

  /** Merge patch of the status subresource. A 409 (stale resourceVersion) is transient: the sync is retried. */
  async patchStatus(ref: ObjectRef, status: Record<string, unknown>, resourceVersion?: string): Promise<KubeObject> {
    this.calls.add('patchStatus');
    const { group, version, plural } = split(ref);
    const body = resourceVersion ? { metadata: { resourceVersion }, status } : { status };
    try {
      return (await this.custom.patchNamespacedCustomObjectStatus(
        { group, version, plural, namespace: ref.namespace, name: ref.name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as KubeObject;
    } catch (err) {
      throw kubeError('patch status of', ref, err);
    }
  }

  /** Merge patch of metadata guarded by resourceVersion, so finalizer edits never overwrite someone else's. */
  async patchMetadata(ref: ObjectRef, metadata: Record<string, unknown>, resourceVersion: string): Promise<KubeObject> {
    this.calls.add('patchMetadata');
    const { group, version, plural } = split(ref);
    try {
      return (await this.custom.patchNamespacedCustomObject(
        { group, version, plural, namespace: ref.namespace, name: ref.name, body: { metadata: { ...metadata, resourceVersion } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )) as KubeObject;
    } catch (err) {
      throw kubeError('patch', ref, err);
    }
  }

  /** Records a Kubernetes Event on the object, as controllers do; never fails a sync. */
  async recordEvent(obj: KubeObject, e: EventRecord, component = 'apim-sync'): Promise<void> {
    this.calls.add('createEvent');
    const now = new Date();
    const ns = obj.metadata.namespace ?? 'default';
    const event: CoreV1Event = {
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
      await this.core.createNamespacedEvent({ namespace: ns, body: event });
    } catch {
      // Events are best effort in Kubernetes too; losing one must not fail or repeat a vendor call.
    }
  }

  private async readCore(ref: ObjectRef): Promise<unknown> {
    switch (ref.kind) {
      case 'Secret':
        return this.core.readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
      case 'ConfigMap':
        return this.core.readNamespacedConfigMap({ name: ref.name, namespace: ref.namespace });
      default:
        throw new Error(`unsupported core kind ${ref.kind}`);
    }
  }
}

function asKube(ref: ObjectRef, o: unknown): KubeObject {
  return { ...(o as KubeObject), apiVersion: ref.apiVersion, kind: ref.kind };
}

function split(t: Pick<ObjectRef, 'apiVersion' | 'kind'>) {
  const [group, version] = t.apiVersion.split('/');
  return { group, version, plural: resourceType(t.apiVersion, t.kind).plural };
}

/** API server failures are transient (409 conflicts, 5xx, network); the message says which call failed. */
function kubeError(verb: string, ref: ObjectRef, err: unknown) {
  const code = err instanceof ApiException ? err.code : undefined;
  const detail = err instanceof ApiException ? statusMessage(err.body) : err instanceof Error ? err.message : String(err);
  const what = `${verb} ${ref.kind} ${ref.namespace}/${ref.name}`;
  if (code === 409) return transient('Conflict', `${what}: conflict, will retry: ${detail}`, { cause: err });
  if (code === 429) return transient('KubernetesThrottled', `${what}: throttled: ${detail}`, { cause: err });
  return transient('KubernetesError', `${what} failed${code ? ` with status ${code}` : ''}: ${detail}`, { cause: err });
}

function statusMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 300);
    } catch {
      return body.slice(0, 300);
    }
  }
  return (body as { message?: string } | undefined)?.message ?? '';
}
