/** Small HTTP helpers for the Gravitee emulator tests. */
import type { GraviteeEmulator } from '../../emulators/gravitee/index.ts';

export const BASIC_ADMIN = 'Basic ' + Buffer.from('admin:admin').toString('base64');
export const AUTOMATION = '/automation/organizations/DEFAULT/environments/DEFAULT';
export const MANAGEMENT_V1 = '/management/organizations/DEFAULT/environments/DEFAULT';
export const MANAGEMENT_V2 = '/management/v2/organizations/DEFAULT/environments/DEFAULT';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(
  emu: GraviteeEmulator,
  method: string,
  path: string,
  opts: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  const auth = opts.auth === undefined ? BASIC_ADMIN : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(emu.url + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** A v4 PROXY API spec as GKO sends it to the Automation API. */
export function apiSpec(hrid: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hrid,
    name: `API ${hrid}`,
    version: '1.0.0',
    type: 'PROXY',
    state: 'STARTED',
    lifecycleState: 'CREATED',
    definitionContext: { origin: 'KUBERNETES', syncFrom: 'MANAGEMENT' },
    listeners: [{ type: 'HTTP', paths: [{ path }], entrypoints: [{ type: 'http-proxy' }] }],
    endpointGroups: [
      { name: 'default', type: 'http-proxy', endpoints: [{ name: 'default', type: 'http-proxy', configuration: { target: 'https://api.gravitee.io/echo' } }] },
    ],
    plans: [{ hrid: 'keyless', name: 'Keyless', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', security: { type: 'KEY_LESS' } }],
    ...extra,
  };
}

export function applicationSpec(hrid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { hrid, name: `App ${hrid}`, description: 'an application', settings: { app: { type: 'web', clientId: `client-${hrid}` } }, ...extra };
}

/** A v2 API definition as GKO sends it to Management v1 `import-crd`. */
export function v2Definition(id: string, crossId: string, path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    crossId,
    name: 'legacy',
    version: '1',
    description: 'a v2 API',
    gravitee: '2.0.0',
    state: 'STARTED',
    proxy: { virtual_hosts: [{ path }], groups: [{ name: 'default', endpoints: [{ name: 'e', target: 'https://example.org' }] }] },
    plans: [{ id: '11111111-2222-3333-4444-555555555555', crossId: '66666666-7777-8888-9999-000000000000', name: 'free', description: 'd', security: 'KEY_LESS', status: 'PUBLISHED' }],
    ...extra,
  };
}
