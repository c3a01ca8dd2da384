import type { ExternalClient } from '../../../shared/engine/kind.ts';

const REDACTED = '[redacted]';

/**
 * `text` without any of `keys`, whole or JSON-escaped, nor the start of one cut off at its end (an error quoting a
 * response body keeps its first characters only).
 */
export function redactKeys(text: string, keys: string[]): string {
  let out = text;
  for (const key of keys) {
    for (const form of new Set([key, JSON.stringify(key).slice(1, -1)])) out = out.split(form).join(REDACTED);
    for (let n = key.length - 1; n >= 8; n--) {
      if (out.endsWith(key.slice(0, n))) {
        out = out.slice(0, -n) + REDACTED;
        break;
      }
    }
  }
  return out;
}

/**
 * The client with API keys taken out of every error it raises: APIM may quote the request in a refusal, and a sync
 * error's message reaches conditions, events and logs, where a key must never appear.
 */
export function withoutKeysInErrors(client: ExternalClient, keys: string[]): ExternalClient {
  if (keys.length === 0) return client;
  const guarded =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (err) {
        if (err instanceof Error) err.message = redactKeys(err.message, keys);
        throw err;
      }
    };
  return {
    ...client,
    observe: guarded(client.observe.bind(client)),
    create: guarded(client.create.bind(client)),
    update: guarded(client.update.bind(client)),
    delete: guarded(client.delete.bind(client)),
  };
}
