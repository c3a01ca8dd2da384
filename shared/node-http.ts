import type * as Http from 'node:http';
import type * as Https from 'node:https';

/**
 * node:http and node:https as CommonJS modules. An ESM `import` of node:http builds a facade that reads every export,
 * including the lazy WebSocket getters that load Node's bundled undici: about 100 ms of every cold start.
 */
export const http = process.getBuiltinModule('node:http') as typeof Http;
export const https = process.getBuiltinModule('node:https') as typeof Https;
