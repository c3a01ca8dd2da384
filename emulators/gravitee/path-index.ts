/**
 * Context paths of the APIs of one environment, indexed so that APIM's conflict rule
 * (`existing.startsWith(path) || path.startsWith(existing)`, same host) costs a few map lookups per path.
 * Paths are sanitized (they begin and end with `/`), so string prefixes are segment prefixes.
 */
import type { ContextPath } from './context-paths.ts';

const key = (host: string | undefined, path: string) => `${host ?? ''}\u0000${path}`;

/** `/a/b/` → `/`, `/a/`, `/a/b/`. */
function segmentPrefixes(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i + 1));
  return out;
}

export class PathIndex {
  /** host+path → (apiId → that API's path) for every segment prefix of every stored path. */
  private readonly under = new Map<string, Map<string, string>>();
  /** host+path → apiIds holding exactly that path. */
  private readonly exact = new Map<string, Set<string>>();
  private readonly byApi = new Map<string, ContextPath[]>();

  replace(apiId: string, paths: ContextPath[]): void {
    this.remove(apiId);
    if (paths.length === 0) return;
    this.byApi.set(apiId, paths);
    for (const p of paths) {
      const exactKey = key(p.host, p.path);
      let ids = this.exact.get(exactKey);
      if (!ids) this.exact.set(exactKey, (ids = new Set()));
      ids.add(apiId);
      for (const prefix of segmentPrefixes(p.path)) {
        const k = key(p.host, prefix);
        let holders = this.under.get(k);
        if (!holders) this.under.set(k, (holders = new Map()));
        holders.set(apiId, p.path);
      }
    }
  }

  remove(apiId: string): void {
    const paths = this.byApi.get(apiId);
    if (!paths) return;
    this.byApi.delete(apiId);
    for (const p of paths) {
      const exactKey = key(p.host, p.path);
      this.exact.get(exactKey)?.delete(apiId);
      if (this.exact.get(exactKey)?.size === 0) this.exact.delete(exactKey);
      for (const prefix of segmentPrefixes(p.path)) {
        const k = key(p.host, prefix);
        const holders = this.under.get(k);
        holders?.delete(apiId);
        if (holders?.size === 0) this.under.delete(k);
      }
    }
  }

  /** The path of another API that conflicts with `candidate`, if any. */
  conflict(apiId: string, candidate: ContextPath): string | undefined {
    for (const [id, path] of this.under.get(key(candidate.host, candidate.path)) ?? []) if (id !== apiId) return path;
    for (const prefix of segmentPrefixes(candidate.path)) {
      for (const id of this.exact.get(key(candidate.host, prefix)) ?? []) if (id !== apiId) return prefix;
    }
    return undefined;
  }
}
