import { describe, expect, it } from 'vitest';
import { ADMIN, apiV4, gravitee, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';

/**
 * An API running a shared policy group through GKO's step `{sharedPolicyGroupId, hrid}`: APIM rewrites the id from the
 * hrid and leaves it out of what it answers, so the API's observe must not take its absence for drift.
 */

type Json = Record<string, unknown>;

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

describe('an ApiV4Definition with a shared policy group step', () => {
  it('resyncs without a write although APIM does not answer the step’s sharedPolicyGroupId', async () => {
    await w.apply(gravitee('SharedPolicyGroup', 'limits', { contextRef: { name: 'ctx' }, name: 'limits', apiType: 'PROXY', phase: 'REQUEST', steps: [{ enabled: true, policy: 'rate-limit', configuration: {} }] }));
    const group = await w.waitForCondition('SharedPolicyGroup', 'limits', 'Accepted', 'True');
    await w.apply(apiV4('limited', 'ctx', { flows: [{ name: 'shared', enabled: true, selectors: [{ type: 'HTTP', path: '/', pathOperator: 'STARTS_WITH' }], request: [{ sharedPolicyGroupRef: { name: 'limits' } }] }] }));
    const api = await w.waitForCondition('ApiV4Definition', 'limited', 'Accepted', 'True');

    // Sent as GKO sends it; answered without the id.
    const stored = w.apim.state.api('acme', 'dev', w.hrid('limited'))!;
    const step = ((stored.flows as Json[])[0]!.request as Json[])[0]!;
    expect(step.configuration).toEqual({ sharedPolicyGroupId: group.status?.crossId, hrid: w.hrid('limits') });
    const answered = await fetch(`${w.apim.url}/automation/organizations/acme/environments/dev/apis/${w.hrid('limited')}`, {
      headers: { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` },
    }).then((r) => r.json() as Promise<Json>);
    expect(((answered.flows as Json[])[0]!.request as Json[])[0]!.configuration).toEqual({ hrid: w.hrid('limits') });

    expect(await writesOfOneResync(w, api)).toBe(0);
  });
});
