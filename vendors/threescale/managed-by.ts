type Json = Record<string, any>;

/**
 * porta's `managed_by` annotation on services, backend APIs and accounts, which the admin portal shows: the operator
 * writes `operator`; apim-sync writes its own name, so a user of the portal learns which tool reverts their edits.
 */
const MANAGED_BY = 'apim-sync';

/** The form field (Rails nested key) that sets it. */
export const managedByField = { 'annotations[managed_by]': MANAGED_BY } as const;

/** Written when it differs (missing, or another tool's): part of the state a sync converges, so drift too. */
export const managedByDiffers = (remote: Json): boolean => remote.annotations?.managed_by !== MANAGED_BY;
