import { invalidSpec, permanent, transient, type SyncError } from '../../shared/engine/errors.ts';
import { httpFailure, redactUrl, type VendorHttp, type VendorRequest, type VendorResponse } from '../../shared/vendor-http/vendor-http.ts';
import type { ProviderAccount } from './provider-account.ts';

export type Form = Record<string, string | undefined>;
type Json = Record<string, any>;

/** porta's page size limit; the porta client lists with it and stops at the first short page. */
const PER_PAGE = 500;

/**
 * The tenant's Account Management API as its published spec documents it: token as the HTTP Basic password (as the
 * porta Go client sends it), form bodies for every write (where the operator sends JSON, too: the spec declares
 * no JSON body), nested values as the spec declares them (`policies_config`, a registry `schema`: JSON text fields;
 * `annotations[managed_by]`: a Rails bracket key), JSON answers. Every call goes through VendorHttp (timeout,
 * address policy, counting).
 */
export class AdminApi {
  private readonly authorization: string;
  private readonly account: ProviderAccount;
  private readonly http: VendorHttp;
  /** What the token is, for 401/403 messages: a provider account's (default) or the master's. */
  private readonly credential: string;

  constructor(account: ProviderAccount, http: VendorHttp, credential = 'the provider account token') {
    this.account = account;
    this.http = http;
    this.credential = credential;
    this.authorization = 'Basic ' + Buffer.from(':' + account.token).toString('base64');
  }

  /** A single object (`{"backend_api": {...}}` → its inner object); undefined on 404. */
  async find(path: string, singular: string): Promise<Json | undefined> {
    const res = await this.call({ method: 'GET', url: this.url(path) }, [200, 404]);
    return res.status === 404 ? undefined : (res.body as Json)[singular];
  }

  /** A whole collection, page by page when porta paginates it. */
  async list(path: string, plural: string, singular: string, paged = true): Promise<Json[]> {
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const query = paged ? `?page=${page}&per_page=${PER_PAGE}` : '';
      const res = await this.call({ method: 'GET', url: this.url(path) + query }, [200]);
      // backend_usages answers a bare array (`[{"backend_usage":{…}}]`), the rest `{"<plural>": […]}`.
      const items = (Array.isArray(res.body) ? res.body : ((res.body as Json)?.[plural] ?? [])) as Json[];
      out.push(...items.map((i) => i[singular]));
      if (!paged || items.length < PER_PAGE) return out;
    }
  }

  async create(path: string, singular: string, form: Form): Promise<Json> {
    const res = await this.call({ method: 'POST', url: this.url(path), form: clean(form) }, [201]);
    return (res.body as Json)[singular];
  }

  async update(path: string, singular: string, form: Form): Promise<Json> {
    const res = await this.call({ method: 'PUT', url: this.url(path), form: clean(form) }, [200]);
    return (res.body as Json)[singular];
  }

  /**
   * An update the spec documents as PATCH (proxy, product mapping rules, OIDC configuration). porta's router takes
   * PUT there too, which the operator sends for the proxy and mapping rules; the published contract does not.
   */
  async patch(path: string, singular: string, form: Form): Promise<Json> {
    const res = await this.call({ method: 'PATCH', url: this.url(path), form: clean(form) }, [200]);
    return (res.body as Json)[singular];
  }

  /** Deletes; an object already gone (404) is success. */
  async remove(path: string): Promise<void> {
    await this.call({ method: 'DELETE', url: this.url(path) }, [200, 404]);
  }

  private url(path: string): string {
    return `${this.account.adminURL}${path}`;
  }

  private async call(req: VendorRequest, expected: number[]): Promise<VendorResponse> {
    const res = await this.http.request({ ...req, headers: { authorization: this.authorization } });
    if (!expected.includes(res.status)) throw adminApiFailure(req, res, this.credential);
    return res;
  }
}

/**
 * porta's errors as the operator treats them: 422 names the refused fields (the spec must change: Invalid);
 * 403 is a token that is wrong or lacks the account_management scope (permanent until the Secret changes);
 * 404/409 on a write and 5xx/429 are retried, and so is a create whose system_name was taken by a concurrent sync.
 */
export function adminApiFailure(req: Pick<VendorRequest, 'method' | 'url'>, res: VendorResponse, credential = 'the provider account token'): SyncError {
  const where = `request [${req.method}] ${redactUrl(req.url)}`;
  const body = res.body as Json | undefined;
  if (res.status === 422 && takenSystemName(body)) {
    // Looked up just before, so another sync of the same resource created it meanwhile: the next attempt finds it.
    return transient('CreatedConcurrently', `3scale refused ${where}: system_name has already been taken (created concurrently; retried to converge on it)`);
  }
  if (res.status === 422) {
    const fields = Object.entries((body?.errors ?? {}) as Record<string, string[]>).map(([f, msgs]) => `${f} ${[msgs].flat().join(', ')}`);
    return invalidSpec('Invalid', `3scale refused ${where}: ${fields.join('; ') || JSON.stringify(body ?? '')}`);
  }
  if (res.status === 403) {
    return permanent('Forbidden', `3scale refused ${where} (403 ${body?.error ?? 'Forbidden'}): ${credential} is wrong or lacks the account_management scope or write permission`);
  }
  if (res.status === 401) return permanent('Unauthorized', `3scale refused ${where} (401): ${credential} is wrong`);
  return httpFailure(req, res, 'ThreescaleError');
}

/** porta's answer when the system name is in use: `{"errors":{"system_name":["has already been taken"]}}`. */
function takenSystemName(body: Json | undefined): boolean {
  const errors = Object.entries((body?.errors ?? {}) as Record<string, string[]>);
  return errors.length === 1 && errors[0][0] === 'system_name' && [errors[0][1]].flat().includes('has already been taken');
}

function clean(form: Form): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
}
