// What watcher.ts loads of the control-plane component: a gate that loads the rest (the values parser, the links, and
// with the first connection `ws`) only when an APIGateway that may have a control plane appears. A cluster without
// one never pays for it.
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { errorFields } from '../log.ts';
import type { TrackedType } from '../object-state.ts';
// Types only: erased, so importing them loads nothing.
import type { ControlPlaneOptions, ControlPlanes, ControlPlanesDeps, ObservedChange } from './control-planes.ts';

export type { ControlPlaneOptions };

/** While the component loads (a few milliseconds), what the watcher sees is kept, then replayed in order. */
const MAX_BUFFERED = 10_000;

export class ControlPlaneHook {
  private readonly deps: ControlPlanesDeps;
  private planes: ControlPlanes | undefined;
  private loading: Promise<void> | undefined;
  private buffer: Array<() => void> = [];
  private stopped = false;

  constructor(deps: ControlPlanesDeps) {
    this.deps = deps;
  }

  /** Every list item and watch event of the synced kinds, Secrets and ConfigMaps, after the tracker took it. */
  observe(type: TrackedType, obj: KubeObject, change: ObservedChange): void {
    if (this.stopped) return;
    if (this.planes) return this.planes.observe(type, obj, change);
    if (this.loading) {
      if (this.buffer.length < MAX_BUFFERED) this.buffer.push(() => this.planes?.observe(type, obj, change));
      return;
    }
    if (type.kind === 'APIGateway' && change !== 'DELETED' && mayHaveControlPlane(obj)) {
      this.buffer.push(() => this.planes?.observe(type, obj, change));
      this.loading = this.load();
    }
  }

  listDone(type: TrackedType): void {
    if (this.planes) this.planes.listDone(type);
    else if (this.loading) this.buffer.push(() => this.planes?.listDone(type));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loading;
    await this.planes?.stop();
  }

  private async load(): Promise<void> {
    try {
      const { ControlPlanes } = await import('./control-planes.ts');
      if (this.stopped) return;
      this.planes = new ControlPlanes(this.deps);
      this.deps.log.info('control-plane component loaded: an APIGateway names a control plane');
      for (const replay of this.buffer.splice(0)) replay();
    } catch (err) {
      this.deps.log.error('could not load the control-plane component', errorFields(err));
    }
  }
}

/** An APIGateway whose configuration may name a control plane: in its spec, or in the values its configRef holds. */
export function mayHaveControlPlane(obj: KubeObject): boolean {
  const spec = (obj.spec ?? {}) as { controlPlane?: { host?: unknown }; configRef?: { name?: unknown } };
  return Boolean((typeof spec.controlPlane?.host === 'string' && spec.controlPlane.host.trim()) || (typeof spec.configRef?.name === 'string' && spec.configRef.name));
}
