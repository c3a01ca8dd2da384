/**
 * Standalone WSO2 control plane emulator:
 * `node emulators/wso2/control-plane/main.ts [--flavour apim|platform] [--port N] [--host H] [--gateway NAME[:TOKEN]]…`.
 * Prints one JSON line: URL, flavour, the CA to trust, and each registered gateway with its registration token.
 */
import { parseArgs } from 'node:util';
import { startControlPlaneEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    flavour: { type: 'string', default: 'apim' },
    port: { type: 'string', default: '0' },
    host: { type: 'string' },
    gateway: { type: 'string', multiple: true },
    'ca-out': { type: 'string' },
  },
});
if (values.flavour !== 'apim' && values.flavour !== 'platform') throw new Error(`--flavour must be apim or platform, not ${values.flavour}`);
const cp = await startControlPlaneEmulator({ flavour: values.flavour, port: Number(values.port), host: values.host });
const gateways = (values.gateway?.length ? values.gateway : ['default']).map((spec) => {
  const [name, token] = spec.split(':');
  return { name: name!, ...cp.registerGateway(name!, token || undefined) };
});
if (values['ca-out']) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values['ca-out'], cp.caPem);
}
console.log(
  JSON.stringify({
    url: cp.url,
    flavour: cp.flavour,
    host: cp.host,
    restBase: cp.restBase,
    wsUrl: cp.wsUrl,
    ...(values['ca-out'] ? { caFile: values['ca-out'] } : { caPem: cp.caPem }),
    gateways,
  }),
);
const stop = () => void cp.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
