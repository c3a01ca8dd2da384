/**
 * Gravitee APIM emulator: the Automation API (v4 APIs, applications), Management v2 (environment, API
 * reads) and Management v1 (`import-crd` for v2 APIs) as GKO calls them, with APIM's ids, errors and
 * import validation. Every request is checked against the published OpenAPI contract.
 */
export { startGraviteeEmulator } from './server.ts';
export { nameUuid, topLevelIds, apiSubResourceIds } from './ids.ts';
export type { Credentials, UserCredential } from './auth.ts';
export type { FaultRule } from '../common/faults.ts';
export type { ApiV2State, ApiV4State, ApplicationState, ErrorsState, PlanState } from './store.ts';
export type {
  CallRecord,
  ContractViolation,
  EmulatorState,
  GraviteeEmulator,
  GraviteeEmulatorOptions,
} from './types.ts';
