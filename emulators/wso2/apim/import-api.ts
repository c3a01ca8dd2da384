/**
 * `POST /apis/import` as APIM 4.7 runs it (`ApisApiServiceImpl.importAPI` → `ImportUtils.importApi`):
 * 1. the archive is read and its api.yaml `data` checked against the Publisher's `API` schema;
 * 2. the API of the same name and version is updated when `overwrite=true` (name, version, context, provider
 *    and lifecycle state kept), else created (`overwrite=true` without one creates it too); an existing one
 *    without `overwrite` is 409, as is a context another API already uses;
 * 3. with deployment environments in the archive, a revision is made of the working copy (at the revision limit:
 *    400, unless `rotateRevision`, which undeploys and deletes the earliest one) and deployed to them. An unknown
 *    environment is 404 once the working copy is already saved, as in APIM. Without environments only the working
 *    copy changes.
 * The answer is `{id, revision}` when the client accepts exactly `application/json` (APIM 4.7's
 * `ImportAPIResponseDTO`), else the text `API imported successfully.`. `preserveProvider` defaults to true: the
 * archive's provider is kept, else the caller becomes the provider.
 */
import { randomUUID } from 'node:crypto';
import type { Answer } from '../../common/http-io.ts';
import { readApiArchive } from './api-archive.ts';
import { apiObject, normalizeContext, withoutNulls } from './api-model.ts';
import type { StoredApi } from './apis-store.ts';
import { withoutGeneratedExtensions } from './api-views.ts';
import { apiAlreadyExists, badRequest, contextAlreadyExists, environmentNotFound } from './errors.ts';
import { NotEmulated, queryFlag, type PublisherRequest } from './publisher-request.ts';

type Json = Record<string, unknown>;

export function importAPI(r: PublisherRequest): Answer {
  if (queryFlag(r.query, 'dryRun')) {
    throw new NotEmulated('POST /apis/import with dryRun=true (the governance compliance report) is not emulated');
  }
  const file = r.files.file;
  if (!file) throw badRequest("The multipart field 'file' with the API archive is required");
  const archive = readApiArchive(file);
  const data = withoutNulls(archive.api) as Json;
  const problems = r.contracts.validateApiData(data).map((p) => ({ ...p, pointer: `/file/${archive.root}/api.yaml/data${p.pointer}` }));
  if (problems.length) {
    r.offContract(problems);
    throw badRequest(
      `The API in ${archive.root}/api.yaml does not match the Publisher API schema`,
      problems.map((p) => ({ code: '400', message: `${p.pointer}: ${p.message}` })),
    );
  }

  const overwrite = queryFlag(r.query, 'overwrite') ?? false;
  const preserveProvider = queryFlag(r.query, 'preserveProvider') ?? true;
  const name = String(data.name);
  const version = String(data.version);
  const definition = withoutGeneratedExtensions(archive.definition);
  const now = r.store.now();
  const existing = r.store.findByNameVersion(name, version);
  let stored: StoredApi;
  if (existing && overwrite) {
    const kept = existing.api;
    existing.api = apiObject(data, definition, {
      id: existing.id,
      name: String(kept.name),
      version: String(kept.version),
      context: String(kept.context),
      provider: String(kept.provider),
      lifeCycleStatus: String(kept.lifeCycleStatus),
      createdTime: String(kept.createdTime),
      lastUpdatedTime: now,
    });
    existing.definition = definition;
    stored = existing;
  } else {
    if (existing) throw apiAlreadyExists(`${name}-${version}`);
    const context = normalizeContext(data.context);
    if (r.store.findContextOwner(context, name)) throw contextAlreadyExists(context);
    const provider = preserveProvider && typeof data.provider === 'string' && data.provider ? data.provider : r.caller.username;
    const identity = { id: randomUUID(), name, version, context, provider, lifeCycleStatus: 'CREATED', createdTime: now, lastUpdatedTime: now };
    stored = r.store.add(apiObject(data, definition, identity), definition);
  }

  let revisionId: string | null = null;
  if (archive.deployments.length) {
    for (const d of archive.deployments) if (!r.store.environment(d.name)) throw environmentNotFound(`label '${d.name}'`);
    const revision = r.store.createRevision(stored, 'Revision created after importing the API', queryFlag(r.query, 'rotateRevision') ?? false);
    r.store.deploy(stored, revision, archive.deployments);
    revisionId = revision.id;
  }
  const wantsJson = String(r.headers.accept ?? '').trim() === 'application/json';
  return { status: 200, body: wantsJson ? { id: stored.id, revision: revisionId } : 'API imported successfully.' };
}
