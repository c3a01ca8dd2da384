import { CREATE_PENDING } from '../../shared/engine/metadata-keys.ts';
import type { ExternalStatus, SyncContext } from '../../shared/engine/kind.ts';
import { refOf, type KubeObject } from '../../shared/kube/object-ref.ts';

type Json = Record<string, any>;

/**
 * Crossplane's external-create-pending for the kinds whose gateway object gets a gateway-issued UUID (plans,
 * subscriptions, certificates): before the POST the resource is annotated (when, and a fingerprint of what is being
 * created); once the POST answered, the id goes into status and the annotation is removed. A crash between the POST
 * and that status write leaves the annotation, which tells the next sync that the gateway may hold an object this
 * resource created: it is looked up by its natural key and adopted, never created a second time.
 */
export class CreatePending {
  private live: KubeObject;
  private readonly ctx: SyncContext;

  constructor(object: KubeObject, ctx: SyncContext) {
    this.live = object;
    this.ctx = ctx;
  }

  /** The pending create a previous sync left, if any: when it started and the fingerprint of what it created. */
  get pending(): { at: string; fingerprint?: string } | undefined {
    const v = this.live.metadata.annotations?.[CREATE_PENDING];
    if (!v) return undefined;
    const [at, fingerprint] = v.split(' ');
    return { at, ...(fingerprint ? { fingerprint } : {}) };
  }

  /** Runs the create with the annotation set around it; the id it returns is in status before the annotation goes. */
  async create(fingerprint: string | undefined, post: () => Promise<Json>, status: (created: Json) => ExternalStatus): Promise<ExternalStatus> {
    if (!this.pending) await this.annotate(`${new Date().toISOString()}${fingerprint ? ` ${fingerprint}` : ''}`);
    const created = await post();
    return this.adopted(status(created));
  }

  /** Records an adopted or created object's status (its id) at once, then clears a pending create. */
  async adopted(status: ExternalStatus): Promise<ExternalStatus> {
    if (!this.pending) return status;
    this.live = await this.ctx.cluster.patchStatus(refOf(this.live), status, this.live.metadata.resourceVersion);
    await this.annotate(null);
    return status;
  }

  private async annotate(value: string | null): Promise<void> {
    this.live = await this.ctx.cluster.patchMetadata(refOf(this.live), { annotations: { [CREATE_PENDING]: value } }, this.live.metadata.resourceVersion ?? '');
  }
}
