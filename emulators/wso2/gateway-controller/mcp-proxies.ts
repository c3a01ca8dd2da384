/**
 * `/mcp-proxies` (`mcp_proxy_handler.go`, `MCPDeploymentService`). Create refusals are 400 (409 for a
 * name or handle clash); the gateway's update handler answers every refusal but a template render error
 * with 404 `MCP configuration with handle '…' not found`, validation errors included — reproduced.
 * `spec.upstream.auth.value` is write-only.
 */
import { artifactBody, conflictOf, deleted, desiredStateOf, listArtifacts, resolvedContext, saveArtifact } from './artifacts.ts';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { hideUpstreamAuth, inheritUpstreamAuth } from './credentials.ts';
import { badRequest, conflict, GatewayError, notFound, numbered } from './errors.ts';
import { uuidV7 } from './ids.ts';
import { renderSecrets } from './render.ts';
import { decodeResource } from './resources.ts';
import type { Resource, StoredArtifact } from './store.ts';
import { text } from './validation/fields.ts';
import { validateMcp } from './validation/mcp.ts';
import { checkPolicyList } from './validation/policies.ts';

const body = (a: StoredArtifact) => artifactBody(a, hideUpstreamAuth);

/** Thrown when rendering `{{ secret }}` fails: the one refusal the update handler does not turn into a 404. */
class RenderFailure extends Error {
  readonly error: GatewayError;
  constructor(error: GatewayError) {
    super(error.message);
    this.error = error;
  }
}

function checkMcp(ctx: HandlerContext, existing?: StoredArtifact): Resource {
  const resource = decodeResource(ctx, 'MCPProxyConfigurationRequest', (m) => badRequest(`failed to parse configuration: ${m}`));
  if (existing) inheritUpstreamAuth(resource, existing.resource);
  let rendered: Resource;
  try {
    rendered = renderSecrets(resource, ctx.store);
  } catch (e) {
    throw e instanceof GatewayError ? new RenderFailure(e) : e;
  }
  const errors = [...validateMcp(rendered), ...checkPolicyList(ctx.settings.policies, rendered.spec.policies, 'spec.policies')];
  if (errors.length) throw badRequest(`configuration validation failed with ${numbered(errors)}`);
  const clash = conflictOf(ctx.store, 'Mcp', existing?.uuid ?? '', text(resource.spec.displayName), text(resource.spec.version), resource.metadata.name);
  if (clash) throw conflict(clash);
  return resource;
}

function checkCreate(ctx: HandlerContext): Resource {
  try {
    return checkMcp(ctx);
  } catch (e) {
    throw e instanceof RenderFailure ? e.error : e;
  }
}

function checkUpdate(ctx: HandlerContext): { existing: StoredArtifact; resource: Resource } {
  const id = ctx.params.id!;
  const existing = ctx.store.artifactByHandle('Mcp', id);
  try {
    if (!existing) throw notFound('');
    return { existing, resource: checkMcp(ctx, existing) };
  } catch (e) {
    if (e instanceof RenderFailure) throw e.error;
    throw notFound(`MCP configuration with handle '${id}' not found`);
  }
}

export const mcpProxyOperations: Record<string, Operation> = {
  createMCPProxy: {
    validate: (ctx) => void checkCreate(ctx),
    run: (ctx) => created(body(saveArtifact(ctx.store, 'Mcp', uuidV7(), checkCreate(ctx), 'deployed'))),
  },
  listMCPProxies: {
    run: (ctx) => listArtifacts(ctx, 'Mcp', 'mcpProxies', body, resolvedContext),
  },
  getMCPProxyById: {
    run(ctx) {
      const found = ctx.store.artifactByHandle('Mcp', ctx.params.id!);
      if (!found) throw notFound(`MCP proxy configuration with handle '${ctx.params.id}' not found`);
      return ok(body(found));
    },
  },
  updateMCPProxy: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { existing, resource } = checkUpdate(ctx);
      return ok(body(saveArtifact(ctx.store, 'Mcp', existing.uuid, resource, desiredStateOf(resource))));
    },
  },
  deleteMCPProxy: {
    run(ctx) {
      const found = ctx.store.artifactByHandle('Mcp', ctx.params.id!);
      if (!found) throw notFound(`MCP proxy configuration with handle '${ctx.params.id}' not found`);
      ctx.store.deleteArtifact(found.uuid);
      return ok(deleted('MCP proxy configuration deleted successfully', found.handle));
    },
  },
};
