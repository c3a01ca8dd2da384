import * as z from 'zod';
import { permanent } from '../../../shared/engine/errors.ts';
import { httpFailure, type VendorRequest, type VendorResponse, type VendorTls, type VendorTransport } from '../../../shared/vendor-http/vendor-http.ts';
import { filesFromBatch, yamlFromZip, type BatchFile } from './archives.ts';
import type { Discovered } from './discovery.ts';
import type { ArtifactKind } from './metadata.ts';

/** Where one gateway's control plane is and how it is called: the registration token in `api-key`, its own TLS. */
export interface ControlPlaneEndpoint extends Discovered {
  token: string;
  tls?: VendorTls;
}

/** One entry of `GET /deployments` (GatewayDeploymentInfo). */
export const RemoteDeployment = z.object({
  artifactId: z.string().min(1),
  deploymentId: z.string().min(1),
  kind: z.string(),
  /** DEPLOYED or UNDEPLOYED (the gateway compares without case). */
  state: z.string(),
  deployedAt: z.string().optional().nullable(),
  etag: z.string().optional(),
});
export type RemoteDeployment = z.infer<typeof RemoteDeployment>;

/** GatewaySubscriptionPlanInfo. */
export const RemotePlan = z.object({
  id: z.string().min(1),
  planName: z.string().min(1),
  billingPlan: z.string().optional().nullable(),
  stopOnQuotaReach: z.boolean().optional(),
  throttleLimitCount: z.number().int().optional().nullable(),
  throttleLimitUnit: z.string().optional().nullable(),
  expiryTime: z.string().optional().nullable(),
  status: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type RemotePlan = z.infer<typeof RemotePlan>;

/** GatewaySubscriptionInfo: carries the subscription token, which never leaves this process but into a Secret. */
export const RemoteSubscription = z.object({
  id: z.string().min(1),
  apiId: z.string().min(1),
  applicationId: z.string().optional().nullable(),
  subscriptionToken: z.string().min(1),
  subscriptionPlanId: z.string().optional().nullable(),
  status: z.string().optional(),
  billingCustomerId: z.string().optional().nullable(),
  billingSubscriptionId: z.string().optional().nullable(),
  updatedAt: z.string().optional(),
});
export type RemoteSubscription = z.infer<typeof RemoteSubscription>;

/** InternalAPIKeyItem: hashes only, never the key. */
export const RemoteApiKey = z.object({
  uuid: z.string().min(1),
  name: z.string().min(1),
  artifactUuid: z.string().min(1),
  status: z.string().optional(),
  maskedApiKey: z.string().optional(),
});
export type RemoteApiKey = z.infer<typeof RemoteApiKey>;

/**
 * The control plane's internal REST API (`platform-api/resources/gateway-internal-api.yaml`; APIM 4.7 serves the same
 * paths under its own base), as the gateway calls it, through VendorHttp (timeouts, address policy, per-call TLS).
 */
export class InternalApi {
  readonly endpoint: ControlPlaneEndpoint;
  private readonly http: VendorTransport;

  constructor(http: VendorTransport, endpoint: ControlPlaneEndpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  /** What should be on the gateway: every deployment, deployed or undeployed (full list, no `since`). */
  async deployments(): Promise<Listed<RemoteDeployment>> {
    const res = await this.call({ method: 'GET', url: this.url('/deployments') });
    const body = z.object({ deployments: z.array(z.unknown()).nullable().optional() }).safeParse(res.body);
    if (!body.success) throw permanent('ControlPlaneError', `GET ${this.url('/deployments')}: not a deployments list`);
    return listOf(RemoteDeployment, body.data.deployments ?? []);
  }

  /** The artifacts of these deployments: `POST /deployments/fetch-batch`, one tar.gz (never called with none). */
  async fetchBatch(deploymentIds: string[]): Promise<BatchFile[]> {
    if (deploymentIds.length === 0) return [];
    const res = await this.call({
      method: 'POST',
      url: this.url('/deployments/fetch-batch'),
      headers: { accept: 'application/x-tar+gzip' },
      json: { deploymentIds },
      responseType: 'buffer',
    });
    return filesFromBatch(res.body as Buffer);
  }

  /** One artifact's YAML (`GET /apis/{id}` and siblings, a zip); undefined when the control plane no longer has it. */
  async artifact(kind: ArtifactKind, id: string): Promise<string | undefined> {
    const res = await this.call({ method: 'GET', url: this.url(`/${kind.restPath}/${encodeURIComponent(id)}`), headers: { accept: 'application/zip' }, responseType: 'buffer' }, [404]);
    if (res.status === 404) return undefined;
    return yamlFromZip(res.body as Buffer);
  }

  async subscriptionPlans(): Promise<Listed<RemotePlan>> {
    const res = await this.call({ method: 'GET', url: this.url('/subscription-plans') });
    return listOf(RemotePlan, res.body);
  }

  /** An API's subscriptions; undefined when the control plane says the API is not deployed on this gateway (403/404). */
  async subscriptions(apiId: string): Promise<Listed<RemoteSubscription> | undefined> {
    const res = await this.call({ method: 'GET', url: this.url(`/apis/${encodeURIComponent(apiId)}/subscriptions`) }, [403, 404]);
    if (res.status === 403 || res.status === 404) return undefined;
    return listOf(RemoteSubscription, res.body);
  }

  /** The API keys of the gateway's artifacts of one kind (`/apis/api-keys`, `/llm-providers/api-keys`, `/llm-proxies/api-keys`). */
  async apiKeys(restPath: 'apis' | 'llm-providers' | 'llm-proxies'): Promise<Listed<RemoteApiKey>> {
    const res = await this.call({ method: 'GET', url: this.url(`/${restPath}/api-keys`) });
    return listOf(RemoteApiKey, res.body);
  }

  /**
   * Which of these artifacts still exist on the platform (`POST /artifacts/exists`, Platform API only): one without a
   * deployment that still exists keeps its subscriptions, as the gateway keeps it.
   */
  async artifactsExist(artifactIds: string[]): Promise<Set<string>> {
    if (artifactIds.length === 0) return new Set();
    const res = await this.call({ method: 'POST', url: this.url('/artifacts/exists'), json: { artifactIds } });
    const body = z.object({ artifacts: z.array(z.object({ artifactId: z.string(), exists: z.boolean() })) }).safeParse(res.body);
    if (!body.success) throw permanent('ControlPlaneError', `POST ${this.url('/artifacts/exists')}: not an existence list`);
    return new Set(body.data.artifacts.filter((a) => a.exists).map((a) => a.artifactId));
  }

  private url(path: string): string {
    return `${this.endpoint.restBase}${path}`;
  }

  /** One authenticated call; a status outside 2xx (and `accepted`) is a classified error, never showing the token. */
  private async call(req: VendorRequest, accepted: number[] = []): Promise<VendorResponse> {
    const res = await this.http.request({
      ...req,
      headers: { accept: 'application/json', ...req.headers, 'api-key': this.endpoint.token },
      ...(this.endpoint.tls ? { tls: this.endpoint.tls } : {}),
    });
    if ((res.status >= 200 && res.status < 300) || accepted.includes(res.status)) return res;
    if (res.status === 401) {
      throw permanent('Unauthorized', `the control plane refused the gateway's registration token (${req.method} ${req.url}: 401); put a valid token in the token Secret`);
    }
    // A binary answer's error body is JSON all the same; read it as text for the message.
    const body = Buffer.isBuffer(res.body) ? parseJson(res.body.toString('utf8')) : res.body;
    throw httpFailure(req, { ...res, body }, 'ControlPlaneError');
  }
}

/**
 * The entries of a list apim-sync can read. An entry it cannot read is skipped rather than failing everything, but the
 * list is then not `complete`: nothing may be deleted for being absent from it (the unread entry may be that one).
 */
export interface Listed<T> {
  items: T[];
  complete: boolean;
}

function listOf<T>(schema: z.ZodType<T>, body: unknown): Listed<T> {
  if (!Array.isArray(body)) throw permanent('ControlPlaneError', 'the control plane answered a list call with something else than a list');
  const items: T[] = [];
  for (const item of body) {
    const r = schema.safeParse(item);
    if (r.success) items.push(r.data);
  }
  return { items, complete: items.length === body.length };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
