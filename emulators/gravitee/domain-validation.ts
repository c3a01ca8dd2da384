/**
 * APIM's import-time validation (APIM `ValidateApiCRDDomainService` and the services it calls), the parts
 * an emulator can reproduce: context paths (invalid, duplicated, taken by another API of the environment),
 * unknown groups and categories. Severe errors block an import; warnings are reported in `errors.warning`.
 */
import { sanitizePath, type ContextPath } from './context-paths.ts';
import type { EnvironmentData } from './store.ts';

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
  for (const p of sanitized) {
    const conflict = data.paths.conflict(apiId, p);
    if (conflict !== undefined) errors.push(`Path [${conflict}] already exists`);
  }
  return errors;
}

/** Warnings of `ValidateGroupsDomainService`: groups are known by id or by name (declared, or created through `groups`). */
export function checkGroups(data: EnvironmentData, envId: string, groups: unknown): string[] {
  if (!Array.isArray(groups)) return [];
  const imported = data.table('groups');
  const names = new Set([...data.groups.values(), ...imported.values().map((g) => String(g.name))]);
  return groups
    .filter((g) => typeof g === 'string' && !data.groups.has(g) && !imported.get(g) && !names.has(g))
    .map((g) => `Group [${String(g)}] could not be found in environment [${envId}]`);
}

/** Warnings of `ValidateCategoryIdsDomainService`. */
export function checkCategories(data: EnvironmentData, envId: string, categories: unknown): string[] {
  if (!Array.isArray(categories)) return [];
  return categories
    .filter((c) => typeof c === 'string' && !data.categories.has(c))
    .map((c) => `category [${String(c)}] is not defined in environment [${envId}]`);
}
