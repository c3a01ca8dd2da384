import type { KubeHttp } from '../../shared/kube/kube-http.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { SyncReason, VendorEvent } from '../../shared/queue/envelope.ts';
import { artifactKindOf, CP_ANNOTATIONS, deploymentMarkOf, matchesArtifact, SYNCED_DEPLOYMENT } from '../../vendors/wso2/control-plane/metadata.ts';
import type { WatcherLog } from '../log.ts';
import type { WatcherMetrics } from '../metrics.ts';
import { objectKey, type ObjectState, type TrackedType } from '../object-state.ts';
import { bottomUpStateOf, gatewayOfResource, type BottomUpState } from './ack-decision.ts';
import { GATEWAY_TIMINGS, type ConnectionTimings } from './connection.ts';
import { GatewayLink, type IntervalOverrides, type LinkState } from './gateway-link.ts';
import { mayHaveControlPlane } from './hook.ts';

export interface ControlPlaneOptions extends IntervalOverrides, Partial<ConnectionTimings> {}

export interface ControlPlanesDeps {
  http: KubeHttp;
  /** The watcher's memory of a synced object (the APIGateway a pointer names, a resource to re-sync). */
  stateOf(key: string): ObjectState | undefined;
  enqueue(state: ObjectState, reason: SyncReason, cause?: string, event?: VendorEvent): void;
  metrics: WatcherMetrics;
  log: WatcherLog;
  options?: ControlPlaneOptions;
}

export type ObservedChange = 'ADDED' | 'MODIFIED' | 'DELETED';

const isGateway = (t: TrackedType) => t.kind === 'APIGateway' && t.apiVersion.startsWith('gateway.api-platform.wso2.com/');
const isData = (t: TrackedType) => t.role === 'data';

/**
 * The WSO2 control-plane connections of a watcher: one GatewayLink per APIGateway that has a control plane, fed with
 * what the watcher sees of APIGateways, of their ConfigMaps and Secrets, of the resources their control planes
 * deployed and of the RestApis synced up to APIM. Holds, besides the links, a few short strings per control-plane
 * resource (the deployment it carries, its generation and digest) and per RestApi APIM knows (its id there and
 * whether it runs).
 */
export class ControlPlanes {
  private readonly deps: ControlPlanesDeps;
  private readonly links = new Map<string, GatewayLink>();
  /** `deploymentId|deployedAt|state` of each control-plane resource, by key. */
  private readonly marks = new Map<string, string>();
  /** `generation|digest` of each control-plane resource, by key: an edit moves the first and not the second. */
  private readonly contents = new Map<string, string>();
  /** RestApis declared in the cluster that APIM knows, by `<namespace>/<name>`. */
  private readonly bottomUp = new Map<string, BottomUpState>();
  private readonly timings: ConnectionTimings;

  constructor(deps: ControlPlanesDeps) {
    this.deps = deps;
    const o = deps.options ?? {};
    this.timings = {
      discoveryTimeoutMs: o.discoveryTimeoutMs ?? GATEWAY_TIMINGS.discoveryTimeoutMs,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? GATEWAY_TIMINGS.handshakeTimeoutMs,
      ackTimeoutMs: o.ackTimeoutMs ?? GATEWAY_TIMINGS.ackTimeoutMs,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? GATEWAY_TIMINGS.heartbeatTimeoutMs,
      heartbeatCheckMs: o.heartbeatCheckMs ?? GATEWAY_TIMINGS.heartbeatCheckMs,
    };
    deps.metrics.controlPlaneConnections = () => {
      const out: Partial<Record<LinkState, number>> = {};
      for (const l of this.links.values()) out[l.state] = (out[l.state] ?? 0) + 1;
      return out as Record<string, number>;
    };
  }

  observe(type: TrackedType, obj: KubeObject, change: ObservedChange): void {
    if (isGateway(type)) return this.gatewayChanged(type, obj, change);
    if (isData(type)) {
      const key = objectKey(type.apiVersion, type.kind, obj.metadata.namespace ?? '', obj.metadata.name);
      for (const link of this.links.values()) if (link.dataKeys.has(key)) link.dataChanged();
      return;
    }
    if (artifactKindOf(type.kind) && type.apiVersion.startsWith('gateway.api-platform.wso2.com/')) this.resourceChanged(type, obj, change);
  }

  /** A list of APIGateways completed: links of gateways the watcher no longer holds (deleted while it was away) close. */
  listDone(type: TrackedType): void {
    if (!isGateway(type)) return;
    for (const [ref, link] of this.links) {
      if (this.deps.stateOf(objectKey(type.apiVersion, type.kind, link.namespace, link.name))) continue;
      this.links.delete(ref);
      void link.stop();
    }
  }

  async stop(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((l) => l.stop()));
  }

  private gatewayChanged(type: TrackedType, obj: KubeObject, change: ObservedChange): void {
    const ns = obj.metadata.namespace ?? '';
    const ref = `${ns}/${obj.metadata.name}`;
    let link = this.links.get(ref);
    if (change === 'DELETED' || obj.metadata.deletionTimestamp) {
      if (!link) return;
      this.links.delete(ref);
      this.deps.log.info('APIGateway gone or going; closing its control-plane connection', { gateway: obj.metadata.name, namespace: ns });
      void link.stop();
      return;
    }
    if (!link) {
      if (!mayHaveControlPlane(obj)) return;
      const gatewayKey = objectKey(type.apiVersion, type.kind, ns, obj.metadata.name);
      link = new GatewayLink(obj, {
        http: this.deps.http,
        metrics: this.deps.metrics,
        log: this.deps.log,
        timings: this.timings,
        overrides: this.deps.options ?? {},
        bottomUpState: (resource) => this.bottomUp.get(resource),
        forward: (event, cause) => {
          const st = this.deps.stateOf(gatewayKey);
          if (st) this.deps.enqueue(st, 'vendor-event', cause, event);
          else this.deps.log.warn('control-plane event for an APIGateway the watcher does not hold; dropped', { gateway: obj.metadata.name, namespace: ns, type: event.type });
        },
      });
      this.links.set(ref, link);
      return;
    }
    link.update(obj);
  }

  private resourceChanged(type: TrackedType, obj: KubeObject, change: ObservedChange): void {
    const key = objectKey(type.apiVersion, type.kind, obj.metadata.namespace ?? '', obj.metadata.name);
    const gateway = gatewayOfResource(obj);
    if (change === 'DELETED' || !gateway) {
      this.marks.delete(key);
      this.contents.delete(key);
      if (type.kind === 'RestApi') this.restApiChanged({ ...obj, kind: type.kind }, change);
      return;
    }
    const mark = deploymentMarkOf(obj) ?? '';
    const before = this.marks.get(key);
    this.marks.set(key, mark);
    // Another deployment (or an undeployment) of the same spec moves no generation: the watcher's filter skips it, so
    // the resource is forwarded here when its deployment changes, or, at first sight (a restarted watcher), when its
    // status says its sync pushed another one.
    const behind = before === undefined ? obj.status?.[SYNCED_DEPLOYMENT] !== undefined && obj.status?.[SYNCED_DEPLOYMENT] !== mark : before !== mark;
    if (behind && !obj.metadata.deletionTimestamp) {
      const st = this.deps.stateOf(key);
      if (st) this.deps.enqueue(st, 'spec-changed', `deployment:${mark}`.slice(0, 300));
    }
    const link = this.links.get(gateway);
    if (this.edited(key, obj)) link?.resourceEdited({ ...obj, kind: type.kind });
    link?.resourceSeen(obj);
  }

  /**
   * Whether this version of a control-plane resource is an edit: its generation moved while its digest did not (the
   * function's own writes bring a new digest, or content that matches it) and its content no longer matches that
   * digest. Not at first sight: a (re)started watcher's connection starts with a resync, which finds those.
   */
  private edited(key: string, obj: KubeObject): boolean {
    const digest = (obj.metadata.annotations?.[CP_ANNOTATIONS.artifactDigest] ?? '').slice(0, 24);
    const now = `${obj.metadata.generation ?? ''}|${digest}`;
    const before = this.contents.get(key);
    this.contents.set(key, now);
    if (before === undefined || before === now || obj.metadata.deletionTimestamp) return false;
    const [generation, was] = before.split('|');
    return generation !== String(obj.metadata.generation ?? '') && was === digest && !matchesArtifact(obj);
  }

  /** A RestApi not written by a control plane: what its echoes' acks need is kept, and its links told. */
  private restApiChanged(obj: KubeObject, change: ObservedChange): void {
    const resource = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const state = change === 'DELETED' ? undefined : bottomUpStateOf(obj);
    const before = this.bottomUp.get(resource);
    if (state) this.bottomUp.set(resource, state);
    else this.bottomUp.delete(resource);
    if (state && before?.apiId === state.apiId && before.running === state.running) return;
    for (const link of this.links.values()) link.bottomUpSeen(resource, state);
  }
}
