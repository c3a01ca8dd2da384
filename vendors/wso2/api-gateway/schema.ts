import { z } from 'zod';

const KeySelector = z.looseObject({ key: z.string(), name: z.string().optional(), optional: z.boolean().optional() });

/**
 * The gateway operator's APIGateway spec. apim-sync does not install gateways (`infrastructure` and `storage` are the
 * operator's Helm inputs, accepted and ignored); it reads the selector, the values ConfigMap and the control plane.
 */
export const APIGatewaySpec = z.looseObject({
  apiSelector: z.looseObject({
    scope: z.enum(['Cluster', 'Namespaced', 'LabelSelector']).default('Cluster'),
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.looseObject({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }))
      .optional(),
    namespaces: z.array(z.string()).optional(),
  }),
  configRef: z.looseObject({ name: z.string().optional() }).optional(),
  controlPlane: z
    .looseObject({
      host: z.string().optional(),
      tokenSecretRef: KeySelector.optional(),
      tls: z.looseObject({ enabled: z.boolean().optional(), certSecretRef: KeySelector.optional() }).optional(),
    })
    .optional(),
  infrastructure: z.unknown().optional(),
  storage: z.unknown().optional(),
});
export type APIGatewaySpec = z.output<typeof APIGatewaySpec>;
