import { invalidSpec, missingReference, permanent } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import type { ProductSpec } from './schema.ts';

type Ref = { name: string; namespace?: string };

/** The Secrets a Product reads besides its provider account: OIDC `issuerEndpointRef`, policies' `configurationRef`. */
export function productSecretRefs(spec: unknown, namespace: string): ObjectRef[] {
  const s = (spec ?? {}) as { deployment?: Record<string, { authentication?: { oidc?: { issuerEndpointRef?: Ref } } }>; policies?: { configurationRef?: Ref }[] };
  const refs: (Ref | undefined)[] = [
    ...Object.values(s.deployment ?? {}).map((d) => d?.authentication?.oidc?.issuerEndpointRef),
    ...(Array.isArray(s.policies) ? s.policies.map((p) => p?.configurationRef) : []),
  ];
  return refs.filter((r): r is Ref => typeof r?.name === 'string' && !!r.name).map((r) => ({ ...SECRET, namespace: r.namespace || namespace, name: r.name }));
}

async function secretKey(ctx: SyncContext, ref: Ref, namespace: string, key: string, field: string): Promise<string> {
  const ns = ref.namespace || namespace;
  const data = await ctx.readData({ ...SECRET, namespace: ns, name: ref.name });
  if (!data) throw missingReference(`secret ${ns}/${ref.name} (${field}) not found`);
  if (data[key] === undefined) throw permanent('InvalidSpec', `secret ${ns}/${ref.name} (${field}) has no key "${key}"`);
  return data[key];
}

/**
 * Fills what the spec takes from Secrets: a plain `issuerEndpoint` wins over `issuerEndpointRef` (key
 * `issuerEndpoint`); a policy's `configurationRef` (key `configuration`, JSON) replaces its inline configuration.
 */
export async function resolveSecretRefs(spec: ProductSpec, namespace: string, ctx: SyncContext): Promise<ProductSpec> {
  const out = structuredClone(spec);
  for (const mode of ['apicastHosted', 'apicastSelfManaged'] as const) {
    const oidc = out.deployment?.[mode]?.authentication?.oidc;
    if (oidc && !oidc.issuerEndpoint && oidc.issuerEndpointRef) {
      oidc.issuerEndpoint = await secretKey(ctx, oidc.issuerEndpointRef, namespace, 'issuerEndpoint', `spec.deployment.${mode}.authentication.oidc.issuerEndpointRef`);
    }
  }
  for (const [i, p] of out.policies.entries()) {
    if (!p.configurationRef) continue;
    const field = `spec.policies[${i}].configurationRef`;
    const text = await secretKey(ctx, p.configurationRef, namespace, 'configuration', field);
    try {
      p.configuration = JSON.parse(text);
    } catch {
      throw invalidSpec('Invalid', `${field}: key "configuration" is not JSON`);
    }
  }
  return out;
}
