/** Handlers of the Automation API's collections beyond APIs and applications, one module per kind. */
import { automationDocumentations } from './automation-documentations.ts';
import { automationPortals } from './automation-portals.ts';
import { dictionaryHandlers } from './automation-dictionaries.ts';
import { automationGroups } from './automation-groups.ts';
import { sharedPolicyGroupHandlers } from './automation-shared-policy-groups.ts';
import { automationSubscriptions } from './automation-subscriptions.ts';
import type { Handler } from './handler.ts';

export const automationKindHandlers: Record<string, Handler> = {
  ...sharedPolicyGroupHandlers,
  ...dictionaryHandlers,
  ...automationPortals,
  ...automationDocumentations,
  ...automationGroups,
  ...automationSubscriptions,
};
