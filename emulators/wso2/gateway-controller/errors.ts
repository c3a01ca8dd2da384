/**
 * The gateway controller's error answers: `ErrorResponse` (`{status: 'error', message, errors?}`) from its
 * handlers, `{code, message}` from its authentication middleware (go-httpkit `WriteError`), and Go's
 * ServeMux text for routes it does not have.
 */
import { STATUS_CODES } from 'node:http';
import type { Answer } from './http-io.ts';

/** A field-level problem, as the gateway's validators report it (`field` is a dotted path like `spec.operations[0].path`). */
export interface FieldError {
  field: string;
  message: string;
}

export class GatewayError extends Error {
  readonly answer: Answer;

  constructor(answer: Answer) {
    super(typeof answer.body === 'object' && answer.body !== null ? String((answer.body as { message?: unknown }).message) : String(answer.body));
    this.answer = answer;
  }
}

/** `ErrorResponse` with a status code. */
export const failure = (status: number, message: string, errors?: FieldError[]): GatewayError =>
  new GatewayError({ status, body: { status: 'error', message, ...(errors ? { errors } : {}) } });

export const badRequest = (message: string): GatewayError => failure(400, message);
export const notFound = (message: string): GatewayError => failure(404, message);
export const conflict = (message: string): GatewayError => failure(409, message);
export const internal = (message: string): GatewayError => failure(500, message);

/** The REST API handler's answer to validator errors: the list, each naming its field. */
export const validationFailed = (errors: FieldError[]): GatewayError => failure(400, 'Configuration validation failed', errors);

/** How the other kinds' services fold validator errors into one message: `N error(s): 1. field: message; 2. …`. */
export const numbered = (errors: FieldError[], noun = 'error(s)'): string =>
  `${errors.length} ${noun}: ${errors.map((e, i) => `${i + 1}. ${e.field}: ${e.message}`).join('; ')}`;

/** Storage's sentinel errors, wrapped as Go's `fmt.Errorf("%w: …")` prints them. */
export const CONFLICT = 'configuration already exists';
export const NOT_FOUND = 'configuration not found';

/** The authentication middleware's 401s and the authorization middleware's 403. */
export const noCredentials = (): GatewayError =>
  // the gateway really sends the context key `skip_authz` as the code here
  new GatewayError({ status: 401, body: { code: 'skip_authz', message: 'no valid authentication credentials provided' } });
export const authenticationFailed = (): GatewayError =>
  new GatewayError({ status: 401, body: { code: 'authentication_failed', message: 'authentication failed' } });
export const forbidden = (): GatewayError => new GatewayError({ status: 403, body: { code: 'forbidden', message: 'forbidden' } });

/** Go's ServeMux: no route for the path, or none for the method. */
export const routeNotFound = (): GatewayError => new GatewayError({ status: 404, text: '404 page not found\n' });
export const methodNotAllowed = (allowed: string[]): GatewayError =>
  new GatewayError({ status: 405, text: 'Method Not Allowed\n', headers: { allow: allowed.join(', ') } });

/** Default body of an injected fault: `ErrorResponse` with the status's reason (the 500 worded as the gateway's own). */
export const faultBody = (status: number): unknown => ({
  status: 'error',
  message: status === 500 ? 'Internal server error' : (STATUS_CODES[status] ?? `HTTP ${status}`),
});
