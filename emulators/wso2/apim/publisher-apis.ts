/**
 * The Publisher's API collection and individual APIs: search (`getAllAPIs`), read (`getAPI`, also by a
 * revision's UUID as APIM allows), the definition (`getAPISwagger`) and deletion (`deleteAPI`). As APIM 4.x, a
 * deletion undeploys and removes every revision first; only active subscriptions prevent it (409).
 */
import { matches, pagination, parseQuery, sortApis } from './api-query.ts';
import { apiInfo, presentedDefinition } from './api-views.ts';
import { apiNotFound, conflict } from './errors.ts';
import { queryInt, type PublisherHandler } from './publisher-request.ts';

export const getAllAPIs: PublisherHandler = ({ store, query }) => {
  const limit = queryInt(query, 'limit', 25);
  const offset = queryInt(query, 'offset', 0);
  const q = query.get('query') ?? '';
  const terms = parseQuery(q);
  const found = sortApis(
    store.all().filter((a) => matches(a, terms)),
    query.get('sortBy'),
    query.get('sortOrder'),
  );
  const page = found.slice(offset, offset + limit).map(apiInfo);
  return { status: 200, body: { count: page.length, list: page, pagination: pagination(offset, limit, found.length, q) } };
};

export const getAPI: PublisherHandler = ({ store, params }) => {
  const id = params.apiId!;
  const stored = store.get(id);
  if (stored) return { status: 200, body: structuredClone(stored.api) };
  const revision = store.findRevision(id);
  if (revision) return { status: 200, body: structuredClone(revision.revision.api) };
  throw apiNotFound(id);
};

export const getAPISwagger: PublisherHandler = ({ store, params }) => {
  const id = params.apiId!;
  const stored = store.get(id);
  if (stored) return { status: 200, body: presentedDefinition(stored.api, stored.definition) };
  const found = store.findRevision(id);
  if (found) return { status: 200, body: presentedDefinition(found.revision.api, found.revision.definition) };
  throw apiNotFound(id);
};

export const deleteAPI: PublisherHandler = ({ store, params }) => {
  const stored = store.require(params.apiId!);
  if (stored.subscriptions > 0) throw conflict(`Cannot remove the API ${stored.id} as active subscriptions exist`);
  store.delete(stored.id);
  return { status: 200 };
};
