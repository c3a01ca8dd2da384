import type { z } from 'zod';
import type { Desired, ExternalClient, KindDefinition, SyncContext } from '../../shared/engine/kind.ts';
import type { ResourceType } from '../../shared/kube/resources.ts';
import { boundClient } from './bound-client.ts';
import { wso2Conditions } from './conditions.ts';
import { waitingOnGateway } from './dependencies.ts';
import { envelopeClient, type EnvelopeResource } from './envelope-client.ts';
import type { ResolvedGateway } from './gateway/resolve.ts';
import type { GatewayCallError } from './management-api.ts';
import { managedReferences } from './references.ts';

type Json = Record<string, any>;

/** A kind's client for one resource on one gateway; `known` is the resource's status when it describes that gateway, else empty. */
type OnGateway<S> = (desired: Desired<S>, gateway: ResolvedGateway, known: Json, ctx: SyncContext) => ExternalClient | Promise<ExternalClient>;

/**
 * A kind pushed to a gateway's management API (every WSO2 kind but APIGateway): its resources reference every
 * APIGateway and what their specs read, are bound to the gateway that selects them (boundClient: `status.gateway`,
 * moves, deletion) and carry the operator's Accepted and Programmed. `prefer` names the gateway a resource goes to
 * when something else than selection decides it (an ApiKey goes where its parent is).
 */
export function managedKind<S>(type: ResourceType, schema: z.ZodType<S>, onGateway: OnGateway<S>, opts: { prefer?(desired: Desired<S>, ctx: SyncContext): Promise<string | undefined> } = {}): KindDefinition<S> {
  return {
    ...type,
    references: managedReferences,
    schema,
    conditions: wso2Conditions,
    async connect(desired, ctx) {
      const prefer = await opts.prefer?.(desired, ctx);
      return boundClient(desired, ctx, (gateway, known) => onGateway(desired, gateway, known, ctx), { prefer });
    },
  };
}

/** An envelope kind's resource as its gateway keeps it: the collection, the body, and the refusals that mean a wait. */
export interface Envelope extends Pick<EnvelopeResource, 'collection' | 'body' | 'compareMetadata'> {
  /** The envelope's kind when it is not the resource's (`Secret` for a ManagedSecret). */
  kind?: string;
  /** What a refusal says the gateway lacks yet (a provider's template): a wait re-triggered by the watcher, not an invalid spec. */
  missing?(e: GatewayCallError): string | undefined;
}

/** A managed kind the gateway keeps as the operator's envelope by handle (envelopeClient), its id in `status.id`. */
export function envelopeKind<S>(type: ResourceType, schema: z.ZodType<S>, envelope: (desired: Desired<S>, ctx: SyncContext) => Envelope): KindDefinition<S> {
  return managedKind(type, schema, (desired, gateway, known, ctx) => {
    const { kind = type.kind, missing, ...resource } = envelope(desired, ctx);
    const client = envelopeClient(gateway.management, { object: desired.object, kind, statusId: true, ...resource }, known);
    return missing ? waitingOnGateway(client, missing) : client;
  });
}
