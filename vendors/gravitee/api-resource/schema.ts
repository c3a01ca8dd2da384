import { z } from 'zod';

/** GKO's admission: `name`, `type` and `configuration` are required (its "missing required value in property [x]"). */
const required = { error: 'Required' };

export const ApiResourceSpec = z.looseObject({
  name: z.string(required).min(1, 'Required'),
  type: z.string(required).min(1, 'Required'),
  configuration: z.record(z.string(), z.unknown(), required),
  enabled: z.boolean().default(true),
});
export type ApiResourceSpec = z.infer<typeof ApiResourceSpec>;
