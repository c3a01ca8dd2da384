import type { DependencyRef } from '../../../shared/engine/kind.ts';
import { templateReferences } from '../../../shared/engine/templates.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { nameOf } from '../references.ts';

/** The Secret 3scale's installation keeps the master token in (`MASTER_ACCESS_TOKEN`), the operator's default. */
const DEFAULT_MASTER_SECRET = 'system-seed';

type Ref = { name?: unknown; namespace?: unknown } | undefined;
const specOf = (obj: KubeObject) => (obj.spec ?? {}) as Record<string, Ref | unknown>;
const namespaceOf = (obj: KubeObject) => obj.metadata.namespace ?? 'default';

/** `spec.masterCredentialsRef`: name defaults to `system-seed`, namespace to the Tenant's (cluster-wide installs name another). */
export function masterSecretRef(obj: KubeObject): { namespace: string; name: string } {
  const ref = specOf(obj).masterCredentialsRef as Ref;
  return { namespace: nameOf(ref?.namespace) ?? namespaceOf(obj), name: nameOf(ref?.name) ?? DEFAULT_MASTER_SECRET };
}

/** `spec.passwordCredentialsRef` (key `admin_password`), in the Tenant's namespace unless it names one. */
export function passwordSecretRef(obj: KubeObject): { namespace: string; name: string } | undefined {
  const ref = specOf(obj).passwordCredentialsRef as Ref;
  const name = nameOf(ref?.name);
  return name ? { namespace: nameOf(ref?.namespace) ?? namespaceOf(obj), name } : undefined;
}

/**
 * `spec.tenantSecretRef`, where the tenant's adminURL and token are written: default `<cr-name>-<lowercased org>` (as
 * the operator names it, with what a Secret name cannot hold turned into dashes: `Plain Org` → `-plain-org`), in the
 * Tenant's namespace.
 */
export function tenantSecretRef(obj: KubeObject): { namespace: string; name: string } {
  const spec = specOf(obj);
  const ref = spec.tenantSecretRef as Ref;
  const org = (nameOf(spec.organizationName) ?? '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return { namespace: nameOf(ref?.namespace) ?? namespaceOf(obj), name: nameOf(ref?.name) ?? `${obj.metadata.name}-${org}` };
}

/**
 * A Tenant reads the master token and the admin password (rotating either re-syncs it), and owns its tenant Secret:
 * deleting that Secret re-syncs the Tenant, which writes it again. Pure and tolerant of malformed specs.
 */
export function tenantReferences(obj: KubeObject): DependencyRef[] {
  const password = passwordSecretRef(obj);
  return [
    ...templateReferences(obj.spec, namespaceOf(obj)),
    { ...SECRET, ...masterSecretRef(obj) },
    ...(password ? [{ ...SECRET, ...password }] : []),
    { ...SECRET, ...tenantSecretRef(obj) },
  ];
}
