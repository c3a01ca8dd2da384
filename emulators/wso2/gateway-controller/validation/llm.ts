/** LLM provider template, provider and proxy validators (`pkg/config/llm_validator.go`). */
import type { FieldError } from '../errors.ts';
import { parseGoUrl } from '../go-url.ts';
import { validateLabels, validateNotReservedHealthPath, validateResilience, validateUpstreamDefinitions, upstreamRefResolves } from './common.ts';
import { list, obj, optionalText, text } from './fields.ts';
import { checkPolicyList, checkPolicyRef, type PolicyCatalog } from './policies.ts';

type Json = Record<string, unknown>;

const VERSION = /^v?\d+(\.\d+)?(\.\d+)?$/;
/** DNS-subdomain handles. */
const LLM_HANDLE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESOURCE_PATH = /^\/(?:[A-Za-z0-9._~-]+|\*|\{[A-Za-z0-9._~-]+\})(?:\/(?:[A-Za-z0-9._~-]+|\*|\{[A-Za-z0-9._~-]+\}))*$|^\/$/;
const HANDLE_RULE = 'must consist of lowercase alphanumeric characters, hyphens, or dots, and must start and end with an alphanumeric character';
const TOKEN_FIELDS = ['promptTokens', 'completionTokens', 'totalTokens', 'remainingTokens', 'requestModel', 'responseModel'];

function validateHandle(kind: string, resource: Json): FieldError[] {
  const errors: FieldError[] = [];
  if (resource.kind !== kind) errors.push({ field: 'kind', message: `Kind must be '${kind}'` });
  const metadata = obj(resource.metadata) ?? {};
  const name = text(metadata.name);
  if (name === '') errors.push({ field: 'metadata.name', message: 'metadata.name is required' });
  else if (name.length > 253) errors.push({ field: 'metadata.name', message: 'metadata.name must not exceed 253 characters' });
  else if (!LLM_HANDLE.test(name)) errors.push({ field: 'metadata.name', message: `metadata.name ${HANDLE_RULE}` });
  return [...errors, ...validateLabels(metadata.labels)];
}

function validateDisplayName(spec: Json): FieldError[] {
  const displayName = text(spec.displayName);
  if (displayName === '') return [{ field: 'spec.displayName', message: 'spec.displayName is required' }];
  if (displayName.length > 253) return [{ field: 'spec.displayName', message: 'spec.displayName must not exceed 253 characters' }];
  return [];
}

export function validateTemplate(resource: Json): FieldError[] {
  const spec = obj(resource.spec) ?? {};
  const errors = [...validateHandle('LlmProviderTemplate', resource), ...validateDisplayName(spec)];
  for (const key of TOKEN_FIELDS) if (obj(spec[key])) errors.push(...validateExtraction(`spec.${key}`, obj(spec[key])!));
  const resources = list(obj(spec.resourceMappings)?.resources);
  if (resources) {
    if (resources.length === 0) errors.push({ field: 'spec.resourceMappings.resources', message: 'resources must be non-empty' });
    resources.forEach((raw, i) => {
      const mapping = obj(raw) ?? {};
      const at = `spec.resourceMappings.resources[${i}]`;
      const path = text(mapping.resource);
      if (path.trim() === '' || path.trim() !== path || /\s/.test(path) || !RESOURCE_PATH.test(path)) {
        errors.push({ field: `${at}.resource`, message: "resource must be an absolute path starting with '/' and contain no spaces" });
      }
      for (const key of TOKEN_FIELDS) if (obj(mapping[key])) errors.push(...validateExtraction(`${at}.${key}`, obj(mapping[key])!));
    });
  }
  return errors;
}

function validateExtraction(prefix: string, identifier: Json): FieldError[] {
  const errors: FieldError[] = [];
  if (!['payload', 'header', 'queryParam', 'pathParam'].includes(text(identifier.location))) {
    errors.push({ field: `${prefix}.location`, message: "Location must be 'payload' or 'header' or 'queryParam' or 'pathParam'" });
  }
  if (text(identifier.identifier) === '') errors.push({ field: `${prefix}.identifier`, message: 'Identifier is required' });
  return errors;
}

export function validateProvider(resource: Json): FieldError[] {
  const spec = obj(resource.spec) ?? {};
  const errors = [...validateHandle('LlmProvider', resource), ...validateDisplayName(spec)];
  const version = text(spec.version);
  if (version !== '' && !VERSION.test(version)) errors.push({ field: 'spec.version', message: 'Provider version format is invalid (expected vX.Y.Z)' });
  if (text(spec.template) === '') errors.push({ field: 'spec.template', message: 'Template reference is required' });
  const context = optionalText(spec.context);
  if (context !== undefined) errors.push(...validateNotReservedHealthPath('spec.context', context.trim()));
  errors.push(...validateUpstreamDefinitions('spec.upstreamDefinitions', spec.upstreamDefinitions));
  errors.push(...validateUpstreamWithAuth(obj(spec.upstream), spec.upstreamDefinitions));
  errors.push(...validateAccessControl(obj(spec.accessControl)));
  errors.push(...validatePolicyListExclusivity(spec));
  errors.push(...validateResilience('spec.resilience', spec.resilience));
  return errors;
}

function validateUpstreamWithAuth(upstream: Json | undefined, definitions: unknown): FieldError[] {
  const prefix = 'spec.upstream';
  const u = upstream ?? {};
  const url = optionalText(u.url)?.trim() ?? '';
  const ref = optionalText(u.ref)?.trim() ?? '';
  const errors: FieldError[] = [];
  if (url && ref) errors.push({ field: prefix, message: "Specify exactly one of 'url' or 'ref'" });
  else if (!url && !ref) errors.push({ field: prefix, message: "Must specify either 'url' or 'ref'" });
  else if (url) {
    const parsed = parseGoUrl(url);
    if (parsed instanceof Error) errors.push({ field: `${prefix}.url`, message: `Upstream URL is malformed: ${parsed.message}` });
    else if (parsed.scheme !== 'http' && parsed.scheme !== 'https') errors.push({ field: `${prefix}.url`, message: 'Upstream URL must use http or https scheme' });
    else if (parsed.host === '') errors.push({ field: `${prefix}.url`, message: 'Upstream URL must include a host' });
  } else if (!upstreamRefResolves(ref, definitions)) {
    errors.push({ field: `${prefix}.ref`, message: `Referenced upstream definition '${ref}' not found in upstreamDefinitions` });
  }
  const auth = obj(u.auth);
  if (auth) errors.push(...validateUpstreamAuth(`${prefix}.auth`, auth));
  return errors;
}

function validateUpstreamAuth(prefix: string, auth: Json): FieldError[] {
  const type = text(auth.type);
  const errors: FieldError[] = [];
  if (type === '') errors.push({ field: `${prefix}.type`, message: 'Auth type is required' });
  else if (!['api-key', 'other', 'none'].includes(type)) errors.push({ field: `${prefix}.type`, message: "Auth type must be one of 'api-key', 'other', 'none'" });
  if (type === 'api-key') {
    if (text(auth.header) === '') errors.push({ field: `${prefix}.header`, message: 'Auth header is required when api-key auth type is set' });
    if (text(auth.value) === '') errors.push({ field: `${prefix}.value`, message: 'Auth value is required when api-key auth type is set' });
  }
  return errors;
}

function validateAccessControl(ac: Json | undefined): FieldError[] {
  const prefix = 'spec.accessControl';
  const mode = text(ac?.mode);
  const errors: FieldError[] = [];
  if (mode !== 'allow_all' && mode !== 'deny_all') errors.push({ field: `${prefix}.mode`, message: "Access control mode must be either 'allow_all' or 'deny_all'" });
  (list(ac?.exceptions) ?? []).forEach((raw, i) => {
    const exception = obj(raw) ?? {};
    if (text(exception.path) === '') errors.push({ field: `${prefix}.exceptions[${i}].path`, message: 'Exception path is required' });
    if ((list(exception.methods) ?? []).length === 0) errors.push({ field: `${prefix}.exceptions[${i}].methods`, message: 'At least one method is required for exception' });
  });
  return errors;
}

function validatePolicyListExclusivity(spec: Json): FieldError[] {
  const hasLegacy = (list(spec.policies) ?? []).length > 0;
  const hasNew = (list(spec.globalPolicies) ?? []).length > 0 || (list(spec.operationPolicies) ?? []).length > 0;
  if (!hasLegacy || !hasNew) return [];
  return [
    {
      field: 'spec.policies',
      message:
        "The deprecated 'policies' field cannot be used together with 'globalPolicies' or 'operationPolicies'. Use either the legacy 'policies' list or the new 'globalPolicies'/'operationPolicies' lists, not both.",
    },
  ];
}

export function validateProxy(resource: Json): FieldError[] {
  const spec = obj(resource.spec) ?? {};
  const errors = [...validateHandle('LlmProxy', resource), ...validateDisplayName(spec)];
  const version = text(spec.version);
  if (version !== '' && !VERSION.test(version)) errors.push({ field: 'spec.version', message: 'Proxy version format is invalid (expected vX.Y.Z)' });
  const context = optionalText(spec.context);
  if (context !== undefined) errors.push(...validateNotReservedHealthPath('spec.context', context.trim()));
  const provider = obj(spec.provider) ?? {};
  const providerId = text(provider.id);
  if (providerId === '') return [...errors, { field: 'spec.provider.id', message: 'Provider is required' }];
  if (!LLM_HANDLE.test(providerId)) errors.push({ field: 'spec.provider.id', message: `spec.provider.id ${HANDLE_RULE}` });
  if (obj(provider.auth)) errors.push(...validateUpstreamAuth('spec.provider.auth', obj(provider.auth)!));
  const seen = new Set([providerId]);
  (list(spec.additionalProviders) ?? []).forEach((raw, i) => {
    const extra = obj(raw) ?? {};
    const at = `spec.additionalProviders[${i}]`;
    const id = text(extra.id);
    if (id === '') errors.push({ field: `${at}.id`, message: 'Provider is required' });
    else if (!LLM_HANDLE.test(id)) errors.push({ field: `${at}.id`, message: `${at}.id ${HANDLE_RULE}` });
    let upstreamName = id;
    const as = text(extra.as);
    if (as !== '') {
      upstreamName = as;
      if (!/^[a-zA-Z0-9\-_]+$/.test(as)) errors.push({ field: `${at}.as`, message: `${at}.as must contain only letters, numbers, hyphens, or underscores` });
    }
    if (upstreamName !== '') {
      if (seen.has(upstreamName)) errors.push({ field: at, message: `duplicate upstream name '${upstreamName}' in additionalProviders` });
      seen.add(upstreamName);
    }
    if (obj(extra.auth)) errors.push(...validateUpstreamAuth(`${at}.auth`, obj(extra.auth)!));
    const transformer = obj(extra.transformer);
    if (transformer) {
      if (text(transformer.type) === '') errors.push({ field: `${at}.transformer.type`, message: 'Transformer type is required' });
      const tv = text(transformer.version);
      if (tv === '') errors.push({ field: `${at}.transformer.version`, message: 'Transformer version is required' });
      else if (!/^v\d+$/.test(tv)) errors.push({ field: `${at}.transformer.version`, message: 'Transformer version must be major-only (e.g. v1)' });
    }
  });
  errors.push(...validatePolicyListExclusivity(spec));
  errors.push(...validateResilience('spec.resilience', spec.resilience));
  return errors;
}

/** Policy references of a provider or proxy: global and operation policies and the deprecated list. */
export function validateLlmPolicies(spec: Json, catalog: PolicyCatalog): FieldError[] {
  const errors = checkPolicyList(catalog, spec.globalPolicies, 'spec.globalPolicies');
  for (const key of ['operationPolicies', 'policies']) {
    (list(spec[key]) ?? []).forEach((raw, i) => {
      const policy = obj(raw) ?? {};
      errors.push(...checkPolicyRef(catalog, text(policy.name), text(policy.version), `spec.${key}[${i}]`));
    });
  }
  return errors;
}
