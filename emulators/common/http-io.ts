/** Reading request bodies and writing answers, for every vendor emulator. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  /**
   * Bytes are sent as they are (name their `content-type` in `headers`), a string as text/plain (porta's text
   * errors), anything else as JSON; undefined = empty body. A `content-type` in `headers` wins.
   */
  body?: unknown;
  /** Lower-case names. */
  headers?: Record<string, string>;
}

/** The whole body; `tooLarge` builds the vendor's own 413 error. */
export async function readBody(req: IncomingMessage, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | Uint8Array | undefined;
  if (answer.body !== undefined && answer.body !== '' && answer.status !== 204) {
    if (answer.body instanceof Uint8Array) payload = answer.body;
    else if (typeof answer.body === 'string') {
      payload = answer.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(answer.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}

/** An answer written on the raw socket of an upgrade refused before its handshake (Node hands such requests over unanswered). */
export function refuseUpgrade(socket: Duplex, status: number, headers: Record<string, string>, text: string): void {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(text)}`, 'Connection: close'];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
