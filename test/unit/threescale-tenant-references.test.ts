import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { masterSecretRef, passwordSecretRef, tenantReferences, tenantSecretRef } from '../../vendors/threescale/tenant/references.ts';

const tenant = (spec: unknown): KubeObject => ({ apiVersion: 'capabilities.3scale.net/v1alpha1', kind: 'Tenant', metadata: { name: 'ecorp-tenant', namespace: 'apps' }, spec });
const secret = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace, name });

describe('Tenant references', () => {
  it("defaults as the operator: system-seed and the Tenant's namespace, the tenant Secret named after the resource and the organization", () => {
    const t = tenant({ organizationName: 'ECorp Europe', masterCredentialsRef: {}, passwordCredentialsRef: { name: 'pw' }, tenantSecretRef: {} });
    expect(masterSecretRef(t)).toEqual({ namespace: 'apps', name: 'system-seed' });
    expect(passwordSecretRef(t)).toEqual({ namespace: 'apps', name: 'pw' });
    expect(tenantSecretRef(t)).toEqual({ namespace: 'apps', name: 'ecorp-tenant-ecorp-europe' });
  });

  it('follows the namespaces and names the spec gives, and the watcher hears of all three Secrets', () => {
    const t = tenant({ masterCredentialsRef: { name: 'seed', namespace: '3scale' }, passwordCredentialsRef: { name: 'pw', namespace: 'secrets' }, tenantSecretRef: { name: 'out', namespace: 'tenants' } });
    expect(tenantReferences(t)).toEqual([secret('3scale', 'seed'), secret('secrets', 'pw'), secret('tenants', 'out')]);
  });

  it('is tolerant of malformed specs (the watcher calls it on every object)', () => {
    expect(tenantReferences(tenant(undefined))).toEqual([secret('apps', 'system-seed'), secret('apps', 'ecorp-tenant-')]);
    expect(tenantReferences(tenant({ masterCredentialsRef: 'x', passwordCredentialsRef: { name: 5 } }))).toEqual([secret('apps', 'system-seed'), secret('apps', 'ecorp-tenant-')]);
  });
});
