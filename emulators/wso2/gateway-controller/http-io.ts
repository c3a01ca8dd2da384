/** Answers out: JSON as the gateway's `WriteJSON` writes it, YAML when asked for, Go's plain text. */
import type { ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import { send as sendAnswer } from '../../common/http-io.ts';

export interface Answer {
  status: number;
  /** Sent as JSON (or YAML with `yaml`); undefined = empty body. */
  body?: unknown;
  /** Sent as `text/plain` instead of `body` (Go's ServeMux errors). */
  text?: string;
  yaml?: boolean;
  headers?: Record<string, string>;
}

/** The answer as the gateway writes it: JSON as `WriteJSON` does (json.Encoder ends with a newline), YAML when asked for. */
export function send(res: ServerResponse, answer: Answer): void {
  const { status, headers } = answer;
  if (answer.text !== undefined) return sendAnswer(res, { status, headers, body: answer.text });
  if (answer.body === undefined || status === 204) return sendAnswer(res, { status, headers });
  const body = answer.yaml ? stringify(answer.body) : JSON.stringify(answer.body) + '\n';
  sendAnswer(res, { status, headers: { ...headers, 'content-type': answer.yaml ? 'application/yaml' : 'application/json' }, body });
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
