import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { bottomUpClient } from '../apim/bottom-up.ts';
import { envelopeClient } from '../envelope-client.ts';
import { managedKind } from '../managed-kind.ts';
import { RestApiType } from '../resource-types.ts';
import { withControlPlane } from './with-control-plane.ts';
import { restApiSpec } from './payload.ts';
import { RestApiSpec } from './schema.ts';
import { identified } from '../../identified.ts';

/**
 * RestApi → the gateway's `/rest-apis/{name}` (the handle is the resource's name), then, when its gateway's control
 * plane is APIM 4.7, the API in APIM (bottom-up, vendors/wso2/apim).
 */
export const restApiKind: KindDefinition<RestApiSpec> = managedKind(RestApiType, RestApiSpec, async ({ object, spec }, gateway, known, ctx) => {
  // The RestApi CRD has no status.id: none is written.
  const onGateway = envelopeClient(gateway.management, { object, collection: '/rest-apis', kind: 'RestApi', body: async () => ({ spec: await restApiSpec(spec, object, ctx) }) }, known);
  const apim = await bottomUpClient(object, spec as Record<string, unknown>, { object: gateway.object, config: gateway.config }, ctx);
  // Imported bottom-up, it is APIM's API it is named by (another cluster's RestApi may import the same name and
  // version through another gateway); else the gateway's, by handle. APIM out of reach: the gateway's, which it writes.
  return apim ? identified(withControlPlane(onGateway, apim), apim.identity ?? onGateway.identity) : onGateway;
});
