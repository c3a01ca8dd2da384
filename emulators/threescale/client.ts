/**
 * A minimal client that talks to 3scale as the published specs document it (HTTP Basic with the token as
 * password, form bodies; nested values as the spec declares them: JSON text fields, Rails bracket keys).
 * For tests and local tooling.
 */

export interface PortaAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type FormValue = string | number | boolean | undefined;

export class PortaClient {
  readonly baseUrl: string;
  private readonly authorization: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.authorization = 'Basic ' + Buffer.from(':' + token).toString('base64');
  }

  get<T = any>(path: string, query?: Record<string, FormValue>): Promise<PortaAnswer<T>> {
    return this.call('GET', path + toQuery(query));
  }

  delete<T = any>(path: string): Promise<PortaAnswer<T>> {
    return this.call('DELETE', path);
  }

  /** A form-encoded write (`POST`, `PUT`, `PATCH`); an undefined `fields` sends no body. */
  form<T = any>(method: string, path: string, fields?: Record<string, FormValue>): Promise<PortaAnswer<T>> {
    if (!fields) return this.call(method, path);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) body.set(k, String(v));
    return this.call(method, path, body.toString(), 'application/x-www-form-urlencoded');
  }

  /** Any body with its media type, as it is: for tests of what the contract refuses. */
  raw<T = any>(method: string, path: string, body: string, contentType: string | undefined): Promise<PortaAnswer<T>> {
    return this.call(method, path, body, contentType);
  }

  private async call<T>(method: string, path: string, body?: string, contentType?: string): Promise<PortaAnswer<T>> {
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (contentType) headers['content-type'] = contentType;
    // fetch would label a text body text/plain; a body sent without a Content-Type goes as bytes
    const res = await fetch(this.baseUrl + path, { method, headers, body: body !== undefined && !contentType ? new TextEncoder().encode(body) : body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // plain-text answers (Master API 401) stay text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}

function toQuery(query: Record<string, FormValue> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
