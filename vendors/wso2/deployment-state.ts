import { invalidSpec } from '../../shared/engine/errors.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { CP_ANNOTATIONS } from './control-plane/metadata.ts';

/**
 * The `deploymentState` a payload carries: the spec's own (LLM kinds, Mcp), or `undeployed` when the resource is
 * annotated `apim-sync.io/deployment-state: undeployed` (the control plane undeployed it; the RestApi CRD has no such
 * field, the gateway's payload has). Undefined: the gateway's default, deployed.
 */
export function deploymentState(object: KubeObject, own?: 'deployed' | 'undeployed'): 'deployed' | 'undeployed' | undefined {
  const annotated = object.metadata.annotations?.[CP_ANNOTATIONS.deploymentState];
  if (annotated === undefined || annotated === '') return own;
  if (annotated !== 'deployed' && annotated !== 'undeployed') {
    throw invalidSpec('InvalidSpec', `metadata.annotations[${CP_ANNOTATIONS.deploymentState}]: must be deployed or undeployed, got "${annotated}"`);
  }
  return annotated;
}
