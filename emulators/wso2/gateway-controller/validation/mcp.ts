/** The MCP proxy validator (`pkg/config/mcp_validator.go`). */
import type { FieldError } from '../errors.ts';
import { parseGoUrl } from '../go-url.ts';
import { validateMetadata, validateNotReservedHealthPath, validateResilience, validateUpstreamDefinitions, upstreamRefResolves } from './common.ts';
import { obj, optionalText, text } from './fields.ts';

type Json = Record<string, unknown>;

const DISPLAY_NAME = /^[a-zA-Z0-9\-_. ]+$/;
const VERSION = /^v?\d+(\.\d+)?(\.\d+)?$/;
const MCP_SPEC_VERSIONS = ['2025-06-18', '2025-11-25'];

export function validateMcp(resource: Json): FieldError[] {
  const errors: FieldError[] = [];
  if (resource.kind !== 'Mcp') errors.push({ field: 'kind', message: "Unsupported configuration kind (only 'Mcp' is supported)" });
  errors.push(...validateMetadata(resource.metadata));
  const spec = obj(resource.spec) ?? {};
  const displayName = text(spec.displayName);
  if (displayName === '') errors.push({ field: 'spec.displayName', message: 'MCP proxy displayName is required' });
  else if (displayName.length > 100) errors.push({ field: 'spec.displayName', message: 'MCP proxy displayName must be 1-100 characters' });
  else if (!DISPLAY_NAME.test(displayName)) {
    errors.push({
      field: 'spec.displayName',
      message: 'MCP proxy displayName must be URL-friendly (only letters, numbers, spaces, hyphens, underscores, and dots allowed)',
    });
  }
  const version = text(spec.version);
  if (version === '') errors.push({ field: 'spec.version', message: 'Version is required' });
  else if (!VERSION.test(version)) errors.push({ field: 'spec.version', message: 'Version must follow semantic versioning pattern (e.g., v1.0, v2.1.3)' });
  const specVersion = optionalText(spec.specVersion);
  if (specVersion !== undefined && !MCP_SPEC_VERSIONS.includes(specVersion)) {
    errors.push({ field: 'spec.specVersion', message: `Unsupported MCP spec version (supported versions: ${MCP_SPEC_VERSIONS.join(', ')})` });
  }
  errors.push(...validateContextAndVhost(optionalText(spec.context), optionalText(spec.vhost)));
  errors.push(...validateUpstreamDefinitions('spec.upstreamDefinitions', spec.upstreamDefinitions));
  errors.push(...validateUpstream(obj(spec.upstream), spec.upstreamDefinitions));
  errors.push(...validateResilience('spec.resilience', spec.resilience));
  return errors;
}

function validateContextAndVhost(context: string | undefined, vhost: string | undefined): FieldError[] {
  if (!context) return vhost ? [] : [{ field: 'spec.vhost', message: 'Vhost is required when context is not specified' }];
  const errors: FieldError[] = [];
  if (!context.startsWith('/')) errors.push({ field: 'spec.context', message: 'Context must start with /' });
  if (context.endsWith('/') && context !== '/') errors.push({ field: 'spec.context', message: 'Context cannot end with / (except for root context)' });
  if (context.length > 200) errors.push({ field: 'spec.context', message: 'Context must be 1-200 characters' });
  return [...errors, ...validateNotReservedHealthPath('spec.context', context.trim())];
}

function validateUpstream(upstream: Json | undefined, definitions: unknown): FieldError[] {
  const prefix = 'spec.upstream';
  const u = upstream ?? {};
  const url = optionalText(u.url)?.trim() ?? '';
  const ref = optionalText(u.ref)?.trim() ?? '';
  const errors: FieldError[] = [];
  if (url && ref) errors.push({ field: prefix, message: "Specify exactly one of 'url' or 'ref'" });
  else if (!url && !ref) errors.push({ field: prefix, message: "Must specify either 'url' or 'ref'" });
  else if (ref) {
    if (!upstreamRefResolves(ref, definitions)) errors.push({ field: `${prefix}.ref`, message: `Referenced upstream definition '${ref}' not found in upstreamDefinitions` });
  } else {
    const parsed = parseGoUrl(url);
    if (parsed instanceof Error) errors.push({ field: `${prefix}.url`, message: `Invalid URL format: ${parsed.message}` });
    else {
      if (parsed.scheme !== 'http' && parsed.scheme !== 'https') errors.push({ field: `${prefix}.url`, message: 'Upstream URL must use http or https scheme' });
      if (parsed.host === '') errors.push({ field: `${prefix}.url`, message: 'Upstream URL must include a host' });
    }
  }
  const auth = obj(u.auth);
  if (auth) {
    if (text(auth.type) === '') errors.push({ field: `${prefix}.auth.type`, message: 'Auth type is required' });
    if (text(auth.header) === '') errors.push({ field: `${prefix}.auth.header`, message: 'Auth header is required' });
    const value = optionalText(auth.value);
    if (!value) errors.push({ field: `${prefix}.auth.value`, message: 'Auth value is required' });
    if (auth.type === 'bearer' && value !== undefined && !value.startsWith('Bearer ') && !value.startsWith('bearer ')) {
      errors.push({ field: `${prefix}.auth.value`, message: "Bearer token value must start with 'Bearer ' or 'bearer '" });
    }
  }
  return errors;
}
