/**
 * APIM's import-time validation (APIM `ValidateApiCRDDomainService` and the services it calls), the parts
 * an emulator can reproduce: context paths (invalid, duplicated, taken by another API of the environment),
 * unknown groups and categories. Severe errors block an import; warnings are reported in `errors.warning`.
 */
import type { EnvironmentData, ErrorsState, Json } from './store.ts';

export interface ContextPath {
  host?: string;
  path: string;
}

export const noErrors = (): ErrorsState => ({ severe: [], warning: [] });

/** APIM `Path.sanitize`: leading and trailing slash, no doubled slashes; undefined when invalid. */
export function sanitizePath(path: string | undefined): string | undefined {
  const raw = (path ?? '').trim();
  if (/[\s?#\\]/.test(raw) || /%(?![0-9a-fA-F]{2})/.test(raw)) return undefined;
  let p = raw.startsWith('/') ? raw : '/' + raw;
  p = p.replace(/\/{2,}/g, '/');
  return p.endsWith('/') ? p : p + '/';
}

const asArray = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Json[]) : []);
const hostOf = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Context paths of the HTTP listeners of a v4 API spec. */
export function v4Paths(spec: Json): ContextPath[] {
  return asArray(spec.listeners)
    .filter((l) => l.type === 'HTTP')
    .flatMap((l) => asArray(l.paths))
    .map((p) => ({ host: hostOf(p.host), path: String(p.path ?? '') }));
}

/** Context paths of a v2 API definition (`proxy.virtual_hosts`, or the legacy `proxy.context_path`). */
export function v2Paths(definition: Json): ContextPath[] {
  const proxy = (definition.proxy ?? {}) as Json;
  const hosts = asArray(proxy.virtual_hosts).map((v) => ({ host: hostOf(v.host), path: String(v.path ?? '') }));
  if (hosts.length) return hosts;
  return typeof proxy.context_path === 'string' ? [{ path: proxy.context_path }] : [];
}

/** True when a v4 spec has an HTTP listener, whose paths APIM then requires. */
export const hasHttpListener = (spec: Json): boolean => asArray(spec.listeners).some((l) => l.type === 'HTTP');

/** Severe errors of `VerifyApiPathDomainService` for the HTTP listeners of an API. */
export function checkContextPaths(data: EnvironmentData, apiId: string, paths: ContextPath[]): string[] {
  if (paths.length === 0) return ['HTTP listener requires a minimum of one path'];
  const errors: string[] = [];
  const sanitized: ContextPath[] = [];
  for (const p of paths) {
    const s = sanitizePath(p.path);
    if (s === undefined) errors.push(`Path [${p.path}] is invalid`);
    else sanitized.push({ host: p.host, path: s });
  }
  const seen = new Set<string>();
  for (const p of sanitized) {
    const key = `${p.host ?? ''}${p.path}`;
    if (seen.has(key)) errors.push(`Path [${p.path}] is duplicated`);
    seen.add(key);
  }
  const taken = takenPaths(data, apiId);
  for (const p of sanitized) {
    const conflict = taken.find((t) => t.host === p.host && (t.path.startsWith(p.path) || p.path.startsWith(t.path)));
    if (conflict) errors.push(`Path [${conflict.path}] already exists`);
  }
  return errors;
}

function takenPaths(data: EnvironmentData, exceptApiId: string): ContextPath[] {
  const out: ContextPath[] = [];
  const add = (paths: ContextPath[]) => {
    for (const p of paths) {
      const s = sanitizePath(p.path);
      if (s !== undefined) out.push({ host: p.host, path: s });
    }
  };
  for (const [id, api] of data.apis) if (id !== exceptApiId) add(v4Paths(api.value));
  for (const [id, api] of data.v2Apis) if (id !== exceptApiId) add(v2Paths(api.value));
  return out;
}

/** Warnings of `ValidateGroupsDomainService`: groups are known by id or by name. */
export function checkGroups(data: EnvironmentData, envId: string, groups: unknown): string[] {
  if (!Array.isArray(groups)) return [];
  const names = new Set(data.groups.values());
  return groups
    .filter((g) => typeof g === 'string' && !data.groups.has(g) && !names.has(g))
    .map((g) => `Group [${String(g)}] could not be found in environment [${envId}]`);
}

/** Warnings of `ValidateCategoryIdsDomainService`. */
export function checkCategories(data: EnvironmentData, envId: string, categories: unknown): string[] {
  if (!Array.isArray(categories)) return [];
  return categories
    .filter((c) => typeof c === 'string' && !data.categories.has(c))
    .map((c) => `category [${String(c)}] is not defined in environment [${envId}]`);
}
