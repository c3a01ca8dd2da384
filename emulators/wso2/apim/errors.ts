/**
 * APIM's error answers. The REST APIs (Publisher, DCR) answer carbon-apimgt's `ErrorDTO`
 * (`{code, message, description, moreInfo, error: []}`, the specs' `Error` schema) with the numbers and texts of
 * `org.wso2.carbon.apimgt.api.ExceptionCodes`; the token endpoint answers RFC 6749 §5.2 errors as WSO2 Identity
 * Server words them.
 */
import { STATUS_CODES } from 'node:http';

export interface ErrorListItem {
  code: string;
  message: string;
  description?: string;
}

/** A REST API error: the HTTP status and the ErrorDTO body. */
export class ApimError extends Error {
  readonly status: number;
  readonly code: number;
  readonly title: string;
  readonly description: string;
  readonly items: ErrorListItem[];

  constructor(status: number, code: number, title: string, description: string, items: ErrorListItem[] = []) {
    super(description);
    this.status = status;
    this.code = code;
    this.title = title;
    this.description = description;
    this.items = items;
  }

  body(): Record<string, unknown> {
    return { code: this.code, message: this.title, description: this.description, moreInfo: '', error: this.items };
  }
}

/** An OAuth2 token endpoint error (`{error, error_description}`). */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }

  body(): Record<string, unknown> {
    return { error_description: this.message, error: this.error };
  }
}

// --- authentication and authorization of REST calls (ExceptionCodes 9009xx) ---

export const missingCredentials = (): ApimError =>
  new ApimError(401, 900902, 'Missing Credentials', 'Please provide an active access token to proceed');
export const tokenInvalid = (): ApimError => new ApimError(401, 900906, 'Invalid Credentials', 'Access token is invalid.');
export const tokenExpired = (): ApimError => new ApimError(401, 900903, 'Invalid Credentials', 'Access token is expired.');
export const tokenInactive = (): ApimError => new ApimError(401, 900904, 'Access Token Error', 'Access token is inactive.');
export const invalidScope = (): ApimError =>
  new ApimError(403, 900910, 'Invalid Scope', 'You are not authorized to access the resource.');
/** DCR's HTTP Basic check (the spec's `Unauthorized` response example). */
export const unauthorized = (): ApimError => new ApimError(401, 401, 'Unauthorized', 'The user is not authorized');

// --- request problems ---

/** `RestApiUtil.getErrorDTO(STATUS_BAD_REQUEST_MESSAGE_DEFAULT, 400, …)`. */
export const badRequest = (description: string, items: ErrorListItem[] = []): ApimError =>
  new ApimError(400, 400, 'Bad Request', description, items);
export const forbidden = (description: string): ApimError => new ApimError(403, 403, 'Forbidden', description);
/** `RestApiUtil.handleConflict`. */
export const conflict = (description: string): ApimError => new ApimError(409, 409, 'Conflict', description);
export const resourceNotFound = (): ApimError => new ApimError(404, 900401, 'Resource not found', 'Requested resource not found');
export const notImplemented = (description: string): ApimError => new ApimError(501, 501, 'Not Implemented', description);
export const parameterMissing = (description: string): ApimError => new ApimError(400, 900700, 'Parameter value missing', description);

// --- APIs, revisions, deployments ---

export const apiNotFound = (id: string): ApimError => new ApimError(404, 900308, 'API Not Found', `Requested API with id '${id}' not found`);
export const apiAlreadyExists = (nameVersion: string): ApimError =>
  new ApimError(409, 900300, 'The API already exists.', `Error occurred while adding the API. A duplicate API already exists for ${nameVersion}`);
export const contextAlreadyExists = (context: string): ApimError =>
  new ApimError(409, 900251, 'The API context already exists.', `An API with context '${context}' already exists`);
export const revisionNotFound = (id: string): ApimError =>
  new ApimError(404, 900347, 'API Revision Not Found', `Requested API Revision with id ${id} not found`);
export const maximumRevisionsReached = (apiId: string): ApimError =>
  new ApimError(
    400,
    900351,
    'Can not create API Revision',
    `Maximum number of revisions per API has reached. Need to remove any revision to create a new Revision for API with API UUID: ${apiId}`,
  );
export const revisionDeployed = (id: string): ApimError =>
  new ApimError(
    400,
    900348,
    'Can not delete API Revision',
    `Couldn't delete API revision since API revision is currently deployed to a gateway. You need to undeploy the API Revision from the gateway before attempting deleting API Revision: ${id}`,
  );
export const environmentNotFound = (what: string): ApimError =>
  new ApimError(404, 900506, 'Gateway Environment not found', `Gateway Environment with ${what} not found`);
/** An environment named in a (un)deploy request that does not exist (`mapAPIRevisionDeploymentWithValidation`). */
export const invalidGatewayEnvironment = (name: string): ApimError =>
  new ApimError(400, 900504, 'Invalid Gateway Environment', `Gateway Environment with name '${name}' not found`);

// --- import archives ---

export const archiveUnreadable = (description: string): ApimError =>
  new ApimError(400, 900907, 'Error while reading meta information from the definition', description);
export const definitionFileMissing = (): ApimError =>
  new ApimError(400, 900909, 'Cannot find the definition file of the project', 'Cannot find API definition. api.yaml or api.json should present');
export const openApiMalformed = (description: string): ApimError => new ApimError(400, 900758, 'Malformed OpenAPI Definition', description);
export const openApiNoInfoOrPaths = (): ApimError =>
  new ApimError(400, 900753, 'Invalid OpenAPI Definition', "Required property 'info' or 'paths' are not provided.");
export const openApiUnrecognized = (description: string): ApimError =>
  new ApimError(400, 900759, 'Unrecognized OpenAPI Definition', description);

/** Default body of an injected fault. */
export function faultError(status: number): ApimError {
  const title = STATUS_CODES[status] ?? `HTTP ${status}`;
  return new ApimError(status, status, title, `Injected fault: ${title}`);
}

