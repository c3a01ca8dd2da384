/**
 * Revisions and deployments of an API (Publisher v4 "API Revisions"): list (`query=deployed:true|false`),
 * create (at the limit: 400, no rotation here), read, delete (not while deployed), the deployments of every
 * revision, deploy a revision to environments and undeploy it (by `revisionId` or `revisionNumber`, from the
 * named environments or from all of them), as `ApisApiServiceImpl` answers them.
 */
import type { DeploymentRequest, StoredApi, StoredRevision } from './apis-store.ts';
import { deploymentView, revisionView } from './api-views.ts';
import { parameterMissing, revisionNotFound } from './errors.ts';
import { queryFlag, type PublisherHandler, type PublisherRequest } from './publisher-request.ts';

type Json = Record<string, unknown>;

export const getAPIRevisions: PublisherHandler = ({ store, params, query }) => {
  const api = store.require(params.apiId!);
  const deployed = /deployed:(true|false)/i.exec(query.get('query') ?? '')?.[1]?.toLowerCase();
  const list = api.revisions
    .filter((r) => deployed === undefined || (r.deployments.length > 0) === (deployed === 'true'))
    .map((r) => revisionView(api.id, r));
  return { status: 200, body: { count: list.length, list } };
};

export const createAPIRevision: PublisherHandler = ({ store, params, body }) => {
  const api = store.require(params.apiId!);
  const description = typeof (body as Json | undefined)?.description === 'string' ? String((body as Json).description) : '';
  const revision = store.createRevision(api, description, false);
  return { status: 201, body: revisionView(api.id, revision) };
};

export const getAPIRevision: PublisherHandler = ({ store, params }) => {
  const api = store.require(params.apiId!);
  return { status: 200, body: revisionView(api.id, store.revision(api, params.revisionId!)) };
};

export const deleteAPIRevision: PublisherHandler = ({ store, params }) => {
  const api = store.require(params.apiId!);
  store.deleteRevision(api, params.revisionId!);
  const list = api.revisions.map((r) => revisionView(api.id, r));
  return { status: 200, body: { count: list.length, list } };
};

export const getAPIRevisionDeployments: PublisherHandler = ({ store, params }) => {
  const api = store.require(params.apiId!);
  return { status: 200, body: { list: api.revisions.flatMap((r) => r.deployments.map((d) => deploymentView(r.id, d))) } };
};

export const deployAPIRevision: PublisherHandler = (r) => {
  const api = r.store.require(r.params.apiId!);
  const revision = targetRevision(r, api);
  r.store.deploy(api, revision, deploymentRequests(r.body));
  return { status: 200, body: revision.deployments.map((d) => deploymentView(revision.id, d)) };
};

export const undeployAPIRevision: PublisherHandler = (r) => {
  const api = r.store.require(r.params.apiId!);
  const revision = targetRevision(r, api);
  if (queryFlag(r.query, 'allEnvironments')) {
    r.store.undeploy(api, revision, undefined);
  } else {
    const requests = r.store.resolveDeployments(deploymentRequests(r.body));
    r.store.undeploy(api, revision, requests.map((d) => d.name));
  }
  return { status: 201, body: revision.deployments.map((d) => deploymentView(revision.id, d)) };
};

/** `revisionId`, else `revisionNumber` resolved against the API's revisions. */
function targetRevision({ store, query }: PublisherRequest, api: StoredApi): StoredRevision {
  const id = query.get('revisionId');
  if (id) return store.revision(api, id);
  const number = query.get('revisionNumber');
  if (number) {
    const found = store.revisionByNumber(api, number);
    if (!found) throw revisionNotFound(`number ${number}`);
    return found;
  }
  throw parameterMissing('revisionId or revisionNumber is required');
}

function deploymentRequests(body: unknown): DeploymentRequest[] {
  if (!Array.isArray(body)) return [];
  return (body as Json[]).map((d) => ({
    name: String(d.name),
    vhost: typeof d.vhost === 'string' ? d.vhost : undefined,
    displayOnDevportal: typeof d.displayOnDevportal === 'boolean' ? d.displayOnDevportal : undefined,
  }));
}
