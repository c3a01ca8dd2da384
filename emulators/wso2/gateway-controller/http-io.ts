/** Request bodies in, answers out: JSON as the gateway's `WriteJSON` writes it, YAML when asked for, Go's plain text. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import { readBody as readAnyBody } from '../../common/http-io.ts';
import { GatewayError } from './errors.ts';

export interface Answer {
  status: number;
  /** Sent as JSON (or YAML with `yaml`); undefined = empty body. */
  body?: unknown;
  /** Sent as `text/plain` instead of `body` (Go's ServeMux errors). */
  text?: string;
  yaml?: boolean;
  headers?: Record<string, string>;
}

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  readAnyBody(req, () => new GatewayError({ status: 413, body: { status: 'error', message: 'Request body too large' } }));

export function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.text !== undefined) {
    payload = answer.text;
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (answer.body !== undefined && answer.status !== 204) {
    payload = answer.yaml ? stringify(answer.body) : JSON.stringify(answer.body) + '\n'; // json.Encoder ends with a newline
    headers['content-type'] = answer.yaml ? 'application/yaml' : 'application/json';
  }
  headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
  res.writeHead(answer.status, headers);
  res.end(payload);
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/** Whether an `Accept` header prefers YAML to JSON (q-values honoured; no header, or a tie, means JSON). */
export function prefersYaml(accept: string | undefined): boolean {
  if (!accept) return false;
  let json = -1;
  let yaml = -1;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'application/json') json = Math.max(json, q);
    else if (YAML_TYPES.has(type!)) yaml = Math.max(yaml, q);
    else if (type === '*/*' || type === 'application/*') json = Math.max(json, q * 0.999); // a wildcard ranks below named types
  }
  return yaml > 0 && yaml > json;
}
