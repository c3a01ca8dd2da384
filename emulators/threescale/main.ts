/** Standalone 3scale emulator: `node emulators/threescale/main.ts [--port N] [--host H] [--tenant NAME:TOKEN]…`. */
import { parseArgs } from 'node:util';
import { serveUntilSignalled } from '../common/standalone.ts';
import { startThreescaleEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string' },
    'master-token': { type: 'string' },
    tenant: { type: 'string', multiple: true },
  },
});
const tenants = (values.tenant?.length ? values.tenant : ['acme:acme-token']).map((spec) => {
  const [name, adminToken] = spec.split(':');
  return { name: name!, adminToken: adminToken || `${name}-token` };
});
const emulator = await startThreescaleEmulator({ port: Number(values.port), host: values.host, masterToken: values['master-token'], tenants });
serveUntilSignalled(emulator, {
  url: emulator.url,
  masterToken: values['master-token'] ?? 'master-token',
  tenants: tenants.map((t) => ({ name: t.name, adminUrl: emulator.adminUrl(t.name), token: t.adminToken })),
});
