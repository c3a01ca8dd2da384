/**
 * URL path -> what is being asked for, following apiserver's RequestInfoFactory:
 * /api/v1/... and /apis/{group}/{version}/..., optional namespaces/{ns}, resource, name, subresource,
 * the legacy /watch/ prefix, namespaces/{name}/status|finalize, and services/{id}/proxy/{any path}.
 */

export type PathInfo =
  | { kind: 'discovery'; path: 'version' | 'api' | 'apis' | 'health' }
  | { kind: 'openapi'; version: string; rest: string }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | {
      kind: 'resource';
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
      legacyWatch: boolean;
      /** services/{id}/proxy: the path after `/proxy` (still percent-encoded) and the path up to it. */
      proxy?: { path: string; prefix: string };
    }
  | { kind: 'unknown' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const SERVICE_PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

export function parsePath(pathname: string): PathInfo {
  const proxy = SERVICE_PROXY.exec(pathname);
  if (proxy) {
    try {
      const [namespace, name] = [decodeURIComponent(proxy[1]), decodeURIComponent(proxy[2])];
      const path = proxy[3] ?? '';
      return { kind: 'resource', group: '', version: 'v1', namespace, resource: 'services', name, subresource: 'proxy', legacyWatch: false, proxy: { path, prefix: pathname.slice(0, pathname.length - path.length) } };
    } catch {
      return { kind: 'unknown' };
    }
  }
  let parts: string[];
  try {
    parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { kind: 'unknown' };
  }
  if (parts.length === 1 && parts[0] === 'version') return { kind: 'discovery', path: 'version' };
  if (parts.length >= 1 && ['healthz', 'livez', 'readyz'].includes(parts[0])) return { kind: 'discovery', path: 'health' };
  if (parts[0] === 'openapi') return { kind: 'openapi', version: parts[1] ?? '', rest: parts.slice(2).join('/') };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'discovery', path: 'api' };
    if (parts[1] !== 'v1') return { kind: 'unknown' };
    [group, version, rest] = ['', 'v1', parts.slice(2)];
    if (rest.length === 0) return { kind: 'groupVersion', group, version };
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'discovery', path: 'apis' };
    if (parts.length === 2) return { kind: 'group', group: parts[1] };
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    if (rest.length === 0) return { kind: 'groupVersion', group, version };
  } else return { kind: 'unknown' };

  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'unknown' };
  const [resource, name, subresource] = rest;
  // /api/v1/namespaces/foo names the Namespace foo, not a namespace scope.
  if (resource === 'namespaces' && group === '' && name !== undefined && namespace === name) namespace = undefined;
  return { kind: 'resource', group, version, namespace, resource, name, subresource, legacyWatch };
}
