/**
 * Standalone gateway controller emulator:
 * `npx node emulators/wso2/gateway-controller/main.ts [--port N] [--host H] [--user NAME:PASSWORD[:ROLE,…]]… [--token T]… [--no-auth]`.
 * Prints one JSON line: URL, management API base URL, and the credentials it accepts (test credentials by design).
 */
import { parseArgs } from 'node:util';
import { serveUntilSignalled } from '../../common/standalone.ts';
import { startWso2GatewayController, type GatewayUser } from './index.ts';

/** `name:password[:role,role]` (roles default to admin). */
function parseUser(spec: string): GatewayUser {
  const [username, password, roles] = spec.split(':');
  if (!username || password === undefined) throw new Error(`--user ${spec}: expected NAME:PASSWORD[:ROLE,…]`);
  return { username, password, roles: roles ? roles.split(',') : ['admin'] };
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string' },
    user: { type: 'string', multiple: true },
    token: { type: 'string', multiple: true },
    'no-auth': { type: 'boolean', default: false },
  },
});
const emulator = await startWso2GatewayController({
  port: Number(values.port),
  host: values.host,
  users: values.user?.length ? values.user.map(parseUser) : undefined,
  bearerTokens: values.token,
  auth: !values['no-auth'],
});
serveUntilSignalled(emulator, { url: emulator.url, baseUrl: emulator.baseUrl, ...emulator.credentials });
