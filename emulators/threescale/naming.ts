/** System names and endpoint URLs as porta stores them. */
import type { Validation } from './errors.ts';

/** Default system name: the name lower-cased, runs of other characters as `_` (Rails `parameterize`). */
export const defaultSystemName = (name: string): string =>
  name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'unnamed';

const SYSTEM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function checkSystemName(v: Validation, systemName: string, taken: boolean): void {
  if (!SYSTEM_NAME.test(systemName)) v.add('system_name', 'invalid. Only ASCII letters, numbers, dashes and underscores are allowed.');
  if (taken) v.add('system_name', 'has already been taken');
}

/**
 * An http(s)/ws(s) URL with its default port made explicit (`https://h` → `https://h:443`), as porta
 * normalises private endpoints and public base URLs; undefined when it is not such a URL.
 */
export function endpointWithPort(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const defaults: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
  const port = defaults[url.protocol];
  if (!port || !url.hostname) return undefined;
  const path = url.pathname === '/' && !value.endsWith('/') ? '' : url.pathname;
  return `${url.protocol}//${url.hostname}:${url.port || port}${path}${url.search}`;
}
