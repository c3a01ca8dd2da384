/**
 * `/secrets` (`secret_handler.go`, `pkg/secrets`). The value is stored (encrypted, by the gateway) and
 * returned only by `GET /secrets/{id}`; create, update and list answers never carry it. A secret cannot
 * be renamed. Deletion answers 200 with an empty body.
 */
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, conflict, CONFLICT, notFound, numbered, NOT_FOUND } from './errors.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { now, type Json, type StoredSecret } from './store.ts';
import { obj, optionalText, text } from './validation/fields.ts';
import { validateSecret } from './validation/secret.ts';

function secretBody(s: StoredSecret, withValue: boolean): Json {
  return {
    apiVersion: 'gateway.api-platform.wso2.com/v1',
    kind: 'Secret',
    metadata: { name: s.handle },
    spec: { displayName: s.displayName, ...(s.description !== undefined ? { description: s.description } : {}), ...(withValue ? { value: s.value } : {}) },
    status: { id: s.handle, createdAt: s.createdAt, updatedAt: s.updatedAt },
  };
}

function checkSecret(ctx: HandlerContext): { handle: string; displayName: string; description?: string; value: string } {
  const raw = ctx.read('parser');
  if (raw instanceof BodyParseError) throw badRequest(`failed to parse configuration: ${raw.message}`);
  const resource = asObject(raw);
  const errors = validateSecret(resource);
  if (errors.length) throw badRequest(`configuration validation failed with ${numbered(errors)}`);
  const spec = obj(resource.spec) ?? {};
  return { handle: text(obj(resource.metadata)?.name), displayName: text(spec.displayName), description: optionalText(spec.description), value: text(spec.value) };
}

function checkId(id: string): void {
  if (id.length > 255) throw badRequest('Secret ID too long (max 255 characters)');
}

function checkUpdate(ctx: HandlerContext) {
  const id = ctx.params.id!;
  checkId(id);
  const input = checkSecret(ctx);
  if (input.handle !== id) {
    throw badRequest(`secret id in payload ('${input.handle}') does not match the URL path id ('${id}'): renaming secrets is not supported`);
  }
  return input;
}

const missing = (id: string) => notFound(`${NOT_FOUND}: id=${id}`);

export const secretOperations: Record<string, Operation> = {
  createSecret: {
    validate: (ctx) => void checkSecret(ctx),
    run(ctx) {
      const input = checkSecret(ctx);
      if (ctx.store.secrets.has(input.handle)) throw conflict(`storage failed: ${CONFLICT}: secret with id '${input.handle}' already exists`);
      const at = now();
      const secret: StoredSecret = { ...input, createdAt: at, updatedAt: at };
      ctx.store.secrets.set(input.handle, secret);
      return created(secretBody(secret, false));
    },
  },
  listSecrets: {
    run(ctx) {
      // list items carry the display name only, never the value nor the description
      const items = [...ctx.store.secrets.values()].map((s) => secretBody({ ...s, description: undefined }, false));
      return ok({ status: 'success', count: items.length, secrets: items });
    },
  },
  getSecret: {
    run(ctx) {
      checkId(ctx.params.id!);
      const found = ctx.store.secrets.get(ctx.params.id!);
      if (!found) throw missing(ctx.params.id!);
      return ok(secretBody(found, true));
    },
  },
  updateSecret: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const input = checkUpdate(ctx);
      const existing = ctx.store.secrets.get(input.handle);
      if (!existing) throw notFound(`secret configuration not found: id=${input.handle}: ${NOT_FOUND}: id=${input.handle}`);
      const updated: StoredSecret = { ...input, createdAt: existing.createdAt, updatedAt: now() };
      ctx.store.secrets.set(input.handle, updated);
      return ok(secretBody(updated, false));
    },
  },
  deleteSecret: {
    run(ctx) {
      checkId(ctx.params.id!);
      if (!ctx.store.secrets.delete(ctx.params.id!)) throw missing(ctx.params.id!);
      return { status: 200 };
    },
  },
};
