/**
 * `/llm-provider-templates` (`llm_provider_template_handler.go`, `LLMDeploymentService`). The gateway
 * ships built-in templates (`openai`, `anthropic`…), listed with the others. Defaults are written into
 * the template: `groupId` = handle, `version` v1.0, `managedBy` organization; handle, groupId and
 * version cannot change.
 */
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, conflict, CONFLICT, notFound, numbered } from './errors.ts';
import { uuidV7 } from './ids.ts';
import { renderSecrets } from './render.ts';
import { decodeResource } from './resources.ts';
import { now, type Json, type Resource, type StoredTemplate } from './store.ts';
import { text } from './validation/fields.ts';
import { validateTemplate } from './validation/llm.ts';

const INVALID = 'template configuration invalid';

function templateBody(t: StoredTemplate): Json {
  return { ...structuredClone(t.resource), status: { id: t.handle, createdAt: t.createdAt, updatedAt: t.updatedAt } };
}

function withDefaults(resource: Resource): Resource {
  const spec = { ...resource.spec };
  if (text(spec.groupId).trim() === '') spec.groupId = resource.metadata.name;
  if (text(spec.version).trim() === '') spec.version = 'v1.0';
  if (text(spec.managedBy).trim() === '') spec.managedBy = 'organization';
  return { ...resource, spec };
}

function checkTemplate(ctx: HandlerContext): Resource {
  const resource = withDefaults(decodeResource(ctx, 'LLMProviderTemplateRequest', (m) => badRequest(`${INVALID}: failed to parse template configuration: ${m}`)));
  const errors = validateTemplate(renderSecrets(resource, ctx.store));
  if (errors.length) throw badRequest(`${INVALID}: ${numbered(errors)}`);
  return resource;
}

const missing = (id: string) => notFound(`Template with id '${id}' not found`);

function checkUpdate(ctx: HandlerContext): { resource: Resource; existing: StoredTemplate } {
  const existing = ctx.store.templates.get(ctx.params.id!);
  if (!existing) throw missing(ctx.params.id!);
  const resource = checkTemplate(ctx);
  const immutable = (field: string, before: string, after: string, why: string) => {
    if (before !== after) throw badRequest(`${INVALID}: cannot change template ${field} from '${before}' to '${after}'; ${why}`);
  };
  immutable('handle', existing.handle, resource.metadata.name, 'use create/delete instead');
  immutable('groupId', text(existing.resource.spec.groupId), text(resource.spec.groupId), 'groupId is immutable');
  immutable('version', text(existing.resource.spec.version), text(resource.spec.version), 'version is immutable');
  return { resource, existing };
}

export const templateOperations: Record<string, Operation> = {
  createLLMProviderTemplate: {
    validate: (ctx) => void checkTemplate(ctx),
    run(ctx) {
      const resource = checkTemplate(ctx);
      const handle = resource.metadata.name;
      if (ctx.store.templates.has(handle)) throw conflict(`${CONFLICT}: template with handle '${handle}' already exists`);
      const at = now();
      const stored: StoredTemplate = { uuid: uuidV7(), handle, resource, builtIn: false, createdAt: at, updatedAt: at };
      ctx.store.templates.set(handle, stored);
      return created(templateBody(stored));
    },
  },
  listLLMProviderTemplates: {
    run(ctx) {
      const displayName = ctx.query.get('displayName');
      const items = [...ctx.store.templates.values()].filter((t) => !displayName || t.resource.spec.displayName === displayName).map(templateBody);
      return ok({ status: 'success', count: items.length, templates: items });
    },
  },
  getLLMProviderTemplateById: {
    run(ctx) {
      const found = ctx.store.templates.get(ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      return ok(templateBody(found));
    },
  },
  updateLLMProviderTemplate: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { resource, existing } = checkUpdate(ctx);
      const updated: StoredTemplate = { ...existing, resource, updatedAt: now() };
      ctx.store.templates.set(existing.handle, updated);
      return ok(templateBody(updated));
    },
  },
  deleteLLMProviderTemplate: {
    run(ctx) {
      const found = ctx.store.templates.get(ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      ctx.store.templates.delete(found.handle);
      return ok({ status: 'success', message: 'LLM provider template deleted successfully', id: found.handle });
    },
  },
};
