/**
 * API keys of RestApis, LLM providers and LLM proxies (`api_key_handler.go`, `pkg/utils/api_key.go`).
 * Only the key's SHA-256 is kept. A supplied `apiKey` is registered as an external key (never echoed);
 * without one the gateway generates `apip_…` and returns it once. POST with an existing name replaces
 * that key; a value already held by another key is a 409. Listings show masked keys, only the caller's
 * unless they are admin; only the creator regenerates or updates a key, the creator or an admin revokes
 * it; updates take external keys only. Revoking an unknown key succeeds (nothing is revealed).
 * The gateway answers several refusals with 500 (a key limit reached, an expiry in the past, a
 * name mismatch, another user's key): reproduced, with the handler's message.
 */
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, CONFLICT, conflict, failure, notFound, NOT_FOUND } from './errors.ts';
import { generateApiKey, hashApiKey, maskApiKey, shortId, uuidV7 } from './ids.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { now, type ApiKeyParentKind, type Json, type StoredApiKey, type StoredArtifact } from './store.ts';
import { num, obj, optionalText, text } from './validation/fields.ts';

/** A refusal the service returns as a plain error; the handlers of each parent word its 500 differently. */
class KeyServiceError extends Error {}

const UNITS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400, weeks: 7 * 86400, months: 30 * 86400 };

function parentOf(ctx: HandlerContext, kind: ApiKeyParentKind): StoredArtifact {
  const found = ctx.store.artifactByHandle(kind, ctx.params.id!);
  if (!found) throw notFound(`${NOT_FOUND}: API configuration handle '${ctx.params.id}' not found`);
  return found;
}

function bodyOf(ctx: HandlerContext): Json {
  const raw = ctx.read('binder');
  if (raw instanceof BodyParseError) throw badRequest(`Invalid request body: ${raw.message}`);
  return asObject(raw);
}

/** `expiresAt` wins over `expiresIn`; either must lie in the future. */
function expiryOf(request: Json, fallback: string | null): string | null {
  const at = optionalText(request.expiresAt);
  const within = obj(request.expiresIn);
  let expiry = fallback;
  if (at !== undefined) expiry = new Date(at).toISOString();
  else if (within) {
    const unit = UNITS[text(within.unit)];
    if (unit === undefined) throw new KeyServiceError(`unsupported expiration unit: ${text(within.unit)}`);
    expiry = new Date(Date.now() + (num(within.duration) ?? 0) * unit * 1000).toISOString();
  }
  if (expiry !== null && Date.parse(expiry) < Date.now()) {
    throw new KeyServiceError(`API key expiration time must be in the future, got: ${expiry.replace(/\.\d+Z$/, 'Z')} (current time: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')})`);
  }
  return expiry;
}

const NAME = /^[a-z0-9]+([_-][a-z0-9]+)*$/;

function checkName(name: string): void {
  if (name.length < 3) throw new KeyServiceError('invalid name: API key name is too short (minimum 3 characters required)');
  if (name.length > 63) throw new KeyServiceError('invalid name: API key name is too long (maximum 63 characters allowed)');
  if (!NAME.test(name)) {
    throw new KeyServiceError(
      'invalid name: API key name must be lowercase alphanumeric with hyphens or underscores (no consecutive separators, cannot start/end with hyphen or underscore)',
    );
  }
}

/** A URL-safe name from a base (`<handle>-key-<8 chars>`), made unique under the parent with a short suffix. */
function generatedName(ctx: HandlerContext, parent: StoredArtifact): string {
  let base = `${parent.handle}-key-${shortId().slice(0, 8)}`
    .toLowerCase()
    .replace(/[ _]/g, '-')
    .replace(/[^a-z0-9\-_ ]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (base.length < 3) base = base ? `${base}-${shortId().slice(0, 3).toLowerCase()}` : 'key';
  let name = base;
  while (ctx.store.keyByName(parent.uuid, name)) name = `${base.slice(0, 58)}-${shortId().slice(0, 4).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  return name;
}

const activeCount = (ctx: HandlerContext, parent: StoredArtifact, user: string): number =>
  ctx.store.keysOf(parent.uuid).filter((k) => k.status === 'active' && k.createdBy === user).length;

/** A key hash held by another key row: the table's primary key refuses it. */
function hashTaken(ctx: HandlerContext, hash: string, except: StoredApiKey | undefined): boolean {
  for (const k of ctx.store.apiKeys.values()) if (k.hash === hash && k !== except) return true;
  return false;
}

function keyView(k: StoredApiKey, apiKey: string | undefined): Json {
  return {
    name: k.name,
    ...(apiKey !== undefined ? { apiKey } : {}),
    apiId: k.parentHandle,
    status: k.status,
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    expiresAt: k.expiresAt,
    source: k.source,
  };
}

/** The service's error for `fn`'s refusal, with the words it wraps it in. */
function wrapped<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw e instanceof KeyServiceError ? new KeyServiceError(`${prefix}: ${e.message}`) : e;
  }
}

function createKey(ctx: HandlerContext, kind: ApiKeyParentKind): Json {
  const request = bodyOf(ctx);
  const parent = parentOf(ctx, kind);
  const user = ctx.principal.userId;
  const limit = ctx.settings.apiKeysPerUserPerApi;
  const count = activeCount(ctx, parent, user);
  if (count >= limit) throw new KeyServiceError(`API key limit exceeded: user has ${count} active keys, maximum allowed is ${limit}`);
  const supplied = text(request.apiKey).trim();
  const plain = supplied || generateApiKey();
  const requestedName = text(request.name).trim();
  const expiresAt = wrapped('failed to generate API key', () => {
    if (requestedName) checkName(requestedName);
    return expiryOf(request, null);
  });
  const name = requestedName || generatedName(ctx, parent);
  const existing = ctx.store.keyByName(parent.uuid, name);
  const hash = hashApiKey(plain);
  if (hashTaken(ctx, hash, existing)) {
    // a generated key that collides is generated again; a supplied one is refused
    if (!supplied) return createKey(ctx, kind);
    throw conflict(`failed to generate API key: failed to save API key to database: ${CONFLICT}: API key value already exists`);
  }
  const at = now();
  const key: StoredApiKey = {
    uuid: uuidV7(),
    name,
    parentKind: kind,
    parentHandle: parent.handle,
    artifactUuid: parent.uuid,
    hash,
    masked: maskApiKey(plain),
    status: 'active',
    source: existing?.source ?? (supplied ? 'external' : 'local'),
    createdBy: existing?.createdBy ?? user,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    expiresAt,
    ...(text(request.externalRefId).trim() ? { externalRefId: text(request.externalRefId).trim() } : existing?.externalRefId ? { externalRefId: existing.externalRefId } : {}),
    ...(existing?.issuer ? { issuer: existing.issuer } : text(request.issuer).trim() ? { issuer: text(request.issuer).trim() } : {}),
  };
  if (existing) ctx.store.apiKeys.delete(existing.uuid);
  ctx.store.apiKeys.set(key.uuid, key);
  return {
    status: 'success',
    message: supplied ? 'API key registered successfully' : 'API key generated successfully',
    remainingApiKeyQuota: Math.max(0, limit - activeCount(ctx, parent, key.createdBy)),
    // the answer shows the key just created, with the plain key only when the gateway generated it
    apiKey: { ...keyView(key, supplied ? undefined : plain), createdAt: at, createdBy: user, source: supplied ? 'external' : 'local' },
  };
}

function listKeys(ctx: HandlerContext, kind: ApiKeyParentKind): Json {
  const parent = parentOf(ctx, kind);
  const admin = ctx.principal.roles.includes('admin');
  const keys = ctx.store
    .keysOf(parent.uuid)
    .filter((k) => (admin || k.createdBy === ctx.principal.userId) && k.status === 'active')
    .map((k) => ({ ...keyView(k, k.masked), ...(k.externalRefId ? { externalRefId: k.externalRefId } : {}) }));
  // an empty Go slice left nil encodes as null
  return { status: 'success', apiKeys: keys.length ? keys : null, totalCount: keys.length };
}

/** The handler's own checks of an update body, before the service runs. */
function checkUpdateBody(ctx: HandlerContext): Json {
  const request = bodyOf(ctx);
  if (text(request.apiKey).trim() === '') throw badRequest('apiKey is required');
  return request;
}

function updateKey(ctx: HandlerContext, kind: ApiKeyParentKind): Json {
  const request = checkUpdateBody(ctx);
  const supplied = text(request.apiKey).trim();
  const keyName = ctx.params.apiKeyName!;
  const bodyName = text(request.name);
  if (bodyName !== '' && bodyName !== keyName) {
    throw new KeyServiceError(`API key name mismatch: name in request body '${bodyName}' must match the key name in URL '${keyName}'`);
  }
  const parent = parentOf(ctx, kind);
  const existing = ctx.store.keyByName(parent.uuid, keyName);
  if (!existing) throw notFound(`${NOT_FOUND}: API key '${keyName}' not found for API '${parent.handle}' and no api_key value provided to create one`);
  if (existing.source !== 'external') {
    throw badRequest(
      'operation not allowed: updates are only allowed for externally generated API keys. For locally generated keys, please use the regenerate endpoint to create a new key',
    );
  }
  if (existing.createdBy !== ctx.principal.userId) throw new KeyServiceError(`not authorized to update API key '${keyName}'`);
  const expiresAt = wrapped('failed to update API key from request', () => expiryOf(request, null));
  const hash = hashApiKey(supplied);
  if (hashTaken(ctx, hash, existing)) throw conflict(`failed to update API key in database: ${CONFLICT}: API key value already exists`);
  const updated: StoredApiKey = { ...existing, hash, masked: maskApiKey(supplied), status: 'active', updatedAt: now(), expiresAt };
  ctx.store.apiKeys.set(updated.uuid, updated);
  return { status: 'success', message: 'API key updated successfully', apiKey: keyView(updated, updated.masked) };
}

function regenerateKey(ctx: HandlerContext, kind: ApiKeyParentKind): Json {
  const request = bodyOf(ctx);
  const parent = parentOf(ctx, kind);
  const keyName = ctx.params.apiKeyName!;
  const existing = ctx.store.keyByName(parent.uuid, keyName);
  if (!existing) throw notFound(`${NOT_FOUND}: API key '${keyName}' not found for API '${parent.handle}'`);
  if (existing.createdBy !== ctx.principal.userId) throw new KeyServiceError(`API key regeneration failed for API: '${parent.handle}'`);
  const expiresAt = wrapped('failed to regenerate API key', () => expiryOf(request, existing.expiresAt));
  let plain = generateApiKey();
  while (hashTaken(ctx, hashApiKey(plain), existing)) plain = generateApiKey();
  const regenerated: StoredApiKey = { ...existing, hash: hashApiKey(plain), masked: maskApiKey(plain), status: 'active', updatedAt: now(), expiresAt };
  ctx.store.apiKeys.set(regenerated.uuid, regenerated);
  return {
    status: 'success',
    message: 'API key generated successfully',
    remainingApiKeyQuota: Math.max(0, ctx.settings.apiKeysPerUserPerApi - activeCount(ctx, parent, existing.createdBy)),
    apiKey: keyView(regenerated, plain),
  };
}

function revokeKey(ctx: HandlerContext, kind: ApiKeyParentKind): Json {
  const parent = parentOf(ctx, kind);
  const existing = ctx.store.keyByName(parent.uuid, ctx.params.apiKeyName!);
  if (existing) {
    const admin = ctx.principal.roles.includes('admin');
    if (!admin && existing.createdBy !== ctx.principal.userId) throw new KeyServiceError(`API key revocation failed for API: '${parent.handle}'`);
    ctx.store.apiKeys.delete(existing.uuid);
  }
  return { status: 'success', message: 'API key revoked successfully' };
}

/** The five key operations under one parent kind; `genericFailure` says whether its handler hides a 500's cause. */
function keyOperations(kind: ApiKeyParentKind, ids: [string, string, string, string, string], genericFailure: boolean): Record<string, Operation> {
  const guard =
    (fn: (ctx: HandlerContext, kind: ApiKeyParentKind) => Json, answer: (body: Json) => ReturnType<Operation['run']>) =>
    (ctx: HandlerContext) => {
      try {
        return answer(fn(ctx, kind));
      } catch (e) {
        if (e instanceof KeyServiceError) throw failure(500, genericFailure ? 'internal server error' : e.message);
        throw e;
      }
    };
  const [create, list, regenerate, update, revoke] = ids;
  return {
    [create]: { validate: (ctx) => void bodyOf(ctx), run: guard(createKey, created) },
    [list]: { run: guard(listKeys, ok) },
    [regenerate]: { validate: (ctx) => void bodyOf(ctx), run: guard(regenerateKey, ok) },
    [update]: { validate: (ctx) => void checkUpdateBody(ctx), run: guard(updateKey, ok) },
    [revoke]: { run: guard(revokeKey, ok) },
  };
}

export const apiKeyOperations: Record<string, Operation> = {
  ...keyOperations('RestApi', ['createAPIKey', 'listAPIKeys', 'regenerateAPIKey', 'updateAPIKey', 'revokeAPIKey'], true),
  ...keyOperations(
    'LlmProvider',
    ['createLLMProviderAPIKey', 'listLLMProviderAPIKeys', 'regenerateLLMProviderAPIKey', 'updateLLMProviderAPIKey', 'revokeLLMProviderAPIKey'],
    false,
  ),
  ...keyOperations('LlmProxy', ['createLLMProxyAPIKey', 'listLLMProxyAPIKeys', 'regenerateLLMProxyAPIKey', 'updateLLMProxyAPIKey', 'revokeLLMProxyAPIKey'], false),
};
