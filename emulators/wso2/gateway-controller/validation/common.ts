/**
 * Validation rules every kind shares (`pkg/config/validator.go`, `api_validator.go`): metadata, upstream
 * definitions, resilience timeouts and the reserved health path. Messages and field paths are the gateway's.
 */
import { posix } from 'node:path';
import type { FieldError } from '../errors.ts';
import { parseGoUrl } from '../go-url.ts';
import { list, num, obj, optionalText, text } from './fields.ts';

/** `ValidateMetadata`: the handle must be usable in URLs and `$secret{…}` references. */
export function validateMetadata(metadata: unknown): FieldError[] {
  const m = obj(metadata);
  const name = text(m?.name);
  if (name === '') return [{ field: 'metadata.name', message: 'Metadata name is required' }];
  const errors: FieldError[] = [];
  if (/[\s}/\u0000-\u001f\u007f]/.test(name)) {
    errors.push({ field: 'metadata.name', message: "metadata.name must not contain whitespace, '/', '}', or control characters" });
  }
  return [...errors, ...validateLabels(m?.labels)];
}

export function validateLabels(labels: unknown): FieldError[] {
  return Object.keys(obj(labels) ?? {})
    .filter((key) => !/^[^\s]+$/.test(key))
    .map((key) => ({
      field: 'metadata.labels',
      message: `Label key '${key}' contains whitespace characters. Label keys must not contain any whitespace.`,
    }));
}

const RESERVED_HEALTH_PREFIX = '/_gateway-health';

/** Paths under the gateway's own readiness routes are refused (after dot-segment cleaning, as Envoy normalises them). */
export function validateNotReservedHealthPath(field: string, path: string): FieldError[] {
  const canonical = posix.normalize(path.startsWith('/') ? path : '/' + path).replace(/(.)\/$/, '$1');
  if (canonical === RESERVED_HEALTH_PREFIX || canonical.startsWith(RESERVED_HEALTH_PREFIX + '/')) {
    return [{ field, message: `path conflicts with the reserved gateway health-check namespace (${RESERVED_HEALTH_PREFIX})` }];
  }
  return [];
}

/** Single-unit durations (`30s`, `500ms`, `0s`), the CRD's pattern. */
const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;

export function validateResilience(prefix: string, resilience: unknown): FieldError[] {
  const r = obj(resilience);
  if (!r) return [];
  const errors: FieldError[] = [];
  for (const key of ['timeout', 'idleTimeout']) {
    const value = optionalText(r[key])?.trim();
    if (!value) continue;
    if (!DURATION.test(value)) {
      errors.push({
        field: `${prefix}.${key}`,
        message:
          "Invalid timeout format (expected a single-unit duration like '30s', '1m', '500ms', or '0s' to disable; compound, negative, and unitless values are not allowed)",
      });
    }
  }
  return errors;
}

const DEFINITION_NAME = /^[a-zA-Z0-9\-_]+$/;
const BASE_PATH = /^\/[a-zA-Z0-9\-._~!$&'()*+,;=:@%/]*[^/]$/;

/** `validateUpstreamDefinitionsList`, shared by RestApi, LlmProvider and Mcp. */
export function validateUpstreamDefinitions(prefix: string, definitions: unknown): FieldError[] {
  const defs = list(definitions);
  if (!defs) return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  defs.forEach((raw, i) => {
    const def = obj(raw) ?? {};
    const at = `${prefix}[${i}]`;
    const name = text(def.name);
    if (name === '') {
      errors.push({ field: `${at}.name`, message: 'Upstream definition name is required' });
      return;
    }
    if (name.length > 100) errors.push({ field: `${at}.name`, message: 'Upstream definition name must be 1-100 characters' });
    if (!DEFINITION_NAME.test(name)) {
      errors.push({ field: `${at}.name`, message: 'Upstream definition name must match ^[a-zA-Z0-9\\-_]+$ (letters, numbers, hyphens, underscores)' });
    }
    if (seen.has(name)) {
      errors.push({ field: `${at}.name`, message: `Duplicate upstream definition name '${name}'` });
      return;
    }
    seen.add(name);
    const basePath = optionalText(def.basePath);
    if (basePath !== undefined && !BASE_PATH.test(basePath)) {
      errors.push({ field: `${at}.basePath`, message: "Invalid basePath (must start with '/' and must not end with '/'; omit for root)" });
    }
    const targets = list(def.upstreams) ?? [];
    if (targets.length === 0) errors.push({ field: `${at}.upstreams`, message: 'At least one upstream target is required' });
    targets.forEach((rawTarget, j) => errors.push(...validateTarget(`${at}.upstreams[${j}]`, obj(rawTarget) ?? {})));
    const connect = optionalText(obj(def.timeout)?.connect)?.trim();
    if (connect) {
      if (!DURATION.test(connect)) {
        errors.push({ field: `${at}.timeout.connect`, message: "Invalid timeout format (expected a single-unit duration like '30s', '1m', '500ms')" });
      } else if (Number.parseFloat(connect) <= 0) {
        errors.push({ field: `${at}.timeout.connect`, message: 'Connect timeout must be positive' });
      }
    }
  });
  return errors;
}

function validateTarget(at: string, target: Record<string, unknown>): FieldError[] {
  const url = text(target.url);
  if (url === '') return [{ field: `${at}.url`, message: 'URL is required' }];
  const errors: FieldError[] = [];
  const parsed = parseGoUrl(url);
  if (parsed instanceof Error) {
    errors.push({ field: `${at}.url`, message: `Invalid URL format: ${parsed.message}` });
  } else {
    if (parsed.scheme !== 'http' && parsed.scheme !== 'https') errors.push({ field: `${at}.url`, message: 'URL must use http or https scheme' });
    if (parsed.host === '') errors.push({ field: `${at}.url`, message: 'URL must include a host' });
    if (parsed.path !== '' && parsed.path !== '/') {
      errors.push({ field: `${at}.url`, message: 'URL must not include a path; set the base path in upstreamDefinitions[].basePath instead' });
    }
    if (parsed.rawQuery !== '' || parsed.forceQuery) errors.push({ field: `${at}.url`, message: 'URL must not include a query string; only host[:port] is used' });
    if (parsed.fragment !== '') errors.push({ field: `${at}.url`, message: 'URL must not include a fragment; only host[:port] is used' });
  }
  const weight = num(target.weight);
  if (weight !== undefined && (weight < 0 || weight > 100)) errors.push({ field: `${at}.weight`, message: 'Weight must be between 0 and 100' });
  return errors;
}

/** Whether `ref` names one of the upstream definitions. */
export function upstreamRefResolves(ref: string, definitions: unknown): boolean {
  return (list(definitions) ?? []).some((d) => text(obj(d)?.name) === ref.trim());
}
