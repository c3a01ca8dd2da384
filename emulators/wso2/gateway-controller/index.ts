/**
 * WSO2 API Platform gateway controller emulator: the management API (`/api/management/v1`) as the
 * gateway controller answers it — its ids, status blocks, validators, errors and auth — with every
 * request checked against the published OpenAPI spec (`emulators/openapi`).
 */
export { startWso2GatewayController } from './server.ts';
export { BASE_PATH } from './contract.ts';
export type {
  CallRecord,
  ContractViolation,
  FaultRule,
  GatewayUser,
  InstalledPolicy,
  StateKind,
  StateKinds,
  Wso2GatewayController,
  Wso2GatewayControllerOptions,
  Wso2GatewayControllerState,
} from './types.ts';
export type {
  StoredApiKey,
  StoredArtifact,
  StoredCertificate,
  StoredPlan,
  StoredSecret,
  StoredSubscription,
  StoredTemplate,
} from './store.ts';
