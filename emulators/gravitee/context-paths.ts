/** Context paths of v4 and v2 APIs, sanitized as APIM does (`Path.sanitize`). */
import { objectsOf } from './handler.ts';
import type { Json } from './store.ts';

export interface ContextPath {
  host?: string;
  path: string;
}

/** Leading and trailing slash, no doubled slashes; undefined when invalid. */
export function sanitizePath(path: string | undefined): string | undefined {
  const raw = (path ?? '').trim();
  if (/[\s?#\\]/.test(raw) || /%(?![0-9a-fA-F]{2})/.test(raw)) return undefined;
  let p = raw.startsWith('/') ? raw : '/' + raw;
  p = p.replace(/\/{2,}/g, '/');
  return p.endsWith('/') ? p : p + '/';
}

const hostOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** True when a v4 spec has an HTTP listener, whose paths APIM then requires. */
export const hasHttpListener = (spec: Json): boolean => objectsOf(spec.listeners).some((l) => l.type === 'HTTP');

/** Context paths of the HTTP listeners of a v4 API spec, as written. */
export function v4Paths(spec: Json): ContextPath[] {
  return objectsOf(spec.listeners)
    .filter((l) => l.type === 'HTTP')
    .flatMap((l) => objectsOf(l.paths))
    .map((p) => ({ host: hostOf(p.host), path: String(p.path ?? '') }));
}

/** Context paths of a v2 API definition (`proxy.virtual_hosts`, or the legacy `proxy.context_path`). */
export function v2Paths(definition: Json): ContextPath[] {
  const proxy = (definition.proxy ?? {}) as Json;
  const hosts = objectsOf(proxy.virtual_hosts).map((v) => ({ host: hostOf(v.host), path: String(v.path ?? '') }));
  if (hosts.length) return hosts;
  return typeof proxy.context_path === 'string' ? [{ path: proxy.context_path }] : [];
}

/** The valid paths, sanitized (invalid ones are left out). */
export function sanitizedPaths(paths: ContextPath[]): ContextPath[] {
  const out: ContextPath[] = [];
  for (const p of paths) {
    const path = sanitizePath(p.path);
    if (path !== undefined) out.push({ host: p.host, path });
  }
  return out;
}
