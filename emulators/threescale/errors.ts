/** porta's error answers (`PORTA app/controllers/concerns/error_handling.rb`, `filters/provider_required.rb`). */

export class ThreescaleError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
  }
}

export type FieldErrors = Record<string, string[]>;

/** 404 for an unknown id or route: `{"status":"Not found"}`. */
export const notFound = (): ThreescaleError => new ThreescaleError(404, { status: 'Not found' });

/** 403 for a missing or invalid credential. */
export const accessDenied = (): ThreescaleError => new ThreescaleError(403, { error: 'Access denied' });

/** 403 for a valid token whose scope or permission does not cover the call (`by_access_token.rb`). */
export const wrongPermissions = (): ThreescaleError =>
  new ThreescaleError(403, { error: 'Your access token does not have the correct permissions' });

/** 401 plain text on the Master API (`master/api/providers_controller.rb`). */
export const masterUnauthorized = (): ThreescaleError => new ThreescaleError(401, 'unauthorized');

/** 422 with ActiveRecord field errors: `{"errors":{"system_name":["has already been taken"]}}`. */
export const unprocessable = (errors: FieldErrors): ThreescaleError => new ThreescaleError(422, { errors });

export const fieldError = (field: string, message: string): ThreescaleError => unprocessable({ [field]: [message] });

export const taken = (field: string): ThreescaleError => fieldError(field, 'has already been taken');

export const blank = (field: string): ThreescaleError => fieldError(field, "can't be blank");

/** 400 for a request porta cannot read (`bad_request_error_response_fixture.json` shape). */
export const badRequest = (message: string): ThreescaleError => new ThreescaleError(400, { error: message });

/** 409 with an empty body: a database unique violation (`admin/api/base_controller.rb` RecordNotUnique). */
export const conflict = (): ThreescaleError => new ThreescaleError(409, '');

/** Collects field errors so that a request reports all of them at once, as ActiveRecord validations do. */
export class Validation {
  readonly errors: FieldErrors = {};

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  check(): void {
    if (Object.keys(this.errors).length) throw unprocessable(this.errors);
  }
}
