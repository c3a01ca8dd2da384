/** The operator's default system name: the name with every run of non-alphanumerics removed. */
export const defaultSystemName = (name: string): string => name.replace(/[^a-zA-Z0-9]+/g, '');

/** A Backend's or Product's system name as the operator reads it from the resource: spec.systemName, else derived from spec.name. */
export function specSystemName(obj: { spec?: unknown }): string {
  const spec = (obj.spec ?? {}) as { systemName?: unknown; name?: unknown };
  return typeof spec.systemName === 'string' && spec.systemName ? spec.systemName : defaultSystemName(String(spec.name ?? ''));
}

/** Backend metric and method system names come back suffixed `.<backendId>` (`hits.45`); compared without it. */
export const sanitizeBackendSystemName = (systemName: string, backendId: number): string => systemName.replace(new RegExp(`\\.${backendId}$`), '');

/** porta stores endpoints with the default port made explicit (`https://h` → `https://h:443`). */
export function endpointWithPort(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  const defaults: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
  const port = defaults[url.protocol];
  if (!port) return value;
  const path = url.pathname === '/' && !value.endsWith('/') ? '' : url.pathname;
  return `${url.protocol}//${url.hostname}:${url.port || port}${path}${url.search}`;
}
