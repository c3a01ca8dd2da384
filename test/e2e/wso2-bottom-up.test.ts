import { describe, expect, it } from 'vitest';
import { conditionOf } from '../support/world-objects.ts';
import { controlPlaneStatus, ENVIRONMENT, propertyOf, useBottomUpWorld, type BottomUpWorld } from '../support/bottom-up-world.ts';
import { restApi } from '../support/wso2-e2e.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Bottom-up (docs/wso2-design.md): a RestApi declared in Kubernetes runs on its gateway and, the gateway's control
 * plane being APIM 4.7, is imported into APIM as the gateway would import it, deployed to the gateway's environment.
 */
describe('a RestApi declared in Kubernetes appears in WSO2 API Manager 4.7', () => {
  let w: BottomUpWorld;
  useBottomUpWorld((world) => void (w = world));

  it('is imported as an APIPlatform API initiated from the gateway, deployed to the gateway environment, ids in status', async () => {
    await w.apply(restApi('orders', { operations: [{ method: 'GET', path: '/orders' }, { method: 'GET', path: '/orders/{id}' }] }));
    const ready = await w.waitForCondition('RestApi', 'orders', 'Ready', 'True');
    expect(conditionOf(ready, 'Programmed')?.status).toBe('True');
    const api = w.apimApi('orders')!;
    expect(api).toMatchObject({ name: 'orders', version: 'v1.0', context: '/orders' });
    expect(api.api).toMatchObject({ gatewayType: 'APIPlatform', gatewayVendor: 'wso2', initiatedFromGateway: true });
    expect(propertyOf(api, 'apim-sync-owner')).toBe(`local/${w.ns}/orders`);
    expect(api.deployments.map((d) => [d.environment, d.revisionId])).toEqual([[ENVIRONMENT, api.revisions.at(-1)!.id]]);
    expect(controlPlaneStatus(ready)).toMatchObject({ type: 'APIM', apiId: api.id, revisionId: api.revisions.at(-1)!.id, gatewayEnvironment: ENVIRONMENT, lastImportedGeneration: 1 });
    expect(Object.keys((api.definition as { paths: object }).paths)).toEqual(['/orders', '/orders/{id}']);
    expect(w.gateway.state.get('RestApi', 'orders')).toBeDefined();
  });
});
