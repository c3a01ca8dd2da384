import { describe, expect, it } from 'vitest';
import { gkoConditions } from '../../vendors/gravitee/conditions.ts';
import { threescaleConditions } from '../../vendors/threescale/conditions.ts';
import { invalidSpec, missingReference, permanent } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { resolveProviderAccount } from '../../vendors/threescale/provider-account.ts';
import { threescaleReferences } from '../../vendors/threescale/references.ts';

const secrets: Record<string, Record<string, string>> = {
  'team/threescale-provider-account': { adminURL: 'https://acme-admin.example.com/p/admin', token: 't1' },
  'team/named': { adminURL: 'https://other-admin.example.com:8443', token: 't2' },
  'team/no-token': { adminURL: 'https://x.example.com' },
};
const ctx = { readData: async (r: { namespace: string; name: string }) => secrets[`${r.namespace}/${r.name}`] } as unknown as SyncContext;
const obj = (namespace: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'capabilities.3scale.net/v1beta1', kind: 'Backend', metadata: { name: 'b', namespace }, spec }) as KubeObject;

describe('3scale provider account', () => {
  it('uses spec.providerAccountRef, else the namespace default, keeping scheme, host and port', async () => {
    expect(await resolveProviderAccount(obj('team', { providerAccountRef: { name: 'named' } }), ctx)).toEqual({ adminURL: 'https://other-admin.example.com:8443', token: 't2' });
    expect(await resolveProviderAccount(obj('team'), ctx)).toEqual({ adminURL: 'https://acme-admin.example.com', token: 't1' });
  });

  it('names both sources when neither exists (a reference error, retried when the secret appears)', async () => {
    const err = await resolveProviderAccount(obj('empty'), ctx).catch((e) => e);
    expect(err.retry).toBe('reference');
    expect(err.message).toContain('spec.providerAccountRef');
    expect(err.message).toContain('empty/threescale-provider-account');
  });

  it('a missing key is permanent and named', async () => {
    const err = await resolveProviderAccount(obj('team', { providerAccountRef: { name: 'no-token' } }), ctx).catch((e) => e);
    expect(err.retry).toBe('permanent');
    expect(err.message).toContain('token');
  });

  it('the watcher follows the secret the object reads', () => {
    expect(threescaleReferences(obj('team')).map((r) => r.name)).toEqual(['threescale-provider-account']);
    expect(threescaleReferences(obj('team', { providerAccountRef: { name: 'named' } })).map((r) => r.name)).toEqual(['named']);
  });
});

describe('condition policies', () => {
  const byType = (list: { type: string; status: string }[]) => Object.fromEntries(list.map((c) => [c.type, c.status]));

  it("3scale's: Synced and Ready on success; Invalid, Orphan and Failed by error class", () => {
    const p = threescaleConditions('Synced');
    expect(byType(p.success())).toEqual({ Synced: 'True', Ready: 'True', Invalid: 'False', Orphan: 'False', Failed: 'False' });
    expect(byType(p.failure(invalidSpec('Invalid', 'system_name has already been taken')))).toEqual({ Synced: 'False', Ready: 'False', Invalid: 'True', Orphan: 'False', Failed: 'True' });
    expect(byType(p.failure(missingReference('secret x not found')))).toEqual({ Synced: 'False', Ready: 'False', Invalid: 'False', Orphan: 'True', Failed: 'True' });
    expect(byType(threescaleConditions('Ready').success())).toEqual({ Ready: 'True', Invalid: 'False', Orphan: 'False', Failed: 'False' });
  });

  it("GKO's: Accepted, ResolvedRefs and Ready", () => {
    expect(byType(gkoConditions.success())).toEqual({ Accepted: 'True', Ready: 'True', ResolvedRefs: 'True' });
    expect(byType(gkoConditions.failure(missingReference('ctx missing')))).toEqual({ Accepted: 'False', Ready: 'False', ResolvedRefs: 'False' });
    expect(byType(gkoConditions.failure(permanent('Unauthorized', 'no')))).toEqual({ Accepted: 'False', Ready: 'False', ResolvedRefs: 'True' });
  });
});
