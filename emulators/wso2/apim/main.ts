/**
 * Standalone WSO2 APIM 4.7 emulator:
 * `npx node emulators/wso2/apim/main.ts [--port N] [--host H] [--environment NAME]… [--ca-file PATH]`.
 * Prints its URL, the admin credentials and the environments as one JSON line; `--ca-file` writes the CA PEM to trust.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serveUntilSignalled } from '../../common/standalone.ts';
import { startWso2Apim } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string' },
    environment: { type: 'string', multiple: true },
    'ca-file': { type: 'string' },
  },
});
const environments = values.environment?.length ? values.environment.map((name) => ({ name })) : undefined;
const emulator = await startWso2Apim({ port: Number(values.port), host: values.host, environments });
if (values['ca-file']) writeFileSync(values['ca-file'], emulator.caPem);
serveUntilSignalled(emulator, {
  url: emulator.url,
  username: emulator.admin.username,
  password: emulator.admin.password,
  environments: emulator.environments().map((e) => e.name),
  ...(values['ca-file'] ? { caFile: values['ca-file'] } : {}),
});
