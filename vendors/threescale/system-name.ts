/** The operator's default system name: the name with every run of non-alphanumerics removed. */
export const defaultSystemName = (name: string): string => name.replace(/[^a-zA-Z0-9]+/g, '');

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
