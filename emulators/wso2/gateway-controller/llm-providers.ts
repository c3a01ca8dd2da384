/**
 * `/llm-providers` (`llm_provider_handler.go`, `LLMDeploymentService`). Every refusal of a create or an
 * update is a 400 carrying the service's message — a missing template, a name clash and an update of an
 * unknown handle included — as the gateway's handler maps them. `spec.upstream.auth.value` is never
 * answered and is kept when an update omits it.
 */
import { artifactBody, conflictOf, deleted, desiredStateOf, listArtifacts, saveArtifact } from './artifacts.ts';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { hideUpstreamAuth, inheritUpstreamAuth } from './credentials.ts';
import { badRequest, notFound, numbered, NOT_FOUND } from './errors.ts';
import { uuidV7 } from './ids.ts';
import { renderSecrets } from './render.ts';
import { decodeResource } from './resources.ts';
import type { Resource, StoredArtifact } from './store.ts';
import { optionalText, text } from './validation/fields.ts';
import { validateLlmPolicies, validateProvider } from './validation/llm.ts';

const body = (a: StoredArtifact) => artifactBody(a, hideUpstreamAuth);

/** Decode, inherit, render, validate, resolve the template, check policies and clashes: the service's steps. */
function checkProvider(ctx: HandlerContext, existing?: StoredArtifact): Resource {
  const resource = decodeResource(ctx, 'LLMProviderConfigurationRequest', (m) => badRequest(`failed to parse provider configuration: ${m}`));
  if (existing) inheritUpstreamAuth(resource, existing.resource);
  const rendered = renderSecrets(resource, ctx.store);
  const errors = validateProvider(rendered);
  if (errors.length) throw badRequest(`provider validation failed with ${numbered(errors)}`);
  const template = text(rendered.spec.template);
  if (!ctx.store.templates.has(template)) {
    throw badRequest(`failed to transform LLM provider to API configuration: failed to retrieve template '${template}': ${NOT_FOUND}`);
  }
  const policyErrors = validateLlmPolicies(rendered.spec, ctx.settings.policies);
  if (policyErrors.length) throw badRequest(`provider policy validation failed with ${numbered(policyErrors)}`);
  const clash = conflictOf(ctx.store, 'LlmProvider', existing?.uuid ?? '', text(resource.spec.displayName), text(resource.spec.version), resource.metadata.name);
  if (clash) throw badRequest(clash);
  return resource;
}

function existingFor(ctx: HandlerContext): StoredArtifact {
  const found = ctx.store.artifactByHandle('LlmProvider', ctx.params.id!);
  if (!found) throw badRequest(`failed to look up LLM provider: ${NOT_FOUND}`);
  return found;
}

const missing = (id: string) => notFound(`LLM provider configuration with handle '${id}' not found`);

export const llmProviderOperations: Record<string, Operation> = {
  createLLMProvider: {
    validate: (ctx) => void checkProvider(ctx),
    run(ctx) {
      // a creation is deployed whatever `deploymentState` says
      return created(body(saveArtifact(ctx.store, 'LlmProvider', uuidV7(), checkProvider(ctx), 'deployed')));
    },
  },
  listLLMProviders: {
    run: (ctx) => listArtifacts(ctx, 'LlmProvider', 'providers', body, (a) => text(a.resource.spec.context), (a) => optionalText(a.resource.spec.vhost)),
  },
  getLLMProviderById: {
    run(ctx) {
      const found = ctx.store.artifactByHandle('LlmProvider', ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      return ok(body(found));
    },
  },
  updateLLMProvider: {
    validate: (ctx) => void checkProvider(ctx, existingFor(ctx)),
    run(ctx) {
      const existing = existingFor(ctx);
      const resource = checkProvider(ctx, existing);
      return ok(body(saveArtifact(ctx.store, 'LlmProvider', existing.uuid, resource, desiredStateOf(resource))));
    },
  },
  deleteLLMProvider: {
    run(ctx) {
      const found = ctx.store.artifactByHandle('LlmProvider', ctx.params.id!);
      if (!found) throw notFound(`failed to look up LLM provider: ${NOT_FOUND}`);
      ctx.store.deleteArtifact(found.uuid);
      return ok(deleted('LLM provider deleted successfully', found.handle));
    },
  },
};
