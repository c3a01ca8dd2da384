import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

const Provider = z.looseObject({
  type: z.literal('HTTP', { error: 'must be HTTP (the only provider type)' }),
  url: z.url({ error: 'must be a URL' }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT']),
  specification: z.string({ error: 'Required (the JOLT specification)' }),
  body: z.string().optional(),
  useSystemProxy: z.boolean().optional(),
  headers: z.array(z.looseObject({ name: z.string().min(1), value: z.string() })).optional(),
});

const Trigger = z.looseObject({
  rate: z.number().int().positive(),
  unit: z.enum(['MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS']),
});

export const DictionarySpec = z
  .looseObject({
    contextRef: ContextRef.optional(),
    name: z.string({ error: 'Required' }).min(1, 'Required'),
    description: z.string().optional(),
    deployed: z.boolean({ error: 'Required (true deploys a MANUAL dictionary, starts a DYNAMIC one)' }),
    type: z.enum(['MANUAL', 'DYNAMIC']),
    manual: z.looseObject({ properties: z.record(z.string(), z.string()) }).optional(),
    dynamic: z.looseObject({ provider: Provider, trigger: Trigger }).optional(),
  })
  .superRefine((spec, ctx) => {
    // GKO's admission (type consistency), then APIM's import check (a manual dictionary has a property).
    const own = spec.type === 'MANUAL' ? 'manual' : 'dynamic';
    const other = spec.type === 'MANUAL' ? 'dynamic' : 'manual';
    if (spec[other]) ctx.addIssue({ code: 'custom', path: [other], message: `must not be set when type is ${spec.type} (use '${own}')` });
    if (!spec[own]) ctx.addIssue({ code: 'custom', path: [own], message: `Required when type is ${spec.type}` });
    if (spec.type === 'MANUAL' && spec.manual && Object.keys(spec.manual.properties).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['manual', 'properties'], message: 'a manual dictionary needs at least one property' });
    }
  });
export type DictionarySpec = z.infer<typeof DictionarySpec>;
