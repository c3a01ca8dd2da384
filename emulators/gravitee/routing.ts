/**
 * Finds which served contract answers a request path. `/management` and `/automation` are APIM's own
 * mounts; an extra prefix (a ManagementContext `spec.path`) replaces both, so under it a request may be
 * for either API: the Automation API is tried first, except for a `DELETE` carrying `closePlans`, which is
 * the Management v1 delete of a v2 API (the only path both APIs share).
 */
import type { MatchedOperation } from '../openapi/index.ts';
import type { Mount, ServedContract } from './contracts.ts';

interface MountPoint {
  prefix: string;
  mount: Mount | 'any';
}

export interface Candidate {
  served: ServedContract;
  /** The request path rewritten under the contract's canonical mount. */
  path: string;
}

export interface Routed extends Candidate {
  operation: MatchedOperation;
}

export class Router {
  private readonly mounts: MountPoint[];
  private readonly contracts: ServedContract[];

  constructor(contracts: ServedContract[], extraPrefixes: string[]) {
    this.contracts = contracts;
    const own: MountPoint[] = [
      { prefix: '/management', mount: '/management' },
      { prefix: '/automation', mount: '/automation' },
    ];
    const extra = extraPrefixes
      .map((p) => (p.startsWith('/') || p === '' ? p : '/' + p).replace(/\/+$/, ''))
      .filter((p) => p !== '/management' && p !== '/automation')
      .map((prefix): MountPoint => ({ prefix, mount: 'any' }));
    this.mounts = [...own, ...extra].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  candidates(method: string, path: string, query: URLSearchParams): Candidate[] {
    const point = this.mounts.find((m) => m.prefix === '' || path === m.prefix || path.startsWith(m.prefix + '/'));
    if (!point) return [];
    const rest = path.slice(point.prefix.length);
    const mounts: Mount[] =
      point.mount !== 'any'
        ? [point.mount]
        : method === 'DELETE' && query.has('closePlans')
          ? ['/management', '/automation']
          : ['/automation', '/management'];
    return mounts.flatMap((mount) =>
      this.contracts.filter((c) => c.mount === mount).map((served) => ({ served, path: mount + rest })),
    );
  }

  route(method: string, path: string, query: URLSearchParams): { routed?: Routed; candidates: Candidate[] } {
    const candidates = this.candidates(method, path, query);
    for (const c of candidates) {
      const operation = c.served.contract.matchRoute(method, c.path);
      if (operation) return { routed: { ...c, operation }, candidates };
    }
    return { candidates };
  }
}
