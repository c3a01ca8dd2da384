import { describe, expect, it } from 'vitest';
import { invalidSpec, missingReference, transient, waitingFor } from '../../shared/engine/errors.ts';
import type { KindDefinition } from '../../shared/engine/kind.ts';
import { threescaleKinds } from '../../vendors/threescale/kinds.ts';

const byType = (list: { type: string; status: string }[]) => Object.fromEntries(list.map((c) => [c.type, c.status]));
const kind = (name: string) => threescaleKinds.find((k) => k.kind === name) as KindDefinition;
const failure = (name: string, err: Parameters<KindDefinition['conditions']['failure']>[0]) => byType(kind(name).conditions.failure(err));

/**
 * Each kind writes the condition types its operator's status reconciler writes (OP controllers/capabilities/
 * *_status_reconciler.go), plus Ready, so `kubectl wait --for=condition=X` scripts behave as with the operator.
 */
describe('3scale conditions per kind, as the operator writes them', () => {
  it('the types each kind writes on success', () => {
    const ok = (name: string) => Object.keys(byType(kind(name).conditions.success())).sort();
    expect(ok('Backend')).toEqual(['Failed', 'Invalid', 'Ready', 'Synced']);
    expect(ok('Product')).toEqual(['Failed', 'Invalid', 'Orphan', 'Ready', 'Synced']);
    expect(ok('ActiveDoc')).toEqual(['Failed', 'Invalid', 'Orphan', 'Ready']);
    expect(ok('CustomPolicyDefinition')).toEqual(['Failed', 'Invalid', 'Ready']);
    expect(ok('DeveloperAccount')).toEqual(['Failed', 'Invalid', 'Ready', 'Waiting']);
    expect(ok('DeveloperUser')).toEqual(['Failed', 'Invalid', 'Orphan', 'Ready']);
    expect(ok('Application')).toEqual(['Ready']);
    expect(ok('ApplicationAuth')).toEqual(['Failed', 'Ready']);
  });

  it('Backend, Product, ActiveDoc: Failed comes with any error, beside Invalid or Orphan', () => {
    expect(failure('Product', missingReference('backend "b" missing'))).toEqual({ Synced: 'False', Ready: 'False', Invalid: 'False', Orphan: 'True', Failed: 'True' });
    expect(failure('Backend', invalidSpec('Invalid', 'system_name taken'))).toEqual({ Synced: 'False', Ready: 'False', Invalid: 'True', Failed: 'True' });
    expect(failure('Backend', missingReference('secret missing'))).toEqual({ Synced: 'False', Ready: 'False', Invalid: 'False', Failed: 'True' });
  });

  it('DeveloperAccount: Failed only when neither Invalid nor Waiting', () => {
    expect(failure('DeveloperAccount', waitingFor('no admin user'))).toEqual({ Ready: 'False', Invalid: 'False', Waiting: 'True', Failed: 'False' });
    expect(failure('DeveloperAccount', invalidSpec('Invalid', 'org_name'))).toEqual({ Ready: 'False', Invalid: 'True', Waiting: 'False', Failed: 'False' });
    expect(failure('DeveloperAccount', transient('Unavailable', '503'))).toEqual({ Ready: 'False', Invalid: 'False', Waiting: 'False', Failed: 'True' });
  });

  it('DeveloperUser: Failed only when neither Invalid nor Orphan', () => {
    expect(failure('DeveloperUser', missingReference('account not Ready'))).toEqual({ Ready: 'False', Invalid: 'False', Orphan: 'True', Failed: 'False' });
    expect(failure('DeveloperUser', invalidSpec('Invalid', 'email'))).toEqual({ Ready: 'False', Invalid: 'True', Orphan: 'False', Failed: 'False' });
    expect(failure('DeveloperUser', transient('Unavailable', '503'))).toEqual({ Ready: 'False', Invalid: 'False', Orphan: 'False', Failed: 'True' });
  });

  it('Application: Ready alone, its message naming what is wrong; ApplicationAuth: Ready and Failed', () => {
    const app = kind('Application').conditions.failure(missingReference('Product ns/p (spec.productCR) not found'));
    expect(app).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', message: 'Product ns/p (spec.productCR) not found' })]);
    expect(failure('ApplicationAuth', invalidSpec('Invalid', 'spec.authSecretRef'))).toEqual({ Ready: 'False', Failed: 'True' });
    const limit = kind('ApplicationAuth').conditions.failure(invalidSpec('Invalid', '3scale refused POST keys: base Limit reached'));
    expect(limit).toContainEqual(expect.objectContaining({ type: 'Failed', message: 'ApplicationKey limit reached a maximum of 5 keys allowed' }));
    expect(limit).toContainEqual(expect.objectContaining({ type: 'Ready', message: '3scale refused POST keys: base Limit reached' }));
  });
});
