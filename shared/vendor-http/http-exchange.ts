/**
 * One HTTP/1.1 exchange of a vendor call, the same whatever carries it: VendorHttp's own connections, or a path
 * through a member cluster's API server (shared/kube/api-server-transport.ts). The request's body and headers are
 * encoded one way, the exchange has one deadline for the whole of it (as a user of the vendor API would expect), and
 * the answer is read whole and parsed as vendor clients read it.
 */
import type { IncomingHttpHeaders, RequestOptions } from 'node:http';
import { http, https } from '../node-http.ts';
import type { VendorRequest, VendorResponse } from './vendor-http.ts';

export interface EncodedRequest {
  /** Lower-case names: `accept: application/json` unless the request names another, and the body's type and length. */
  headers: Record<string, string>;
  body?: string | Buffer;
}

export function encodeRequest(req: VendorRequest): EncodedRequest {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: string | Buffer | undefined;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  } else if (req.form) {
    body = formEncode(req.form);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (req.body) {
    body = typeof req.body.data === 'string' ? req.body.data : Buffer.from(req.body.data);
    headers['content-type'] = req.body.contentType;
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return { headers, body };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
}

/**
 * Sends one request (over https for an https URL) and reads the whole answer. A failure carries `reused: true` when
 * it happened on a connection kept from an earlier call, which may have been closed meanwhile by the other side.
 */
export function exchange(url: URL, options: RequestOptions, body: string | Buffer | undefined, timeoutMs: number): Promise<RawAnswer> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(Object.assign(e, { reused: req.reusedSocket })));
    req.end(body);
  });
}

/** The answer as vendor clients read it: its bytes when asked for (`responseType: 'buffer'`), else JSON when it is JSON, else text. */
export function vendorResponse(req: VendorRequest, answer: RawAnswer): VendorResponse {
  const body = req.responseType === 'buffer' ? answer.bytes : parseBody(answer.bytes.toString('utf8'), answer.headers['content-type']);
  return { status: answer.status, headers: answer.headers, body };
}

function formEncode(form: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) p.append(k, item);
  return p.toString();
}

function parseBody(text: string, contentType: unknown): unknown {
  if (!text) return undefined;
  if (String(contentType ?? '').includes('json') || /^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
