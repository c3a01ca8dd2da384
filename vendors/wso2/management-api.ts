import { stringify } from 'yaml';
import { invalidSpec, permanent, transient, SyncError } from '../../shared/engine/errors.ts';
import { redactUrl, retryAfterSeconds, type VendorRequest, type VendorResponse, type VendorTransport } from '../../shared/vendor-http/vendor-http.ts';
import { GATEWAY_REFUSED } from './conditions.ts';

type Json = Record<string, any>;

/** How one gateway controller's management API (`/api/management/v1`) is reached and authenticated. */
export interface ManagementEndpoint {
  transport: VendorTransport;
  /** The base every path is appended to, as the transport takes it (`…/api/management/v1`). */
  baseUrl: string;
  /** The Authorization header (Basic or Bearer); never logged, never in a message. */
  authorization: string;
  /** How it is reached, for messages: the URL, or the Service and the API server path. */
  via: string;
  /** Where the credentials come from, for a 401's message (a Secret's name, the values block, the chart default). */
  credentials: string;
  /**
   * The member cluster whose API server carries the calls: `baseUrl` is then a Service address only that cluster
   * resolves, so the identity of what the gateway keeps names the cluster too (vendors/wso2/identity.ts).
   */
  cluster?: string;
}

/** A request body: the operator's YAML envelope, or JSON (subscription plans, subscriptions, certificates, API keys). */
export type Body = { yaml: unknown } | { json: unknown };

/** A call the gateway answered with an unexpected status; `status` lets a caller decide (409 on a create, 404 on a parent). */
export class GatewayCallError extends SyncError {
  readonly status: number;
  /** The gateway's own message (ErrorResponse.message), for callers that tell cases apart by it. */
  readonly gatewayMessage: string;
  constructor(err: SyncError, status: number, gatewayMessage: string) {
    super(err.retry, err.reason, err.message, { retryAfterSeconds: err.retryAfterSeconds, invalid: err.invalid, waiting: err.waiting });
    this.status = status;
    this.gatewayMessage = gatewayMessage;
  }
}

/**
 * The gateway controller's management API as the operator calls it (internal/gatewayclient): GET by handle, POST to
 * the collection, PUT and DELETE by handle or id, with the Authorization header on every call. Bodies never reach a
 * log or a message: secrets travel in them (managed secrets, API keys, upstream credentials, subscription tokens).
 */
export class ManagementApi {
  readonly endpoint: ManagementEndpoint;

  constructor(endpoint: ManagementEndpoint) {
    this.endpoint = endpoint;
  }

  /** The object at path, or undefined when the gateway has none (404). */
  async get(path: string): Promise<Json | undefined> {
    const res = await this.call({ method: 'GET', url: this.url(path) }, [200, 404]);
    return res.status === 404 ? undefined : asObject(res.body);
  }

  /** A collection's items (`{"<key>": [...]}`); a 404 (the parent of a sub-collection is gone) is undefined. */
  async list(path: string, key: string): Promise<Json[] | undefined> {
    const res = await this.call({ method: 'GET', url: this.url(path) }, [200, 404]);
    if (res.status === 404) return undefined;
    const items = asObject(res.body)[key];
    return Array.isArray(items) ? items.filter((i): i is Json => Boolean(i) && typeof i === 'object') : [];
  }

  async create(path: string, body: Body): Promise<Json> {
    return asObject((await this.call({ method: 'POST', url: this.url(path), ...encode(body) }, [200, 201])).body);
  }

  async replace(path: string, body: Body): Promise<Json> {
    return asObject((await this.call({ method: 'PUT', url: this.url(path), ...encode(body) }, [200, 201])).body);
  }

  /** Deletes; already gone (404) is success. */
  async remove(path: string): Promise<void> {
    await this.call({ method: 'DELETE', url: this.url(path) }, [200, 202, 204, 404]);
  }

  private url(path: string): string {
    return `${this.endpoint.baseUrl}${path}`;
  }

  private async call(req: VendorRequest, expected: number[]): Promise<VendorResponse> {
    const res = await this.endpoint.transport.request({ ...req, headers: { ...req.headers, authorization: this.endpoint.authorization } });
    if (!expected.includes(res.status)) throw managementFailure(req, res, this.endpoint);
    return res;
  }
}

function encode(body: Body): Pick<VendorRequest, 'json' | 'body'> {
  if ('json' in body) return { json: body.json };
  return { body: { data: stringify(body.yaml, { lineWidth: 0 }), contentType: 'application/yaml' } };
}

const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/**
 * The gateway's answers as the operator classifies them, and better where it loses information: 400/422 name the
 * refused fields from the gateway's ErrorResponse (the spec must change); 401/403 are the credentials or their role
 * (permanent until the Secret or values change); 404 and 409 are for the caller to decide, retried otherwise;
 * 408/429/5xx are transient (Retry-After honoured).
 */
export function managementFailure(req: Pick<VendorRequest, 'method' | 'url'>, res: VendorResponse, endpoint: Pick<ManagementEndpoint, 'via' | 'credentials'>): GatewayCallError {
  const where = `[${req.method}] ${pathOf(req.url)}`;
  const body = asObject(res.body);
  const gatewayMessage = typeof body.message === 'string' ? body.message : typeof res.body === 'string' ? res.body.slice(0, 200) : '';
  const fields = Array.isArray(body.errors)
    ? body.errors.map((e: Json) => [e?.field, e?.message].filter((x) => typeof x === 'string' && x).join(': ')).filter(Boolean)
    : [];
  const detail = [gatewayMessage, ...fields].filter(Boolean).join('; ') || `status ${res.status}`;
  const wrap = (err: SyncError) => new GatewayCallError(err, res.status, gatewayMessage);
  if (res.status === 400 || res.status === 422) return wrap(invalidSpec(GATEWAY_REFUSED, `the gateway refused ${where}: ${detail}`));
  if (res.status === 401) {
    return wrap(permanent('Unauthorized', `the gateway's management API (${endpoint.via}) refused the credentials from ${endpoint.credentials} (401): ${detail}`));
  }
  if (res.status === 403) {
    return wrap(permanent('Forbidden', `the gateway's management API (${endpoint.via}) refused ${where} to the user from ${endpoint.credentials} (403; it needs the admin role): ${detail}`));
  }
  const message = `the gateway answered ${where} with ${res.status}: ${detail}`;
  if (res.status === 404) return wrap(transient('NotFound', message));
  if (res.status === 409) return wrap(transient('Conflict', message));
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return wrap(transient(res.status === 429 ? 'Throttled' : 'GatewayError', message, { retryAfterSeconds: retryAfterSeconds(res.headers['retry-after']) }));
  }
  return wrap(permanent('GatewayError', message));
}

/** The path and query of a URL (a base URL may carry a userinfo the user put there; the path never does). */
function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return redactUrl(url);
  }
}
