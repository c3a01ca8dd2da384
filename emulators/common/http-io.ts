/** Reading request bodies and writing answers, for every vendor emulator. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  /** A string is sent as text/plain (porta's text errors), anything else as JSON; undefined = empty body. */
  body?: unknown;
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

export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.body !== undefined && answer.body !== '' && answer.status !== 204) {
    const text = typeof answer.body === 'string';
    payload = text ? (answer.body as string) : JSON.stringify(answer.body);
    headers['content-type'] = text ? 'text/plain; charset=utf-8' : 'application/json';
  }
  headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}
