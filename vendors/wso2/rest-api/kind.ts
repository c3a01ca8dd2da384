import type { ExternalClient, KindDefinition } from '../../../shared/engine/kind.ts';
import { bottomUpClient } from '../apim/bottom-up.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { envelopeClient } from '../envelope-client.ts';
import { managedReferences } from '../references.ts';
import { RestApiType } from '../resource-types.ts';
import { withControlPlane } from './with-control-plane.ts';
import { restApiSpec } from './payload.ts';
import { RestApiSpec } from './schema.ts';

/**
 * RestApi → the gateway's `/rest-apis/{name}` (the handle is the resource's name), then, when its gateway's control
 * plane is APIM 4.7, the API in APIM (bottom-up, vendors/wso2/apim).
 */
export const restApiKind: KindDefinition<RestApiSpec> = {
  ...RestApiType,
  references: managedReferences,
  schema: RestApiSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    const { object, spec } = desired;
    return boundClient(desired, ctx, async (gateway, known): Promise<ExternalClient> => {
      const onGateway = envelopeClient(gateway.management, { object, collection: '/rest-apis', kind: 'RestApi', body: async () => ({ spec: await restApiSpec(spec, object, ctx) }) }, known);
      const apim = await bottomUpClient(object, spec as Record<string, unknown>, { object: gateway.object, config: gateway.config }, ctx);
      return apim ? withControlPlane(onGateway, apim) : onGateway;
    });
  },
};
