/**
 * A minimal client of APIM 4.7 as the API Platform gateway talks to it: DCR with the admin's HTTP Basic
 * credentials, form-encoded token requests with client authentication, Publisher calls with a bearer token, and
 * the multipart import of an archive. It trusts the emulator's CA (undici's fetch with that CA). For tests and
 * local tooling.
 */
import { Agent, fetch, FormData } from 'undici';

export interface ApimAnswer<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else its text (undefined when empty). */
  body: T;
}

export interface CallOptions {
  /** `Authorization` header; `null` for none. */
  authorization?: string | null;
  json?: unknown;
  form?: Record<string, string>;
  /** Multipart fields: strings, or files as `{name, data}`. */
  multipart?: Record<string, string | { filename: string; data: Uint8Array }>;
  headers?: Record<string, string>;
}

export const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
export const bearer = (token: string): string => `Bearer ${token}`;

export const PUBLISHER = '/api/am/publisher/v4';

export class ApimClient {
  readonly baseUrl: string;
  private readonly dispatcher: Agent;

  constructor(baseUrl: string, caPem: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.dispatcher = new Agent({ connect: { ca: caPem } });
  }

  async call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<ApimAnswer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.authorization) headers.authorization = opts.authorization;
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.multipart) {
      const form = new FormData();
      for (const [name, value] of Object.entries(opts.multipart)) {
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, new Blob([value.data], { type: 'application/zip' }), value.filename);
      }
      body = form;
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body, dispatcher: this.dispatcher });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, headers: res.headers as unknown as Headers, body: (text && isJson ? JSON.parse(text) : text || undefined) as T };
  }

  /** DCR `POST /client-registration/v0.17/register`. */
  register(authorization: string, registration: Record<string, unknown>): Promise<ApimAnswer> {
    return this.call('POST', '/client-registration/v0.17/register', { authorization, json: registration });
  }

  /** `POST /oauth2/token` with HTTP Basic client authentication (or none with `client: null`). */
  token(client: { clientId: string; clientSecret: string } | null, form: Record<string, string>): Promise<ApimAnswer> {
    return this.call('POST', '/oauth2/token', { authorization: client && basic(client.clientId, client.clientSecret), form });
  }

  /** `POST /apis/import` with the archive as the multipart field `file`, as the gateway sends it. */
  importApi(token: string, archive: Uint8Array, query: string, accept = 'application/json'): Promise<ApimAnswer> {
    return this.call('POST', `${PUBLISHER}/apis/import?${query}`, {
      authorization: bearer(token),
      headers: { accept },
      multipart: { file: { filename: 'api.zip', data: archive } },
    });
  }

  /** Registers (or finds) a DCR client owned by the admin and returns a client-credentials token with these scopes. */
  async adminToken(admin: { username: string; password: string }, scopes: string[], clientName = 'apim-sync-client'): Promise<string> {
    const registered = await this.register(basic(admin.username, admin.password), {
      clientName,
      owner: admin.username,
      grantType: 'client_credentials password refresh_token',
      saasApp: true,
    });
    if (registered.status !== 200) throw new Error(`DCR answered ${registered.status}`);
    const issued = await this.token(registered.body, { grant_type: 'client_credentials', scope: scopes.join(' ') });
    if (issued.status !== 200) throw new Error(`the token endpoint answered ${issued.status}`);
    return issued.body.access_token;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
