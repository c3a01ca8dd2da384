import type { VendorRequest, VendorResponse, VendorTls, VendorTransport } from '../../../shared/vendor-http/vendor-http.ts';
import { apimFailure, type PublisherOperation } from './apim-errors.ts';
import type { OAuth2Grant } from './credentials.ts';
import { multipartFile } from './multipart.ts';
import type { ApimApi } from './ownership.ts';
import type { TokenCache, TokenEndpoint } from './token.ts';

/** Where APIM is and how apim-sync authenticates to it. */
export interface ApimEndpoint {
  /** `host[:port]` of the control plane, as the gateway's configuration names it. */
  host: string;
  tls?: VendorTls;
  grant: OAuth2Grant;
}

/** An APIRevisionDeployment: a revision deployed to a gateway environment. */
export interface Deployment {
  revisionUuid?: string;
  name?: string;
  status?: string;
}

/** What `/apis/import` answers: the gateway reads `{id, revision}`; the spec documents no body, so either may lack. */
export interface ImportResult {
  id?: string;
  revision?: string;
}

/** Why APIM refused an import with 409: the name and version exist, or another API has the context. */
export interface ImportRefusal {
  contextTaken: boolean;
  detail: string;
}

const PAGE = 25;
/** carbon-apimgt's ExceptionCodes.API_CONTEXT_ALREADY_EXISTS. */
const CONTEXT_EXISTS = 900251;

/**
 * The Publisher v4 calls of bottom-up sync, each with a bearer token from the container's cache. A 401 or 403 on a
 * cached token drops it and retries once with a fresh one (revoked, expired early, or minted before a role change);
 * the same refusal of a fresh token is permanent and names the scope the call needs.
 */
export class PublisherApi {
  readonly host: string;
  private readonly endpoint: ApimEndpoint;
  private readonly http: VendorTransport;
  private readonly tokens: TokenCache;
  private readonly tokenEndpoint: TokenEndpoint;

  constructor(endpoint: ApimEndpoint, http: VendorTransport, tokens: TokenCache) {
    this.endpoint = endpoint;
    this.host = endpoint.host;
    this.http = http;
    this.tokens = tokens;
    this.tokenEndpoint = { url: `https://${endpoint.host}/oauth2/token`, tls: endpoint.tls };
  }

  /** The APIs of that name and version (APIM's search matches quoted values exactly, without case; checked again). */
  async findByNameAndVersion(name: string, version: string): Promise<ApimApi[]> {
    const query = `name:"${name}" version:"${version}"`;
    const found: ApimApi[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const url = this.url(`/apis?query=${encodeURIComponent(query)}&limit=${PAGE}&offset=${offset}`);
      const res = await this.call('search', { method: 'GET', url }, [200]);
      const list = ((res.body as { list?: ApimApi[] } | undefined)?.list ?? []).filter((a) => a && typeof a.id === 'string');
      found.push(...list.filter((a) => sameApi(a, name, version)));
      if (list.length < PAGE) return found;
    }
  }

  /** The API with its additional properties; undefined when APIM has none with that id. */
  async get(id: string): Promise<ApimApi | undefined> {
    const res = await this.call('get', { method: 'GET', url: this.url(`/apis/${encodeURIComponent(id)}`) }, [200, 404]);
    return res.status === 404 ? undefined : (res.body as ApimApi);
  }

  async deployments(id: string): Promise<Deployment[]> {
    const res = await this.call('deployments', { method: 'GET', url: this.url(`/apis/${encodeURIComponent(id)}/deployments`) }, [200, 404]);
    if (res.status === 404) return [];
    const body = res.body as { list?: Deployment[] } | Deployment[] | undefined;
    return (Array.isArray(body) ? body : (body?.list ?? [])).filter((d) => d && typeof d === 'object');
  }

  /**
   * `POST /apis/import`: creates the API (overwrite=false, so an API that appeared meanwhile is a 409, never replaced
   * unseen) or updates it (overwrite=true), makes a revision, rotating out the oldest at APIM's limit, and deploys it
   * to the environments of deployment_environments.yaml. A 409 is returned to the caller.
   */
  async import(file: { name: string; bytes: Uint8Array }, overwrite: boolean, apiName: string): Promise<{ status: 409; refusal: ImportRefusal } | { status: 200; result: ImportResult }> {
    const url = this.url(`/apis/import?preserveProvider=false&overwrite=${overwrite}&rotateRevision=true`);
    const res = await this.call('import', { method: 'POST', url, body: await multipartFile('file', file.name, file.bytes, 'application/zip') }, [200, 201, 409], apiName);
    if (res.status === 409) {
      const b = (res.body ?? {}) as { code?: unknown; description?: unknown; message?: unknown };
      const detail = [b.description, b.message].find((d): d is string => typeof d === 'string' && d !== '') ?? 'conflict';
      return { status: 409, refusal: { contextTaken: b.code === CONTEXT_EXISTS || /context/i.test(detail), detail } };
    }
    const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    return { status: 200, result: { id: str(body.id), revision: str(body.revision) ?? str(body.revisionId) } };
  }

  /** Removes a revision's deployment from one gateway environment; an API or revision already gone is success. */
  async undeploy(id: string, revisionId: string, environment: string): Promise<void> {
    const url = this.url(`/apis/${encodeURIComponent(id)}/undeploy-revision?revisionId=${encodeURIComponent(revisionId)}`);
    await this.call('undeploy', { method: 'POST', url, json: [{ name: environment, displayOnDevportal: false }] }, [200, 201, 404]);
  }

  /** Deletes the API; one already gone (404) is success. */
  async delete(id: string, apiName: string): Promise<void> {
    await this.call('delete', { method: 'DELETE', url: this.url(`/apis/${encodeURIComponent(id)}`) }, [200, 204, 404], apiName);
  }

  private url(path: string): string {
    return `https://${this.endpoint.host}/api/am/publisher/v4${path}`;
  }

  private async call(op: PublisherOperation, req: VendorRequest, expected: number[], apiName?: string): Promise<VendorResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token(this.tokenEndpoint, this.endpoint.grant, this.http);
      const res = await this.http.request({ ...req, tls: this.endpoint.tls, headers: { ...req.headers, authorization: `Bearer ${token.value}` } });
      if (expected.includes(res.status)) return res;
      if ((res.status === 401 || res.status === 403) && !token.fresh && attempt === 0) {
        this.tokens.drop(this.tokenEndpoint, this.endpoint.grant, token.value);
        continue;
      }
      throw apimFailure(op, req, res, apiName);
    }
  }
}

/** APIM tells APIs apart by name without case, and by version. */
export const sameApi = (api: { name?: unknown; version?: unknown }, name: string, version: string) =>
  typeof api.name === 'string' && api.name.toLowerCase() === name.toLowerCase() && api.version === version;
