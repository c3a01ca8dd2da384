import { httpFailure, type VendorHttp, type VendorRequest, type VendorResponse } from '../../shared/vendor-http/vendor-http.ts';
import { permanent } from '../../shared/engine/errors.ts';

/** A ManagementContext with its credentials resolved: everything needed to call one APIM org/env. */
export interface ResolvedContext {
  baseUrl: string;
  organizationId: string;
  environmentId: string;
  /** `/management` and `/automation` by default, `/apim/rest` and `/apim/automation` on Gravitee Cloud; GKO's `spec.path` replaces both. */
  managementPath: string;
  automationPath: string;
  auth: { bearerToken: string } | { username: string; password: string } | undefined;
  /** A digest of the credentials, used as the key of last-applied hashes (never the credentials themselves). */
  credentialKey: string;
}

/** The APIM endpoints apim-sync calls, addressed as GKO addresses them. */
export class ManagementApi {
  readonly context: ResolvedContext;
  private readonly http: VendorHttp;
  constructor(context: ResolvedContext, http: VendorHttp) {
    this.context = context;
    this.http = http;
  }

  private prefix(path: string): string {
    return `${this.context.baseUrl.replace(/\/+$/, '')}${path}`;
  }
  private scope(): string {
    return `/organizations/${encodeURIComponent(this.context.organizationId)}/environments/${encodeURIComponent(this.context.environmentId)}`;
  }
  /** `{B}/management/v2/organizations/{org}/environments/{env}` */
  environmentV2(): string {
    return `${this.prefix(this.context.managementPath)}/v2${this.scope()}`;
  }
  /** `{B}/management/organizations/{org}/environments/{env}` (v1, for v2 API definitions) */
  environmentV1(): string {
    return `${this.prefix(this.context.managementPath)}${this.scope()}`;
  }
  /** `{B}/automation/organizations/{org}/environments/{env}` */
  automation(): string {
    return `${this.prefix(this.context.automationPath)}${this.scope()}`;
  }

  /** Sends a request; statuses in `accept` are returned, any other becomes a classified sync error. */
  async call(method: VendorRequest['method'], url: string, opts: { json?: unknown; accept?: number[] } = {}): Promise<VendorResponse> {
    const req: VendorRequest = { method, url, json: opts.json, headers: this.authorization() };
    const res = await this.http.request(req);
    const accept = opts.accept ?? [200, 201, 204];
    if (accept.includes(res.status)) return res;
    if (res.status === 401) {
      throw permanent('Unauthorized', `${httpFailure(req, res).message} — check the ManagementContext credentials`);
    }
    throw httpFailure(req, res);
  }

  private authorization(): Record<string, string> {
    const auth = this.context.auth;
    if (!auth) return {};
    // A non-empty bearer token wins over basic credentials, as in GKO.
    if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
}
