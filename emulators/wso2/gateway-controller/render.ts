/**
 * The gateway renders `{{ secret "handle" }}` in every string of a resource's spec with the value of one of
 * its own secrets before validating (the stored and echoed configuration keeps the expression). Only
 * `secret` is rendered here; other template functions (`env`, `default`…) are left as written.
 */
import { badRequest } from './errors.ts';
import type { GatewayStore, Json } from './store.ts';

const ACTION = /\{\{-?\s*secret\s+"([^"]*)"\s*-?\}\}/g;

/** A copy of the resource with its spec rendered; a missing secret is the gateway's 400. */
export function renderSecrets<T extends Json>(resource: T, store: GatewayStore): T {
  if (!('spec' in resource)) return resource;
  return { ...resource, spec: render(resource.spec, store) };
}

function render(value: unknown, store: GatewayStore): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    return value.replace(ACTION, (_, key: string) => {
      const secret = store.secrets.get(key);
      if (!secret) throw badRequest(`failed to resolve secret ${JSON.stringify(key)}: configuration not found: id=${key}`);
      return secret.value;
    });
  }
  if (Array.isArray(value)) return value.map((v) => render(v, store));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, store)]));
  }
  return value;
}
