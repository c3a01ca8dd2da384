/**
 * Standalone WSO2 control plane emulator:
 * `npx node emulators/wso2/control-plane/main.ts [--flavour apim|platform] [--port N] [--host H] [--gateway NAME[:TOKEN]]… [--ca-file PATH]`.
 * Prints one JSON line: URL, flavour, the CA to trust (or the file `--ca-file` wrote it to), and each registered
 * gateway with its registration token.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serveUntilSignalled } from '../../common/standalone.ts';
import { startControlPlaneEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    flavour: { type: 'string', default: 'apim' },
    port: { type: 'string', default: '0' },
    host: { type: 'string' },
    gateway: { type: 'string', multiple: true },
    'ca-file': { type: 'string' },
  },
});
if (values.flavour !== 'apim' && values.flavour !== 'platform') throw new Error(`--flavour must be apim or platform, not ${values.flavour}`);
const cp = await startControlPlaneEmulator({ flavour: values.flavour, port: Number(values.port), host: values.host });
const gateways = (values.gateway?.length ? values.gateway : ['default']).map((spec) => {
  const [name, token] = spec.split(':');
  return { name: name!, ...cp.registerGateway(name!, token || undefined) };
});
if (values['ca-file']) writeFileSync(values['ca-file'], cp.caPem);
serveUntilSignalled(cp, {
  url: cp.url,
  flavour: cp.flavour,
  host: cp.host,
  restBase: cp.restBase,
  wsUrl: cp.wsUrl,
  ...(values['ca-file'] ? { caFile: values['ca-file'] } : { caPem: cp.caPem }),
  gateways,
});
