/**
 * Policy references checked against the installed policies (`policy_validator.go`): only a major version
 * (`v1`) is accepted and it must resolve to an installed one; an empty version means the latest. Policy
 * parameters are not checked against the policies' schemas (they are not published with the gateway).
 */
import type { FieldError } from '../errors.ts';
import type { InstalledPolicy } from '../installed-policies.ts';
import { list, obj, text } from './fields.ts';

/** Installed policies, or `'any'`: every name at every major version. */
export type PolicyCatalog = InstalledPolicy[] | 'any';

const FULL_SEMVER = /^v\d+\.\d+\.\d+$/;
const MAJOR = /^v\d+$/;

/** The problem with one reference, reported on `<fieldPath>.version` as the gateway does. */
export function checkPolicyRef(catalog: PolicyCatalog, name: string, version: string, fieldPath: string): FieldError[] {
  const field = `${fieldPath}.version`;
  const installed = catalog === 'any' ? undefined : catalog.filter((p) => p.name === name);
  const trimmed = version.trim();
  if (trimmed === '') {
    return installed && installed.length === 0 ? [{ field, message: `policy '${name}' not found in loaded policy definitions` }] : [];
  }
  if (FULL_SEMVER.test(trimmed)) {
    return [{ field, message: `policy '${name}' version must be major-only (e.g., v1); full semantic version (e.g., v1.0.0) is not allowed` }];
  }
  if (!MAJOR.test(trimmed)) {
    return [{ field, message: `invalid version format '${version}' for policy '${name}'; expected major-only version (e.g., v1)` }];
  }
  if (installed && !installed.some((p) => p.version === trimmed)) {
    return [{ field, message: `policy '${name}' major version '${trimmed}' not found in loaded policy definitions` }];
  }
  return [];
}

/** Each `{name, version}` of a policy list, at `<prefix>[i]`. */
export function checkPolicyList(catalog: PolicyCatalog, policies: unknown, prefix: string): FieldError[] {
  return (list(policies) ?? []).flatMap((p, i) => {
    const policy = obj(p) ?? {};
    return checkPolicyRef(catalog, text(policy.name), text(policy.version), `${prefix}[${i}]`);
  });
}
