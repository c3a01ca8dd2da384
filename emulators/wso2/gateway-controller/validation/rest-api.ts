/** The RestApi validator (`pkg/config/api_validator.go`), run on the rendered configuration. */
import type { FieldError } from '../errors.ts';
import { parseGoUrl } from '../go-url.ts';
import { validateMetadata, validateNotReservedHealthPath, validateResilience, validateUpstreamDefinitions, upstreamRefResolves } from './common.ts';
import { list, obj, optionalText, text } from './fields.ts';
import { checkPolicyList, type PolicyCatalog } from './policies.ts';

const DISPLAY_NAME = /^[a-zA-Z0-9\-_. ]+$/;
const VERSION = /^v?\d+(\.\d+)?(\.\d+)?$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

export function validateRestApi(resource: Record<string, unknown>, catalog: PolicyCatalog): FieldError[] {
  const errors: FieldError[] = [];
  if (resource.kind !== 'RestApi') errors.push({ field: 'kind', message: "Unsupported kind (must be 'RestApi')" });
  const spec = obj(resource.spec) ?? {};
  errors.push(...validateSpec(spec));
  errors.push(...checkPolicyList(catalog, spec.policies, 'spec.policies'));
  (list(spec.operations) ?? []).forEach((op, i) => errors.push(...checkPolicyList(catalog, obj(op)?.policies, `spec.operations[${i}].policies`)));
  errors.push(...validateMetadata(resource.metadata));
  return errors;
}

function validateSpec(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const displayName = text(spec.displayName);
  if (displayName === '') errors.push({ field: 'spec.displayName', message: 'API display name is required' });
  else if (displayName.length > 100) errors.push({ field: 'spec.displayName', message: 'API display name must be 1-100 characters' });
  else if (!DISPLAY_NAME.test(displayName)) {
    errors.push({
      field: 'spec.displayName',
      message: 'API display name must be URL-friendly (only letters, numbers, spaces, hyphens, underscores, and dots allowed)',
    });
  }
  const version = text(spec.version);
  if (version === '') errors.push({ field: 'spec.version', message: 'API version is required' });
  else if (!VERSION.test(version)) errors.push({ field: 'spec.version', message: 'API version must follow semantic versioning pattern (e.g., v1.0, v2.1.3)' });
  const context = text(spec.context);
  errors.push(...validateContext(context));
  errors.push(...validateUpstreamDefinitions('spec.upstreamDefinitions', spec.upstreamDefinitions));
  const upstream = obj(spec.upstream) ?? {};
  errors.push(...validateUpstream('main', obj(upstream.main) ?? {}, spec.upstreamDefinitions));
  if (obj(upstream.sandbox)) errors.push(...validateUpstream('sandbox', obj(upstream.sandbox)!, spec.upstreamDefinitions));
  errors.push(...validateResilience('spec.resilience', spec.resilience));
  errors.push(...validateOperations(context, spec.operations));
  return errors;
}

function validateContext(context: string): FieldError[] {
  if (context === '') return [{ field: 'spec.context', message: 'Context is required' }];
  const errors: FieldError[] = [];
  if (!context.startsWith('/')) errors.push({ field: 'spec.context', message: 'Context must start with /' });
  if (context.endsWith('/') && context !== '/') errors.push({ field: 'spec.context', message: 'Context cannot end with / (except for root context)' });
  if (context.length > 200) errors.push({ field: 'spec.context', message: 'Context must be 1-200 characters' });
  return errors;
}

function validateUpstream(label: string, upstream: Record<string, unknown>, definitions: unknown): FieldError[] {
  const field = `spec.upstream.${label}`;
  const url = optionalText(upstream.url);
  const ref = optionalText(upstream.ref);
  if (url !== undefined && ref !== undefined) return [{ field, message: "Specify exactly one of 'url' or 'ref'" }];
  if (url === undefined && ref === undefined) return [{ field, message: "Must specify either 'url' or 'ref'" }];
  if (url !== undefined) {
    if (url.trim() === '') return [{ field: `${field}.url`, message: 'Upstream URL is required' }];
    const parsed = parseGoUrl(url);
    if (parsed instanceof Error) return [{ field: `${field}.url`, message: `Invalid URL format: ${parsed.message}` }];
    const errors: FieldError[] = [];
    if (parsed.scheme !== 'http' && parsed.scheme !== 'https') errors.push({ field: `${field}.url`, message: 'Upstream URL must use http or https scheme' });
    if (parsed.host === '') errors.push({ field: `${field}.url`, message: 'Upstream URL must include a host' });
    return errors;
  }
  const name = ref!.trim();
  if (name === '') return [{ field: `${field}.ref`, message: 'Upstream reference is required' }];
  if ((list(definitions) ?? []).length === 0) {
    return [{ field: `${field}.ref`, message: `Referenced upstream definition '${name}' not found: no upstreamDefinitions provided` }];
  }
  if (!upstreamRefResolves(name, definitions)) {
    return [{ field: `${field}.ref`, message: `Referenced upstream definition '${name}' not found in upstreamDefinitions` }];
  }
  return [];
}

function validateOperations(context: string, operations: unknown): FieldError[] {
  const ops = list(operations) ?? [];
  if (ops.length === 0) return [{ field: 'spec.operations', message: 'At least one operation is required' }];
  const errors: FieldError[] = [];
  ops.forEach((raw, i) => {
    const op = obj(raw) ?? {};
    // the `match` form is authoritative when present
    const match = obj(op.match);
    const method = match ? text(match.method) : text(op.method);
    const path = match ? text(obj(match.path)?.value) : text(op.path);
    const methodField = match ? `spec.operations[${i}].match.method` : `spec.operations[${i}].method`;
    const pathField = match ? `spec.operations[${i}].match.path.value` : `spec.operations[${i}].path`;
    if (method === '') {
      errors.push({ field: methodField, message: 'HTTP method is required (set operation.method or operation.match.method)' });
    } else if (!METHODS.has(method.toUpperCase())) {
      errors.push({ field: methodField, message: `Invalid HTTP method '${method}' (must be GET, POST, PUT, DELETE, PATCH, HEAD, or OPTIONS)` });
    }
    if (path === '') {
      errors.push({ field: pathField, message: 'Operation path is required (set operation.path or operation.match.path.value)' });
      return;
    }
    if (!path.startsWith('/')) errors.push({ field: pathField, message: 'Operation path must start with /' });
    errors.push(...validateNotReservedHealthPath(pathField, context.replace(/\/$/, '') + '/' + path.replace(/^\//, '')));
    if ((path.match(/\{/g) ?? []).length !== (path.match(/\}/g) ?? []).length) {
      errors.push({ field: pathField, message: 'Operation path has unbalanced braces in parameters' });
    }
    errors.push(...validateResilience(`spec.operations[${i}].resilience`, op.resilience));
  });
  return errors;
}
