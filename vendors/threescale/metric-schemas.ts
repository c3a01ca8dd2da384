import { z } from 'zod';

/** The metric, method and mapping rule shapes Backend and Product share (the operator's common types). */
export const Metric = z.looseObject({ friendlyName: z.string().min(1), unit: z.string().min(1), description: z.string().optional() });
export const Method = z.looseObject({ friendlyName: z.string().min(1), description: z.string().optional() });
export const MappingRule = z.looseObject({
  httpMethod: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT']),
  pattern: z.string().min(1),
  metricMethodRef: z.string().min(1),
  increment: z.number().int(),
  last: z.boolean().optional(),
});

/** The operator's SetDefaults adds this when `hits` is absent. */
export const HITS = { friendlyName: 'Hits', unit: 'hit', description: 'Number of API hits' };
