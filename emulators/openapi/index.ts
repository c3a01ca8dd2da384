/**
 * Generic OpenAPI 3.0/3.1 request validator, used by the vendor emulators to check that every request
 * they receive stays inside the vendor's published contract.
 */
export { loadSpec, createContract, parseSpecText } from './contract.ts';
export { describeViolation } from './describe.ts';
export { objectAt } from './refs.ts';
export type {
  LoadSpecOptions,
  MatchedOperation,
  OpenApiContract,
  RequestToValidate,
  ValidationResult,
  Violation,
  ViolationLocation,
} from './types.ts';
