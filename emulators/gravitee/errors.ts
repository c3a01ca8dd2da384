/**
 * Error bodies in APIM's shapes. Management v2 and the Automation API answer `HttpError`
 * (`{httpStatus, message, technicalCode, parameters?, details?}`); the Management API v1 answers
 * `{message, http_status, technicalCode?, parameters?}`.
 */
import { STATUS_CODES } from 'node:http';

export type ApiArea = 'automation' | 'management-v2' | 'management-v1';

export interface ErrorDetail {
  message: string;
  location?: string;
  invalidValue?: unknown;
}

export class ApimError extends Error {
  readonly status: number;
  readonly technicalCode: string;
  readonly parameters?: Record<string, string>;
  readonly details?: ErrorDetail[];
  constructor(status: number, message: string, technicalCode: string, parameters?: Record<string, string>, details?: ErrorDetail[]) {
    super(message);
    this.status = status;
    this.technicalCode = technicalCode;
    this.parameters = parameters;
    this.details = details;
  }
}

export function errorBody(area: ApiArea, e: ApimError): Record<string, unknown> {
  if (area === 'management-v1') {
    return { message: e.message, http_status: e.status, technicalCode: e.technicalCode, ...(e.parameters ? { parameters: e.parameters } : {}) };
  }
  return {
    httpStatus: e.status,
    message: e.message,
    technicalCode: e.technicalCode,
    ...(e.parameters ? { parameters: e.parameters } : {}),
    ...(e.details ? { details: e.details } : {}),
  };
}

export const unauthorized = (): ApimError => new ApimError(401, 'Unauthorized', 'unauthorized');

export const organizationNotFound = (org: string): ApimError =>
  new ApimError(404, `Organization [${org}] can not be found.`, 'organization.notFound', { organization: org });

export const environmentNotFound = (env: string): ApimError =>
  new ApimError(404, `Environment [${env}] can not be found.`, 'environment.notFound', { environment: env });

/** Automation API, unknown HRID (`HRIDNotFoundException`). */
export const hridNotFound = (hrid: string): ApimError =>
  new ApimError(404, `HRID [${hrid}] cannot be found.`, 'hrid.notFound', { hrid });

export const apiNotFound = (id: string): ApimError => new ApimError(404, `Api [${id}] can not be found.`, 'api.notFound', { api: id });

/** Severe validation errors outside dry-run (`ValidationDomainException` → 400 `invalid`). */
export const importErrors = (messages: string[], details?: ErrorDetail[]): ApimError =>
  new ApimError(400, `Unable to import because of errors [${messages.join(',')}]`, 'invalid', undefined, details);

/** Default body of an injected fault. */
export const faultError = (status: number): ApimError => new ApimError(status, STATUS_CODES[status] ?? `HTTP ${status}`, status >= 500 ? 'technical' : 'fault');

