/** Standalone Gravitee APIM emulator: `node emulators/gravitee/main.ts [--port N] [--host H]`. */
import { parseArgs } from 'node:util';
import { serveUntilSignalled } from '../common/standalone.ts';
import { startGraviteeEmulator } from './index.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string' } } });
const emulator = await startGraviteeEmulator({ port: Number(values.port), host: values.host });
serveUntilSignalled(emulator, { url: emulator.url, username: 'admin', password: 'admin' });
