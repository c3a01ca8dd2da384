/** Reading request bodies and writing answers (JSON, or plain text for porta's text errors), with porta's 413. */
import type { IncomingMessage } from 'node:http';
import { drain, readBody as readAnyBody, send, type Answer } from '../common/http-io.ts';
import { ThreescaleError } from './errors.ts';

export { drain, send, type Answer };

export const readBody = (req: IncomingMessage): Promise<Buffer> => readAnyBody(req, () => new ThreescaleError(413, { error: 'Request entity too large' }));
