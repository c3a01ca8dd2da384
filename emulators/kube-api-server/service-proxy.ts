/**
 * `services/{[scheme:]name[:port]}/proxy[/{path}]`: kube-apiserver's proxy to a Service's pods, every method. As the
 * real server, it forwards method, path, query, headers and body to a ready pod and returns the pod's status, headers
 * and body, except what the apiserver takes out: `Authorization` (the authentication filter removes it once it has
 * authenticated the caller, kubernetes#38775), `Impersonate-*`, hop-by-hop headers, and CORS headers of the answer.
 * It adds the X-Forwarded-* headers of its reverse proxy and rewrites a path-only redirect to stay under the proxy.
 */
import type { IncomingMessage, IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ServerState } from './request-context.ts';
import { resolveServiceTarget, serviceUnavailable } from './service-endpoints.ts';

/** RFC 7230 hop-by-hop headers, which Go's ReverseProxy drops in both directions. */
const HOP_BY_HOP = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.includes(k) && !named.includes(k)) out[k] = v;
  return out;
}

export interface ProxyRequest {
  namespace: string;
  /** `[scheme:]name[:port]` */
  id: string;
  /** The rest of the path after `/proxy`, still percent-encoded, '' when none. */
  path: string;
  /** The request's path up to and including `/proxy`, as the client sent it. */
  prefix: string;
  search: string;
  tls: boolean;
}

/** Forwards one request; errors before the backend answers are thrown as the apiserver's Status (503, 404, 400). */
export async function proxyToService(state: ServerState, p: ProxyRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = resolveServiceTarget(state, p.namespace, p.id);
  const host = target.ip.includes(':') ? `[${target.ip}]:${target.port}` : `${target.ip}:${target.port}`;
  const headers = withoutHopByHop(req.headers);
  delete headers.authorization;
  for (const k of Object.keys(headers)) if (k.startsWith('impersonate-')) delete headers[k];
  headers.host = host;
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${client}` : client;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = p.tls ? 'https' : 'http';
  headers['x-forwarded-uri'] = `${p.prefix}${p.path}`;

  const send = target.scheme === 'https' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const upstream = send(
      // kube-apiserver's proxy transport does not verify the pod's certificate (InsecureSkipVerify).
      { host: target.ip, port: target.port, method: req.method, path: `${p.path || '/'}${p.search}`, headers, rejectUnauthorized: false },
      (answer) => {
        const out = withoutHopByHop(answer.headers);
        for (const k of Object.keys(out)) if (k.startsWith('access-control-')) delete out[k];
        const location = answer.headers.location;
        if (location?.startsWith('/') && !location.startsWith('//')) out.location = `${p.prefix}${location}`;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', (e) => {
          res.destroy(e);
          resolve();
        });
      },
    );
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy(e);
        return resolve();
      }
      reject(serviceUnavailable(`error trying to reach service: ${dialError(e, host)}`));
    });
    req.pipe(upstream);
  });
}

/** Go's net error wording, which is what clients see in the Status message. */
function dialError(e: NodeJS.ErrnoException, host: string): string {
  if (e.code === 'ECONNREFUSED') return `dial tcp ${host}: connect: connection refused`;
  if (e.code === 'ECONNRESET') return `read tcp ${host}: read: connection reset by peer`;
  return e.message;
}
