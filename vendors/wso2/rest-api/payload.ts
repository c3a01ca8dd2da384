import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { deploymentState } from '../deployment-state.ts';
import { resolvePolicies } from '../policy-params.ts';
import type { RestApiSpec } from './schema.ts';

type Json = Record<string, unknown>;

/**
 * The spec a RestApi is deployed with (gatewayclient/rest_api.go, yaml_payload.go): the resource's spec with every
 * policy parameter's valueFrom resolved (API-level and per operation), and `deploymentState` from the annotation.
 */
export async function restApiSpec(spec: RestApiSpec, object: KubeObject, ctx: SyncContext): Promise<Json> {
  const out: Json = { ...spec };
  if (spec.policies) out.policies = await resolvePolicies(spec.policies, 'spec.policies', object, ctx);
  out.operations = await Promise.all(
    spec.operations.map(async (op, i) => (op.policies ? { ...op, policies: await resolvePolicies(op.policies, `spec.operations[${i}].policies`, object, ctx) } : op)),
  );
  const state = deploymentState(object);
  if (state) out.deploymentState = state;
  return out;
}
