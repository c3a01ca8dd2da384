/** Handlers of developer accounts, users, applications, ActiveDocs, the policy registry and the Master API. */
import type { Handler } from './handler.ts';

export const extraRoutes: Record<string, Handler> = {};
