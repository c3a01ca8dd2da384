/**
 * Error responses exactly as kube-apiserver writes them: a metav1.Status with reason, details and code.
 * Clients (client-node's ApiException, kubectl's error printer) key off reason and code, so both must match.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown anywhere in request handling; the HTTP layer turns it into its Status body. */
export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details: clean(details) } : {}), code };
  }
  get code(): number {
    return this.status.code;
  }
}

/** Go's omitempty: empty strings and empty lists are not serialized. */
function clean(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes?.length) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

/** A group/resource as the apiserver names it in messages: `apiv4definitions.gravitee.io`, or `secrets` for core. */
export interface GroupResource {
  group: string;
  resource: string;
}
export const grString = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

export const notFound = (gr: GroupResource, name: string) =>
  new ApiError(404, 'NotFound', `${grString(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });

export const alreadyExists = (gr: GroupResource, name: string) =>
  new ApiError(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });

export const conflict = (gr: GroupResource, name: string, why: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${why}`, { name, group: gr.group, kind: gr.resource });

export const staleConflict = (gr: GroupResource, name: string) =>
  conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const pathNotFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

export const unsupportedMediaType = (accepted: string[]) =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);

export const expired = (message: string) => new ApiError(410, 'Expired', message);

export const forbidden = (gr: GroupResource, name: string, why: string) =>
  new ApiError(403, 'Forbidden', `${grString(gr)} "${name}" is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource });

/** What the RBAC authorizer answers (responsewriters.Forbidden): the user, verb and resource[/subresource] it lacked. */
export function rbacForbidden(a: { user: string; verb: string; group: string; resource: string; subresource?: string; namespace?: string; name?: string }): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  const why = `User ${JSON.stringify(a.user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.group)} ${scope}`;
  const gr = grString(a);
  return new ApiError(403, 'Forbidden', a.name ? `${gr} ${JSON.stringify(a.name)} is forbidden: ${why}` : `${gr} is forbidden: ${why}`, { name: a.name, group: a.group, kind: a.resource });
}

export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');

/** As NewGenericServerResponse: the status code decides the reason and default message. */
export function genericStatus(code: number, serverMessage?: string): ApiError {
  const [reason, message] = GENERIC[code] ?? ['', `the server responded with the status code ${code} but did not return more information`];
  const causes = serverMessage ? [{ reason: 'UnexpectedServerResponse', message: serverMessage }] : undefined;
  return new ApiError(code, reason, message, causes ? { causes } : undefined);
}

const GENERIC: Record<number, [string, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the server reported the requested resource has expired'],
  413: ['RequestEntityTooLarge', 'the server has rejected the request because the request entity is too large'],
  415: ['UnsupportedMediaType', 'the server does not support the media type of the request'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  500: ['InternalError', 'an error on the server ("") has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----

/** One field validation error; `value` is omitted from the message for Required/Forbidden/TooLong, as upstream does. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

export type FieldErrorType = 'Required' | 'Invalid' | 'TypeInvalid' | 'NotSupported' | 'Forbidden' | 'TooLong' | 'TooMany' | 'Duplicate' | 'NotFound';

const TYPE_TEXT: Record<FieldErrorType, [reason: string, text: string]> = {
  Required: ['FieldValueRequired', 'Required value'],
  Invalid: ['FieldValueInvalid', 'Invalid value'],
  TypeInvalid: ['FieldValueTypeInvalid', 'Invalid value'],
  NotSupported: ['FieldValueNotSupported', 'Unsupported value'],
  Forbidden: ['FieldValueForbidden', 'Forbidden'],
  TooLong: ['FieldValueTooLong', 'Too long'],
  TooMany: ['FieldValueTooMany', 'Too many'],
  Duplicate: ['FieldValueDuplicate', 'Duplicate value'],
  NotFound: ['FieldValueNotFound', 'Not found'],
};

const OMIT_VALUE = new Set<FieldErrorType>(['Required', 'Forbidden', 'TooLong']);

export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type][1];
  if (!OMIT_VALUE.has(e.type) && e.value !== OMIT) s += `: ${goValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** Marks a field error whose value is not printed (field.omitValue upstream). */
export const OMIT = Symbol('omit');

/** Formats a decoded JSON value the way Go's %v/%q/%#v print it in field errors. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goSyntax(v);
}

function goSyntax(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}` : `${v}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(', ')}}`;
  const entries = Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goSyntax((v as Record<string, unknown>)[k])}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}

/** NewInvalid: `Kind.group "name" is invalid: <aggregate>` with one cause per field error. */
export function invalid(group: string, kind: string, name: string, errs: FieldError[]): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const messages = [...new Set(errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`))];
  const agg = messages.length === 0 ? '' : messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const causes = errs.map((e) => ({ reason: TYPE_TEXT[e.type][0], message: fieldErrorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', agg ? `${qualified} "${name}" is invalid: ${agg}` : `${qualified} "${name}" is invalid`, { name, group, kind, causes });
}
