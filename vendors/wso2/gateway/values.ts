import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { CONFIG_MAP, type KubeObject } from '../../../shared/kube/object-ref.ts';

/**
 * The `values.yaml` of the ConfigMap an APIGateway's `spec.configRef` names, in its namespace (undefined without a
 * configRef): the Helm values block gatewayConfig reads. A missing ConfigMap is a missing reference, waited for.
 */
export async function gatewayValues(gateway: KubeObject, ctx: SyncContext): Promise<string | undefined> {
  const name = (gateway.spec as { configRef?: { name?: unknown } } | undefined)?.configRef?.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const ns = gateway.metadata.namespace ?? 'default';
  const data = await ctx.readData({ ...CONFIG_MAP, namespace: ns, name });
  if (!data) throw missingReference(`spec.configRef: ConfigMap ${ns}/${name} not found`);
  // The operator reads only this key; a ConfigMap without it configures nothing.
  return data['values.yaml'];
}
