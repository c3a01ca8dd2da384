/** Standalone Gravitee APIM emulator: `node emulators/gravitee/main.ts [--port N] [--host H]`. */
import { parseArgs } from 'node:util';
import { startGraviteeEmulator } from './index.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string' } } });
const emulator = await startGraviteeEmulator({ port: Number(values.port), host: values.host });
console.log(JSON.stringify({ url: emulator.url, username: 'admin', password: 'admin' }));
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
