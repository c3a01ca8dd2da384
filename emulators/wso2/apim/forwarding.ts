/**
 * A `fallback` that forwards what APIM's REST APIs do not own to another server: requests streamed through, and
 * WebSocket upgrades tunnelled byte for byte once the upstream connection is open. With the control plane
 * emulator (APIM 4.7 flavour) behind it, one host serves well-known discovery, the internal REST API and the
 * gateway WebSocket together with DCR, `/oauth2/token` and the Publisher, as a real APIM 4.7 does on :9443.
 */
import { request as httpRequest, type IncomingMessage, type RequestListener } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

export interface Fallback {
  request: RequestListener;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** Forwards to `target` (`https://host:port` or `http://…`), trusting `caPem` for https. */
export function forwardingFallback(target: string, caPem?: string): Fallback {
  const base = new URL(target);
  const secure = base.protocol === 'https:';
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const port = Number(base.port || (secure ? 443 : 80));
  const tls = secure ? { ca: caPem, servername: isIP(host) ? undefined : host } : {};

  const request: RequestListener = (req, res) => {
    const send = secure ? httpsRequest : httpRequest;
    const upstream = send({ host, port, method: req.method, path: req.url, headers: { ...req.headers, host: base.host }, ...tls }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`forwarding to ${base.host} failed: ${e.message}`);
    });
    req.pipe(upstream);
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const onOpen = () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? base.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    };
    const upstream = secure ? tlsConnect({ host, port, ...tls }, onOpen) : netConnect({ host, port }, onOpen);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  };

  return { request, upgrade };
}
