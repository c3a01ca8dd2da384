import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { envelopeKind } from '../managed-kind.ts';
import { ManagedSecretType } from '../resource-types.ts';
import { resolveValue } from '../value-source.ts';
import { ManagedSecretSpec } from './schema.ts';

/**
 * ManagedSecret → the gateway's `/secrets/{name}`, as the envelope kind `Secret` with the value resolved (the
 * operator's managedsecret_controller.go). A GET returns the decrypted value, so a rotated Kubernetes Secret or a
 * value changed on the gateway is seen and written again; the value never reaches a log, status or event.
 */
export const managedSecretKind: KindDefinition<ManagedSecretSpec> = envelopeKind(ManagedSecretType, ManagedSecretSpec, ({ object, spec }, ctx) => ({
  collection: '/secrets',
  kind: 'Secret',
  async body() {
    const value = (await resolveValue(spec.value, 'spec.value', object, ctx)) ?? '';
    return { spec: { displayName: spec.displayName, ...(spec.description !== undefined ? { description: spec.description } : {}), value } };
  },
  // The gateway answers a secret with its name only: no labels or annotations to compare.
  compareMetadata: false,
}));
