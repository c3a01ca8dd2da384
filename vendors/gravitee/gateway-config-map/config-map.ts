import { invalidSpec, permanent } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { CONFIG_MAP, refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { resourceType } from '../../../shared/kube/resources.ts';

/** Where GKO's ConfigMaps live: what an API kind writes through the Kubernetes API (KindDefinition.generates). */
export const ConfigMapType = resourceType(CONFIG_MAP.apiVersion, CONFIG_MAP.kind);

/** The labels the gateway's ConfigMapEventFetcher selects on (`managed-by=gravitee.io`, `gio-type=apidefinitions.gravitee.io`). */
const GATEWAY_LABELS = { 'managed-by': 'gravitee.io', 'gio-type': 'apidefinitions.gravitee.io' } as const;

/** kube-apiserver refuses a ConfigMap whose data exceeds 1 MiB. */
const MAX_DATA_BYTES = 1024 * 1024;

/** What the gateway reads: the definition and, without a ManagementContext, GKO's `DEFAULT` organization and environment. */
export interface GatewayDefinition {
  definition: Record<string, unknown>;
  organizationId?: string;
  environmentId?: string;
  /** v4 definitions say so (`apiDefinitionVersion: 4.0.0`); without it the gateway reads a v2 definition. */
  v4: boolean;
}

/** The ConfigMap GKO writes for an API: named like it, in its namespace, owned by it (garbage collection backs up deletion). */
export function gatewayConfigMap(api: KubeObject, d: GatewayDefinition): KubeObject {
  const definition = JSON.stringify(d.definition);
  const size = Buffer.byteLength(definition);
  if (size > MAX_DATA_BYTES) {
    throw invalidSpec('InvalidSpec', `spec: the gateway definition is ${size} bytes, more than a ConfigMap holds (1 MiB)`);
  }
  return {
    ...CONFIG_MAP,
    metadata: {
      name: api.metadata.name,
      namespace: api.metadata.namespace,
      labels: { ...GATEWAY_LABELS },
      ownerReferences: [{ apiVersion: api.apiVersion, kind: api.kind, name: api.metadata.name, uid: api.metadata.uid ?? '' }],
    },
    data: {
      definition,
      organizationId: d.organizationId || 'DEFAULT',
      environmentId: d.environmentId || 'DEFAULT',
      ...(d.v4 ? { apiDefinitionVersion: '4.0.0' } : {}),
    },
  };
}

/** Whether the ConfigMap belongs to this incarnation of the API (a namesake of the user's is never touched). */
const isOwnedBy = (cm: KubeObject, api: KubeObject) => (cm.metadata.ownerReferences ?? []).some((o) => o.uid === api.metadata.uid);

/**
 * The ConfigMap of one API, read once per sync and written only when it differs from what the gateway should read.
 * Writes are conflict-safe: a create that finds one already there, or a replace whose resourceVersion went stale, is
 * a 409, retried by the queue, and the retry reads it again.
 */
export class GatewayConfigMap {
  private readonly api: KubeObject;
  private readonly ctx: SyncContext;
  private current: Promise<KubeObject | undefined> | undefined;

  constructor(api: KubeObject, ctx: SyncContext) {
    this.api = api;
    this.ctx = ctx;
  }

  private get ref(): ObjectRef {
    return { ...CONFIG_MAP, namespace: this.api.metadata.namespace ?? 'default', name: this.api.metadata.name };
  }

  private read(): Promise<KubeObject | undefined> {
    this.current ??= this.ctx.cluster.get(this.ref);
    return this.current;
  }

  /** True when the gateway reads what `desired` says (undefined: that no ConfigMap of this API exists). */
  async isCurrent(desired: KubeObject | undefined): Promise<boolean> {
    const current = await this.read();
    if (!desired) return !current || !isOwnedBy(current, this.api);
    return !!current && isOwnedBy(current, this.api) && sameContent(current, desired);
  }

  /** Makes the ConfigMap what `desired` says: created, replaced (a hand edit reverted) or, undefined, deleted. */
  async write(desired: KubeObject | undefined): Promise<void> {
    if (!desired) return this.remove();
    const current = await this.read();
    if (!current) {
      await this.ctx.cluster.create(desired);
    } else if (!isOwnedBy(current, this.api)) {
      throw permanent('NameConflict', `ConfigMap ${this.ref.namespace}/${this.ref.name} exists and is not this ${this.api.kind}'s (no ownerReference to it): the gateway definition goes into a ConfigMap named like the API; rename or delete that one`);
    } else if (!sameContent(current, desired)) {
      // Others' labels, annotations and owners are kept; ours and the data are restored.
      await this.ctx.cluster.replace({
        ...current,
        metadata: {
          ...current.metadata,
          labels: { ...current.metadata.labels, ...desired.metadata.labels },
          ownerReferences: current.metadata.ownerReferences,
        },
        data: desired.data,
      });
    }
    this.current = undefined;
  }

  /** Deletes this API's ConfigMap (this incarnation only); the gateway then undeploys the API. Already gone is success. */
  async remove(): Promise<void> {
    const current = await this.read();
    if (current && isOwnedBy(current, this.api)) await this.ctx.cluster.delete(refOf(current), current.metadata.uid);
    this.current = undefined;
  }

  /**
   * Drops the API's ownerReference so garbage collection keeps the ConfigMap once the API is gone: deleting the
   * resource with `apim-sync.io/deletion-policy: orphan` leaves the gateway serving it, as it leaves APIM's API.
   */
  async release(): Promise<void> {
    const current = await this.read();
    if (!current || !isOwnedBy(current, this.api)) return;
    const owners = (current.metadata.ownerReferences ?? []).filter((o) => o.uid !== this.api.metadata.uid);
    await this.ctx.cluster.replace({ ...current, metadata: { ...current.metadata, ownerReferences: owners } });
    this.current = undefined;
  }
}

function sameContent(current: KubeObject, desired: KubeObject): boolean {
  const labels = current.metadata.labels ?? {};
  const data = current.data ?? {};
  const want = desired.data ?? {};
  return (
    Object.entries(desired.metadata.labels ?? {}).every(([k, v]) => labels[k] === v) &&
    Object.keys(data).length === Object.keys(want).length &&
    Object.entries(want).every(([k, v]) => data[k] === v)
  );
}
