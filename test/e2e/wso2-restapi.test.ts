import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { restApi, useWso2World, GATEWAY, type Wso2World } from '../support/wso2-e2e.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

describe('WSO2 RestApi', () => {
  it('deploys to the gateway and reports Accepted and Programmed as the operator', async () => {
    await w.apply(restApi('reading-list'));
    const obj = await w.waitForCondition('RestApi', 'reading-list', 'Programmed', 'True');
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(obj.status).toMatchObject({ gateway: `${w.ns}/${GATEWAY}` });
    const stored = w.gateway.state.get('RestApi', 'reading-list');
    expect(stored).toBeDefined();
  });
});
