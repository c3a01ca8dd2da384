/** Reading request bodies and writing JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApimError } from './errors.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApimError(413, 'Request entity too large', 'payload.tooLarge');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}

/** JSON and form bodies parsed; an Error when a JSON body does not parse; undefined when empty. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return new Error('request body is not valid JSON');
    }
  }
  return text;
}

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.body !== undefined && answer.status !== 204) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}
