/**
 * Standalone gateway controller emulator:
 * `npx node emulators/wso2/gateway-controller/main.ts [--port N] [--host H] [--user NAME:PASSWORD[:ROLE,…]]… [--token T]… [--no-auth]`.
 * Prints one JSON line: URL, management API base URL, credentials.
 */
import { optionsFromArgs, startupLine } from './command-line.ts';
import { startWso2GatewayController } from './index.ts';

const emulator = await startWso2GatewayController(optionsFromArgs(process.argv.slice(2)));
console.log(startupLine(emulator));
const stop = () => void emulator.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
