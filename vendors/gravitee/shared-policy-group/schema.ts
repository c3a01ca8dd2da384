import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

/** A policy step, with the Automation API's limits (StepV4) so APIM's 400 is a message naming the field instead. */
const Step = z.looseObject({
  enabled: z.boolean().default(true),
  policy: z.string({ error: 'Required (the policy plugin id)' }).min(1).max(64),
  name: z.string().max(64).optional(),
  description: z.string().max(256).optional(),
  configuration: z.record(z.string(), z.unknown()).optional(),
  condition: z.string().max(1024).optional(),
  messageCondition: z.string().max(256).optional(),
});

const API_TYPES = ['PROXY', 'MESSAGE'] as const;
const PHASES = ['REQUEST', 'RESPONSE', 'PUBLISH', 'SUBSCRIBE'] as const;
/** The phases APIM accepts per API type (APIM SharedPolicyGroup.hasValidPhase). */
const PHASES_OF: Record<(typeof API_TYPES)[number], readonly string[]> = { PROXY: ['REQUEST', 'RESPONSE'], MESSAGE: PHASES };

export const SharedPolicyGroupSpec = z
  .looseObject({
    contextRef: ContextRef.optional(),
    name: z.string({ error: 'Required' }).min(1, 'Required').max(512),
    description: z.string().max(1024).optional(),
    prerequisiteMessage: z.string().max(1024).optional(),
    apiType: z.enum(API_TYPES),
    phase: z.enum(PHASES),
    /** Must be what APIM holds (or derives from the hrid): GKO's immutable cross-environment id. */
    crossId: z.string().optional(),
    hrid: z.string().optional(),
    steps: z.array(Step).default([]),
  })
  .superRefine((spec, ctx) => {
    if (!PHASES_OF[spec.apiType].includes(spec.phase)) {
      ctx.addIssue({ code: 'custom', path: ['phase'], message: `${spec.phase} is not a phase of ${spec.apiType} APIs (${PHASES_OF[spec.apiType].join(', ')})` });
    }
  });
export type SharedPolicyGroupSpec = z.infer<typeof SharedPolicyGroupSpec>;
