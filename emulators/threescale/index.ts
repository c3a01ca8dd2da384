/**
 * Red Hat 3scale emulator: the Account Management API, Policy Registry API and Master API as the 3scale
 * operator's porta client calls them, with porta's envelopes, validations, errors and pagination. Every
 * request is checked against the published OpenAPI specs (`emulators/openapi`).
 */
export { startThreescaleEmulator } from './server.ts';
export type { Collection, TenantSummary, ThreescaleState } from './state-api.ts';
export type {
  CallRecord,
  ContractViolation,
  FaultRule,
  TenantOption,
  ThreescaleEmulator,
  ThreescaleEmulatorOptions,
} from './types.ts';
