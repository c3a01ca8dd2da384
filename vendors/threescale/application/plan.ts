import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { AdminApi } from '../admin-api.ts';

/** The id of the product's plan with this system name; an unknown plan is Invalid, as the operator's "plan doesnt exist". */
export async function planIdBySystemName(api: AdminApi, productId: number, systemName: string): Promise<number> {
  const plans = await api.list(`/admin/api/services/${productId}/application_plans.json`, 'plans', 'application_plan', false);
  const plan = plans.find((p) => p.system_name === systemName);
  if (!plan) throw invalidSpec('Invalid', `spec.applicationPlanName: plan [${systemName}] doesnt exist in product [${productId}]`);
  return plan.id;
}
