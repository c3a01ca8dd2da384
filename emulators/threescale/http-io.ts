/** Reading request bodies and writing answers (JSON, or plain text for porta's text errors). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ThreescaleError } from './errors.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  /** A string is sent as text/plain, anything else as JSON; undefined = empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ThreescaleError(413, { error: 'Request entity too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.body !== undefined && answer.body !== '') {
    const text = typeof answer.body === 'string';
    payload = text ? (answer.body as string) : JSON.stringify(answer.body);
    headers['content-type'] = text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}
