/** Where in the request a violation was found. */
export type ViolationLocation = 'route' | 'path' | 'query' | 'header' | 'body' | 'security';

export interface Violation {
  in: ViolationLocation;
  /** JSON pointer into the part named by `in` (e.g. `/listeners/0/type` for a body, `/dryRun` for a query parameter). */
  pointer: string;
  message: string;
}

export interface RequestToValidate {
  method: string;
  /** Request path without the query string, as received (percent-encoded). */
  path: string;
  query?: URLSearchParams;
  /** Header names in any case; values as node:http gives them. */
  headers?: Record<string, string | string[] | undefined>;
  /**
   * The request body: the JSON value for JSON media types; the text (string or bytes) for YAML media
   * types (`application/yaml`, `*+yaml`…), parsed here, or an already parsed value; a plain object of
   * fields for form media types: text values for `application/x-www-form-urlencoded`, parts for
   * `multipart/form-data` (text parts as strings; a file part as any value, e.g. a Buffer, a Blob or
   * `{ filename, data }`, only its presence is checked). `undefined` = no body.
   */
  body?: unknown;
}

export interface MatchedOperation {
  operationId?: string;
  method: string;
  /** Path template as written in the spec, e.g. `/organizations/{orgId}/environments/{envId}/apis`. */
  pathTemplate: string;
  /** Path and server variables, percent-decoded. */
  pathParams: Record<string, string>;
}

export interface ValidationResult {
  operationId?: string;
  operation?: MatchedOperation;
  violations: Violation[];
  /** The body as validated (a YAML text parsed), when it could be read; absent without a body. */
  body?: unknown;
  /**
   * When the path is in the document but not under the request's method: the methods it is listed with (what
   * a server answers in `Allow` with its 405).
   */
  allowedMethods?: string[];
}

export interface LoadSpecOptions {
  /**
   * Path prefixes the spec's paths are mounted under. Defaults to the path parts of the spec's `servers`
   * (server variables match one path segment each), or `''` when the spec declares no server.
   */
  basePaths?: string[];
  /** Check that a credential of a scheme required by the operation's `security` is present. Default false. */
  checkSecurity?: boolean;
  /** Accept YAML with syntax errors when the parser can still build a document. Default true. */
  lenient?: boolean;
  /** At most this many violations per request (default 25). */
  maxViolations?: number;
  /**
   * Format extensions treated as interchangeable at the end of paths, e.g. `['.json', '.xml']` for Rails
   * APIs whose spec documents `/x.xml` while clients call `/x.json`. The extension is stripped from both
   * the spec paths and the request path before matching (so `{id}.xml` captures `5` from `5.json`); a spec
   * path with an extension then needs one of these extensions in the request.
   */
  formatSuffixes?: string[];
}

export interface OpenApiContract {
  /** `3.0.x` or `3.1.x`, from the document. */
  readonly openapiVersion: string;
  readonly title: string;
  /** Problems met while preparing the contract (unresolvable refs, schemas that do not compile). */
  readonly warnings: string[];
  /** Finds the operation for a method and path, without validating anything. */
  matchRoute(method: string, path: string): MatchedOperation | undefined;
  validateRequest(request: RequestToValidate): ValidationResult;
}
