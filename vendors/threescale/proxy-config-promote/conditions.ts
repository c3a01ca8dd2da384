import type { ConditionPolicy, SyncOutcome } from '../../../shared/engine/condition-policy.ts';
import { threescaleConditions } from '../conditions.ts';
import type { ProxyConfigPromoteSpec } from './schema.ts';

const ONCE = 'later edits of this ProxyConfigPromote are not applied (create a new one to promote again)';

/**
 * What the promotion did, in the Ready message: promoted, or nothing to promote because the environment already ran
 * the latest configuration (Ready too, unlike the operator's Invalid "no product changes detected", which users
 * found confusing and which kept deleteCR from deleting: 3scale-operator #847, #863, #900).
 */
function promotionMessage({ spec, observed, status }: SyncOutcome): string {
  const production = (spec as ProxyConfigPromoteSpec).production === true;
  const field = production ? 'latestProductionVersion' : 'latestStagingVersion';
  const env = production ? 'production' : 'staging';
  const version = status[field];
  const done =
    observed?.[field] === version
      ? `nothing to promote: ${env} already runs the product's latest configuration (version ${version})`
      : production
        ? `promoted staging version ${status.latestStagingVersion} to production (version ${version})`
        : `promoted the product's latest configuration to staging (version ${version})`;
  return `${done}; ${ONCE}`;
}

/** The 3scale conditions, with the promotion's outcome as the Ready message. */
export function promotionConditions(): ConditionPolicy {
  const base = threescaleConditions('Ready');
  return {
    success: (outcome) => base.success(outcome).map((c) => (c.type === 'Ready' && outcome ? { ...c, reason: 'Promoted', message: promotionMessage(outcome) } : c)),
    failure: (err) => base.failure(err),
  };
}
