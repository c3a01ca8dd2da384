/**
 * `/llm-proxies` (`llm_proxy_handler.go`, `LLMDeploymentService`). A proxy needs its provider (and each
 * additional provider) deployed: a missing one is a 404. Validation refusals are 400 `proxy
 * configuration invalid: …`; a name clash is a 409 on create and the gateway's generic 500 on update.
 * Provider credentials are write-only, kept per provider id on update.
 */
import { artifactBody, conflictOf, deleted, desiredStateOf, listArtifacts, saveArtifact } from './artifacts.ts';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { hideProxyAuth, inheritProxyAuth } from './credentials.ts';
import { badRequest, conflict, internal, notFound, numbered } from './errors.ts';
import { uuidV7 } from './ids.ts';
import { renderSecrets } from './render.ts';
import { decodeResource } from './resources.ts';
import type { Resource, StoredArtifact } from './store.ts';
import { list, obj, optionalText, text } from './validation/fields.ts';
import { validateLlmPolicies, validateProxy } from './validation/llm.ts';

const INVALID = 'proxy configuration invalid';
const body = (a: StoredArtifact) => artifactBody(a, hideProxyAuth);

/** Thrown when a referenced provider is not deployed; the handlers answer it differently. */
class ProviderMissing extends Error {}

function checkProxy(ctx: HandlerContext, existing?: StoredArtifact): Resource {
  const resource = decodeResource(ctx, 'LLMProxyConfigurationRequest', (m) => badRequest(`${INVALID}: failed to parse proxy configuration: ${m}`));
  if (existing) inheritProxyAuth(resource, existing.resource);
  const rendered = renderSecrets(resource, ctx.store);
  const errors = validateProxy(rendered);
  if (errors.length) throw badRequest(`${INVALID}: ${numbered(errors)}`);
  const providers = [text(obj(rendered.spec.provider)?.id), ...(list(rendered.spec.additionalProviders) ?? []).map((p) => text(obj(p)?.id))];
  if (providers.some((id) => !ctx.store.artifactByHandle('LlmProvider', id))) throw new ProviderMissing();
  const policyErrors = validateLlmPolicies(rendered.spec, ctx.settings.policies);
  if (policyErrors.length) throw badRequest(`${INVALID}: ${numbered(policyErrors, 'policy error(s)')}`);
  return resource;
}

function existingFor(ctx: HandlerContext): StoredArtifact {
  const found = ctx.store.artifactByHandle('LlmProxy', ctx.params.id!);
  if (!found) throw missing(ctx.params.id!);
  return found;
}

const missing = (id: string) => notFound(`LLM proxy configuration with handle '${id}' not found`);

function checkCreate(ctx: HandlerContext): Resource {
  try {
    return checkProxy(ctx);
  } catch (e) {
    if (e instanceof ProviderMissing) throw notFound('LLM proxy configuration not found');
    throw e;
  }
}

function checkUpdate(ctx: HandlerContext): { existing: StoredArtifact; resource: Resource } {
  const existing = existingFor(ctx);
  try {
    return { existing, resource: checkProxy(ctx, existing) };
  } catch (e) {
    if (e instanceof ProviderMissing) throw missing(ctx.params.id!);
    throw e;
  }
}

export const llmProxyOperations: Record<string, Operation> = {
  createLLMProxy: {
    validate: (ctx) => void checkCreate(ctx),
    run(ctx) {
      const resource = checkCreate(ctx);
      const uuid = uuidV7();
      const clash = conflictOf(ctx.store, 'LlmProxy', uuid, text(resource.spec.displayName), text(resource.spec.version), resource.metadata.name);
      if (clash) throw conflict(clash);
      return created(body(saveArtifact(ctx.store, 'LlmProxy', uuid, resource, 'deployed')));
    },
  },
  listLLMProxies: {
    run: (ctx) => listArtifacts(ctx, 'LlmProxy', 'proxies', body, (a) => text(a.resource.spec.context), (a) => optionalText(a.resource.spec.vhost)),
  },
  getLLMProxyById: {
    run(ctx) {
      return ok(body(existingFor(ctx)));
    },
  },
  updateLLMProxy: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { existing, resource } = checkUpdate(ctx);
      const clash = conflictOf(ctx.store, 'LlmProxy', existing.uuid, text(resource.spec.displayName), text(resource.spec.version), resource.metadata.name);
      if (clash) throw internal('Failed to update LLM proxy configuration');
      return ok(body(saveArtifact(ctx.store, 'LlmProxy', existing.uuid, resource, desiredStateOf(resource))));
    },
  },
  deleteLLMProxy: {
    run(ctx) {
      const found = existingFor(ctx);
      ctx.store.deleteArtifact(found.uuid);
      return ok(deleted('LLM proxy deleted successfully', found.handle));
    },
  },
};
