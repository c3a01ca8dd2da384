/** Matches a method and path to an operation of an OpenAPI document, honouring server path prefixes. */
import type { MatchedOperation } from './types.ts';
import { pointerOf } from './refs.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Route {
  method: string;
  pathTemplate: string;
  operationId?: string;
  /** Pointers of the path item and the operation object in the document. */
  pathItemPointer: string;
  operationPointer: string;
  regex: RegExp;
  names: string[];
  /** Fewer variables first, then longer templates: concrete paths win over templated ones. */
  rank: [number, number];
  /** The spec path ended with one of the format suffixes (stripped from `regex`). */
  suffixed: boolean;
}

/** Format-suffix option of a route table (see LoadSpecOptions). */
export interface RouteOptions {
  formatSuffixes?: string[];
}

export interface RouteTable {
  byMethod: Map<string, Route[]>;
  options: RouteOptions;
}

/** The path without a trailing format suffix, and whether it had one. */
function stripSuffix(path: string, suffixes: string[] | undefined): [string, boolean] {
  if (suffixes) for (const s of suffixes) if (path.endsWith(s) && path.length > s.length) return [path.slice(0, -s.length), true];
  return [path, false];
}

type Json = Record<string, unknown>;

/** Path part of a server URL (`https://h/apim/automation` → `/apim/automation`), without trailing slash. */
export function serverBasePath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return path === '/' ? '' : path.replace(/\/+$/, '');
}

function serverPaths(servers: unknown): string[] | undefined {
  if (!Array.isArray(servers) || servers.length === 0) return undefined;
  const paths = servers
    .map((s) => (typeof s === 'object' && s !== null ? (s as Json).url : undefined))
    .filter((u): u is string => typeof u === 'string')
    .map(serverBasePath);
  return paths.length ? [...new Set(paths)] : undefined;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compileTemplate(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegex(template.slice(last, m.index)) + '([^/]+)';
    names.push(m[1]!);
    last = m.index! + m[0].length;
  }
  source += escapeRegex(template.slice(last));
  return { regex: new RegExp(`^${source.replace(/\/$/, '')}/?$`), names };
}

export function buildRoutes(doc: Json, basePathsOverride?: string[], options: RouteOptions = {}): RouteTable {
  const byMethod = new Map<string, Route[]>();
  const paths = (doc.paths ?? {}) as Json;
  const rootServers = serverPaths(doc.servers) ?? [''];
  for (const [pathTemplate, rawItem] of Object.entries(paths)) {
    if (typeof rawItem !== 'object' || rawItem === null) continue;
    const item = rawItem as Json;
    const itemServers = serverPaths(item.servers);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (typeof op !== 'object' || op === null) continue;
      const bases = basePathsOverride ?? serverPaths((op as Json).servers) ?? itemServers ?? rootServers;
      for (const base of bases) {
        const [template, suffixed] = stripSuffix(base + pathTemplate, options.formatSuffixes);
        const { regex, names } = compileTemplate(template);
        const route: Route = {
          method: method.toUpperCase(),
          pathTemplate,
          operationId: typeof (op as Json).operationId === 'string' ? ((op as Json).operationId as string) : undefined,
          pathItemPointer: pointerOf(['paths', pathTemplate]),
          operationPointer: pointerOf(['paths', pathTemplate, method]),
          regex,
          names,
          rank: [names.length, -template.length],
          suffixed,
        };
        const list = byMethod.get(route.method) ?? [];
        list.push(route);
        byMethod.set(route.method, list);
      }
    }
  }
  for (const list of byMethod.values()) list.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1]);
  return { byMethod, options };
}

export function matchRoute(
  table: RouteTable,
  method: string,
  path: string,
): { route: Route; match: MatchedOperation } | undefined {
  const [bare, suffixed] = stripSuffix(path, table.options.formatSuffixes);
  return matchMethod(table.byMethod.get(method.toUpperCase()), bare, suffixed);
}

function matchMethod(
  candidates: Route[] | undefined,
  path: string,
  suffixed: boolean,
): { route: Route; match: MatchedOperation } | undefined {
  if (!candidates) return undefined;
  for (const route of candidates) {
    if (route.suffixed && !suffixed) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    route.names.forEach((name, i) => {
      pathParams[name] = safeDecode(m[i + 1]!);
    });
    return {
      route,
      match: { operationId: route.operationId, method: route.method, pathTemplate: route.pathTemplate, pathParams },
    };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The methods the document lists for this path (empty when no operation has it). */
export function methodsOfPath(table: RouteTable, path: string): string[] {
  const [bare, suffixed] = stripSuffix(path, table.options.formatSuffixes);
  const methods: string[] = [];
  for (const [method, list] of table.byMethod) if (list.some((r) => (suffixed || !r.suffixed) && r.regex.test(bare))) methods.push(method);
  return methods;
}
