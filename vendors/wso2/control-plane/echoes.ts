import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { gatewayKey, selectingGateways } from '../gateway/selection.ts';
import { APIGatewayType, RestApiType } from '../resource-types.ts';
import type { Artifact } from './artifact.ts';
import { CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, type EchoOutcome } from './metadata.ts';
import type { ControlPlaneSession } from './session.ts';

/**
 * The RestApis declared in the cluster that this gateway syncs up to APIM 4.7 (bottom-up), read once per event or
 * resync, to recognise APIM announcing them back: an import deploys a revision to the gateway's environment, and APIM
 * tells the gateway (`api.deployed` with its own id) and lists it in `GET /deployments`, which the gateway treats as
 * an in-place update of the API it synced up (its `cp_artifact_id`). apim-sync writes no second resource for such an
 * artifact: the RestApi is the API.
 */
export class BottomUpApis {
  private readonly key: string;
  private readonly apis: KubeObject[];
  private readonly ctx: SyncContext;
  private gateways: Promise<KubeObject[]> | undefined;

  private constructor(gateway: KubeObject, apis: KubeObject[], ctx: SyncContext) {
    this.key = gatewayKey(gateway);
    this.apis = apis;
    this.ctx = ctx;
  }

  /** Undefined when nothing can be announced back: the control plane is not APIM, or deployment sync is off. */
  static async load(session: ControlPlaneSession, ctx: SyncContext): Promise<BottomUpApis | undefined> {
    if (session.api.endpoint.flavour !== 'apim' || !session.settings.deploymentSyncEnabled) return undefined;
    // Any namespace (an annotation may bind a RestApi to this gateway from anywhere); the control plane's own left out.
    const declared = await ctx.cluster.list(RestApiType, undefined, { labelSelector: `${CP_LABELS.origin}!=${CP_ORIGIN}` });
    return new BottomUpApis(session.gateway, declared, ctx);
  }

  /** The RestApi on this gateway whose status says APIM knows it by this id. */
  byId(artifactId: string): KubeObject | undefined {
    return this.apis.find((a) => apimIdOf(a) === artifactId && a.status?.gateway === this.key);
  }

  /**
   * The RestApi on this gateway (or about to be: its first sync under way) with the artifact's name and version, which
   * APIM identifies an API by (names without case): before its status records APIM's id, an import's announcement is
   * known by what it holds.
   */
  async byContent(artifact: Artifact): Promise<KubeObject | undefined> {
    if (artifact.kind.kind !== 'RestApi') return undefined;
    const name = String(artifact.spec.displayName ?? '').toLowerCase();
    const version = String(artifact.spec.version ?? '');
    if (!name || !version) return undefined;
    const same = this.apis.filter((a) => {
      const spec = (a.spec ?? {}) as { displayName?: unknown; version?: unknown };
      return String(spec.displayName ?? '').toLowerCase() === name && String(spec.version ?? '') === version;
    });
    for (const a of same) if (await this.boundHere(a)) return a;
    return undefined;
  }

  /** As its sync chooses: the gateway annotation, else the gateway its status names, else selection. */
  private async boundHere(api: KubeObject): Promise<boolean> {
    const named = api.metadata.annotations?.[CP_ANNOTATIONS.gateway];
    if (named) return named === this.key;
    if (typeof api.status?.gateway === 'string') return api.status.gateway === this.key;
    this.gateways ??= this.ctx.cluster.list(APIGatewayType);
    const [first] = selectingGateways(await this.gateways, api);
    return first !== undefined && gatewayKey(first) === this.key;
  }
}

/** APIM's id of a RestApi synced up, as its status records it. */
const apimIdOf = (restApi: KubeObject): string | undefined => {
  const id = (restApi.status?.controlPlane as { apiId?: unknown } | undefined)?.apiId;
  return typeof id === 'string' ? id : undefined;
};

/** The echo outcome of a deployment announced back for `restApi`. */
export function echoOf(restApi: KubeObject, d: { artifactId: string; deploymentId: string; performedAt: string }): Omit<EchoOutcome, 'at'> {
  return { deploymentId: d.deploymentId, artifactId: d.artifactId, kind: 'RestApi', performedAt: d.performedAt, resource: `${restApi.metadata.namespace ?? 'default'}/${restApi.metadata.name}` };
}
