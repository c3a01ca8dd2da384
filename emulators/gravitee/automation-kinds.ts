/** Handlers of the Automation API's collections beyond APIs and applications, one module per kind. */
import type { Handler } from './handler.ts';

export const automationKindHandlers: Record<string, Handler> = {};
