/**
 * `/rest-apis` (`pkg/api/handlers/rest_api_handler.go`, `pkg/service/restapi`, `pkg/utils/api_deployment.go`).
 * The gateway's id is its `artifact-id` annotation when that is a UUID, else a new UUID v7; `status.id`
 * is the handle. POST with the UUID of an existing API replaces it; a creation is always deployed
 * (`deploymentState` is read on update only); the router's default vhosts are written into an API
 * created without `spec.vhosts` (an update does not).
 */
import { artifactBody, conflictOf, deleted, desiredStateOf, listArtifacts, resolvedContext, saveArtifact } from './artifacts.ts';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, conflict, internal, notFound, validationFailed } from './errors.ts';
import { isUuid, uuidV7 } from './ids.ts';
import { renderSecrets } from './render.ts';
import { decodeResource } from './resources.ts';
import type { Json, Resource, StoredArtifact } from './store.ts';
import { obj, text } from './validation/fields.ts';
import { validateRestApi } from './validation/rest-api.ts';

const ARTIFACT_ID_ANNOTATION = 'gateway.api-platform.wso2.com/artifact-id';
const VHOST_SENTINEL = '_gateway_default_';

const byHandle = (ctx: HandlerContext, handle: string): StoredArtifact | undefined => ctx.store.artifactByHandle('RestApi', handle);
const missing = (handle: string) => notFound(`RestAPI with handle '${handle}' not found`);

/** Decodes, renders and validates a creation; the resource as it will be kept. */
function checkCreate(ctx: HandlerContext): { resource: Resource; uuid: string | undefined } {
  // the service is called with kind RestApi, so a body without `kind` is decoded as one and then refused by the validator
  const resource = decodeResource(ctx, 'RestAPIRequest', (m) => badRequest(`failed to parse configuration: ${m}`));
  const annotation = resource.metadata.annotations?.[ARTIFACT_ID_ANNOTATION];
  // the gateway maps this refusal to its generic 500
  if (annotation && !isUuid(annotation)) throw internal('Failed to create configuration');
  check(ctx, resource);
  return { resource, uuid: annotation || undefined };
}

function check(ctx: HandlerContext, resource: Resource): void {
  const errors = validateRestApi(renderSecrets(resource, ctx.store), ctx.settings.policies);
  if (errors.length) throw validationFailed(errors);
}

function withDefaultVhosts(ctx: HandlerContext, resource: Resource): Resource {
  const spec = resource.spec;
  const vhosts = obj(spec.vhosts);
  const { main, sandbox } = ctx.settings.defaultVhosts;
  if (!vhosts) return { ...resource, spec: { ...spec, vhosts: { main, ...(sandbox ? { sandbox } : {}) } } };
  const resolved = { ...vhosts };
  if (resolved.main === VHOST_SENTINEL) resolved.main = main;
  if (resolved.sandbox === VHOST_SENTINEL) {
    if (sandbox) resolved.sandbox = sandbox;
    else delete resolved.sandbox;
  }
  return { ...resource, spec: { ...spec, vhosts: resolved } };
}

function checkUpdate(ctx: HandlerContext): { resource: Resource; existing: StoredArtifact } {
  const handle = ctx.params.id!;
  const resource = decodeResource(ctx, 'RestAPIRequest', (m) => badRequest(`Failed to parse configuration: ${m}`));
  if (resource.metadata.name !== '' && resource.metadata.name !== handle) {
    throw badRequest(`handle mismatch: path has '${handle}' but YAML metadata.name has '${resource.metadata.name}'`);
  }
  const existing = byHandle(ctx, handle);
  if (!existing) throw missing(handle);
  check(ctx, resource);
  return { resource, existing };
}

/** A list shows the context with `$version` resolved. */
function listedBody(a: StoredArtifact): Json {
  const body = artifactBody(a);
  return { ...body, spec: { ...(body.spec as object), context: resolvedContext(a) } };
}

export const restApiOperations: Record<string, Operation> = {
  createRestAPI: {
    validate: (ctx) => void checkCreate(ctx),
    run(ctx) {
      const { resource, uuid: annotated } = checkCreate(ctx);
      const uuid = annotated ?? uuidV7();
      const spec = resource.spec;
      const clash = conflictOf(ctx.store, 'RestApi', uuid, text(spec.displayName), text(spec.version), resource.metadata.name);
      if (clash) throw conflict(clash);
      const saved = saveArtifact(ctx.store, 'RestApi', uuid, withDefaultVhosts(ctx, resource), 'deployed');
      return created(artifactBody(saved));
    },
  },
  listRestAPIs: {
    run: (ctx) => listArtifacts(ctx, 'RestApi', 'apis', listedBody, resolvedContext),
  },
  getRestAPIById: {
    run(ctx) {
      const found = byHandle(ctx, ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      return ok(artifactBody(found));
    },
  },
  updateRestAPI: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { resource, existing } = checkUpdate(ctx);
      const clash = conflictOf(ctx.store, 'RestApi', existing.uuid, text(resource.spec.displayName), text(resource.spec.version), existing.handle);
      if (clash) throw conflict(clash);
      const saved = saveArtifact(ctx.store, 'RestApi', existing.uuid, { ...resource, metadata: { ...resource.metadata, name: existing.handle } }, desiredStateOf(resource));
      return ok(artifactBody(saved));
    },
  },
  deleteRestAPI: {
    run(ctx) {
      const found = byHandle(ctx, ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      ctx.store.deleteArtifact(found.uuid);
      return ok(deleted('RestAPI deleted successfully', found.handle));
    },
  },
};
