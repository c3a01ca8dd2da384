/** What an operation's handler receives, and what it is made of. */
import type { Principal } from './auth.ts';
import type { Answer } from './http-io.ts';
import { readGatewayBody, type BodyReader } from './request-body.ts';
import type { GatewayStore, Json } from './store.ts';
import type { PolicyCatalog } from './validation/policies.ts';

export interface GatewaySettings {
  /** `status.gatewayId` of plans and subscriptions. */
  gatewayId: string;
  policies: PolicyCatalog;
  /** The router's default vhosts, written into a RestApi created without `spec.vhosts`. */
  defaultVhosts: { main: string; sandbox?: string };
  /** API keys one user may hold per API (`api_keys_per_user_per_api`). */
  apiKeysPerUserPerApi: number;
}

export interface HandlerContext {
  /** Path parameters, percent-decoded, named as in the spec. */
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
  store: GatewayStore;
  settings: GatewaySettings;
  /** The management API document (errata applied), for the shapes of resources. */
  document: Json;
  /** The client asked for YAML (`Accept`); honoured by operations documenting a YAML answer. */
  wantsYaml: boolean;
  /** The body as the gateway's reader of that kind decodes it (a `BodyParseError` when it cannot). */
  read(reader: BodyReader): unknown;
}

export interface Operation {
  /**
   * What the gateway checks before it changes anything, throwing its own 400s (pure: no state change).
   * Run before a request outside the published contract is refused, so that a bad body gets the
   * gateway's own answer naming the field.
   */
  validate?(ctx: HandlerContext): void;
  run(ctx: HandlerContext): Answer;
}

export function handlerContext(base: Omit<HandlerContext, 'read'>, raw: Buffer, contentType: string | undefined): HandlerContext {
  const decoded = new Map<BodyReader, unknown>();
  return {
    ...base,
    read(reader) {
      if (!decoded.has(reader)) decoded.set(reader, readGatewayBody(raw, contentType, reader));
      return decoded.get(reader);
    },
  };
}

export const ok = (body: unknown): Answer => ({ status: 200, body });
export const created = (body: unknown): Answer => ({ status: 201, body });
