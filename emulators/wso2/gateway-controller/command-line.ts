/**
 * The emulator's command line, shared by `main.ts` and the `apim-sync emulate wso2` command:
 * `[--port N] [--host H] [--user NAME:PASSWORD[:ROLE,…]]… [--token T]… [--no-auth]`.
 */
import { parseArgs } from 'node:util';
import type { GatewayUser, Wso2GatewayController, Wso2GatewayControllerOptions } from './types.ts';

/** `name:password[:role,role]` (roles default to admin). */
export function parseUser(spec: string): GatewayUser {
  const [username, password, roles] = spec.split(':');
  if (!username || password === undefined) throw new Error(`--user ${spec}: expected NAME:PASSWORD[:ROLE,…]`);
  return { username, password, roles: roles ? roles.split(',') : ['admin'] };
}

export function optionsFromArgs(args: string[]): Wso2GatewayControllerOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      user: { type: 'string', multiple: true },
      token: { type: 'string', multiple: true },
      'no-auth': { type: 'boolean', default: false },
    },
  });
  return {
    port: Number(values.port),
    host: values.host,
    users: values.user?.length ? values.user.map(parseUser) : undefined,
    bearerTokens: values.token,
    auth: !values['no-auth'],
  };
}

/** The one JSON line printed at start: where it listens and with which credentials (test credentials by design). */
export const startupLine = (emulator: Wso2GatewayController): string =>
  JSON.stringify({ url: emulator.url, baseUrl: emulator.baseUrl, ...emulator.credentials });
