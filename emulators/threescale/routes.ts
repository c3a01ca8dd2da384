/** Handlers by operation: documented method + spec path without format suffix (see specs.ts). */
import * as backendUsages from './backend-usages.ts';
import * as backends from './backends.ts';
import type { Handler } from './handler.ts';
import * as mappingRules from './mapping-rules.ts';
import * as metrics from './metrics.ts';
import * as plans from './plans.ts';
import * as proxyConfigs from './proxy-configs.ts';
import * as proxy from './proxy.ts';
import * as services from './services.ts';
import { extraRoutes } from './routes-accounts.ts';

const S = '/admin/api/services/{service_id}';
const B = '/admin/api/backend_apis/{backend_api_id}';
const P = '/admin/api/application_plans/{application_plan_id}';

export const ROUTES: Record<string, Handler> = {
  'GET /admin/api/services': services.list,
  'POST /admin/api/services': services.create,
  'GET /admin/api/services/{id}': services.show,
  'PUT /admin/api/services/{id}': services.update,
  'DELETE /admin/api/services/{id}': services.destroy,

  [`GET ${S}/metrics`]: metrics.listMetrics,
  [`POST ${S}/metrics`]: metrics.createMetric,
  [`GET ${S}/metrics/{id}`]: metrics.showMetric,
  [`PUT ${S}/metrics/{id}`]: metrics.updateMetric,
  [`DELETE ${S}/metrics/{id}`]: metrics.deleteMetricHandler,
  [`GET ${S}/metrics/{metric_id}/methods`]: metrics.listMethods,
  [`POST ${S}/metrics/{metric_id}/methods`]: metrics.createMethod,
  [`GET ${S}/metrics/{metric_id}/methods/{id}`]: metrics.showMethod,
  [`PUT ${S}/metrics/{metric_id}/methods/{id}`]: metrics.updateMethod,
  [`DELETE ${S}/metrics/{metric_id}/methods/{id}`]: metrics.deleteMethod,

  [`GET ${S}/proxy/mapping_rules`]: mappingRules.list,
  [`POST ${S}/proxy/mapping_rules`]: mappingRules.create,
  [`GET ${S}/proxy/mapping_rules/{id}`]: mappingRules.show,
  [`PATCH ${S}/proxy/mapping_rules/{id}`]: mappingRules.update,
  [`DELETE ${S}/proxy/mapping_rules/{id}`]: mappingRules.destroy,

  [`GET ${S}/proxy`]: proxy.show,
  [`PATCH ${S}/proxy`]: proxy.update,
  [`GET ${S}/proxy/policies`]: proxy.showPolicies,
  [`PUT ${S}/proxy/policies`]: proxy.updatePolicies,
  [`GET ${S}/proxy/oidc_configuration`]: proxy.showOidc,
  [`PATCH ${S}/proxy/oidc_configuration`]: proxy.updateOidc,
  [`POST ${S}/proxy/deploy`]: proxyConfigs.deploy,
  [`GET ${S}/proxy/configs/{environment}`]: proxyConfigs.list,
  [`GET ${S}/proxy/configs/{environment}/latest`]: proxyConfigs.latest,
  [`GET ${S}/proxy/configs/{environment}/{version}`]: proxyConfigs.show,
  [`POST ${S}/proxy/configs/{environment}/{version}/promote`]: proxyConfigs.promote,

  [`GET ${S}/backend_usages`]: backendUsages.list,
  [`POST ${S}/backend_usages`]: backendUsages.create,
  [`GET ${S}/backend_usages/{id}`]: backendUsages.show,
  [`PUT ${S}/backend_usages/{id}`]: backendUsages.update,
  [`DELETE ${S}/backend_usages/{id}`]: backendUsages.destroy,

  'GET /admin/api/backend_apis': backends.list,
  'POST /admin/api/backend_apis': backends.create,
  'GET /admin/api/backend_apis/{id}': backends.show,
  'PUT /admin/api/backend_apis/{id}': backends.update,
  'DELETE /admin/api/backend_apis/{id}': backends.destroy,
  [`GET ${B}/metrics`]: metrics.listMetrics,
  [`POST ${B}/metrics`]: metrics.createMetric,
  [`GET ${B}/metrics/{id}`]: metrics.showMetric,
  [`PUT ${B}/metrics/{id}`]: metrics.updateMetric,
  [`DELETE ${B}/metrics/{id}`]: metrics.deleteMetricHandler,
  [`GET ${B}/metrics/{metric_id}/methods`]: metrics.listMethods,
  [`POST ${B}/metrics/{metric_id}/methods`]: metrics.createMethod,
  [`GET ${B}/metrics/{metric_id}/methods/{id}`]: metrics.showMethod,
  [`PUT ${B}/metrics/{metric_id}/methods/{id}`]: metrics.updateMethod,
  [`DELETE ${B}/metrics/{metric_id}/methods/{id}`]: metrics.deleteMethod,
  [`GET ${B}/mapping_rules`]: mappingRules.list,
  [`POST ${B}/mapping_rules`]: mappingRules.create,
  [`GET ${B}/mapping_rules/{id}`]: mappingRules.show,
  [`PUT ${B}/mapping_rules/{id}`]: mappingRules.update,
  [`DELETE ${B}/mapping_rules/{id}`]: mappingRules.destroy,

  [`GET ${S}/application_plans`]: plans.list,
  [`POST ${S}/application_plans`]: plans.create,
  [`GET ${S}/application_plans/{id}`]: plans.show,
  [`PUT ${S}/application_plans/{id}`]: plans.update,
  [`DELETE ${S}/application_plans/{id}`]: plans.destroy,
  'GET /admin/api/application_plans': plans.listAll,
  [`GET ${P}/limits`]: plans.listPlanLimits,
  [`GET ${P}/metrics/{metric_id}/limits`]: plans.listMetricLimits,
  [`POST ${P}/metrics/{metric_id}/limits`]: plans.createLimit,
  [`GET ${P}/metrics/{metric_id}/limits/{id}`]: plans.showLimit,
  [`PUT ${P}/metrics/{metric_id}/limits/{id}`]: plans.updateLimit,
  [`DELETE ${P}/metrics/{metric_id}/limits/{id}`]: plans.destroyLimit,
  [`GET ${P}/pricing_rules`]: plans.listPlanPricingRules,
  [`GET ${P}/metrics/{metric_id}/pricing_rules`]: plans.listMetricPricingRules,
  [`POST ${P}/metrics/{metric_id}/pricing_rules`]: plans.createPricingRule,
  [`DELETE ${P}/metrics/{metric_id}/pricing_rules/{id}`]: plans.destroyPricingRule,

  ...extraRoutes,
};
