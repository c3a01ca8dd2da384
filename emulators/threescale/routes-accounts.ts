/** Handlers of developer accounts, users, applications, ActiveDocs, the policy registry and the Master API. */
import * as accessTokens from './access-tokens.ts';
import * as accounts from './accounts.ts';
import * as activeDocs from './active-docs.ts';
import * as applications from './applications.ts';
import type { Handler } from './handler.ts';
import * as master from './master.ts';
import * as objects from './objects.ts';
import * as registry from './registry.ts';
import * as users from './users.ts';

const U = '/admin/api/accounts/{account_id}/users/{id}';
const A = '/admin/api/accounts/{account_id}/applications';

export const extraRoutes: Record<string, Handler> = {
  'POST /admin/api/signup': accounts.signup,
  'GET /admin/api/accounts': accounts.list,
  'GET /admin/api/accounts/find': accounts.find,
  'GET /admin/api/accounts/{id}': accounts.show,
  'PUT /admin/api/accounts/{id}': accounts.update,
  'DELETE /admin/api/accounts/{id}': accounts.destroy,

  'GET /admin/api/accounts/{account_id}/users': users.list,
  'POST /admin/api/accounts/{account_id}/users': users.create,
  [`GET ${U}`]: users.show,
  [`PUT ${U}`]: users.update,
  [`DELETE ${U}`]: users.destroy,
  [`PUT ${U}/activate`]: users.activate,
  [`PUT ${U}/suspend`]: users.suspend,
  [`PUT ${U}/unsuspend`]: users.unsuspend,
  [`PUT ${U}/admin`]: users.makeAdmin,
  [`PUT ${U}/member`]: users.makeMember,

  [`GET ${A}`]: applications.list,
  [`POST ${A}`]: applications.create,
  [`GET ${A}/{id}`]: applications.show,
  [`PUT ${A}/{id}`]: applications.update,
  [`DELETE ${A}/{id}`]: applications.destroy,
  [`PUT ${A}/{id}/change_plan`]: applications.changePlan,
  [`PUT ${A}/{id}/suspend`]: applications.suspend,
  [`PUT ${A}/{id}/resume`]: applications.resume,
  [`GET ${A}/{application_id}/keys`]: applications.listKeys,
  [`POST ${A}/{application_id}/keys`]: applications.createKey,
  [`DELETE ${A}/{application_id}/keys/{key}`]: applications.deleteKey,

  'GET /admin/api/active_docs': activeDocs.list,
  'POST /admin/api/active_docs': activeDocs.create,
  'GET /admin/api/active_docs/{id}': activeDocs.show,
  'PUT /admin/api/active_docs/{id}': activeDocs.update,
  'DELETE /admin/api/active_docs/{id}': activeDocs.destroy,

  'GET /admin/api/registry/policies': registry.list,
  'POST /admin/api/registry/policies': registry.create,
  'GET /admin/api/registry/policies/{id}': registry.show,
  'PUT /admin/api/registry/policies/{id}': registry.update,
  'DELETE /admin/api/registry/policies/{id}': registry.destroy,

  'GET /admin/api/objects/status': objects.status,

  'POST /admin/api/users/{user_id}/access_tokens': accessTokens.create,

  'POST /master/api/providers': master.create,
  'GET /master/api/providers/{id}': master.show,
  'PUT /master/api/providers/{id}': master.update,
  'DELETE /master/api/providers/{id}': master.destroy,
};
