import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, GRAVITEE, TOKEN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itKeepsSecretsOut } from '../support/reliability-cases.ts';
import { spyOnQueue } from '../support/queue-spy.ts';

const TEMPLATE_SECRET = 'template-value-51d2e8';

let w: GraviteeWorld;
let queued: string[];
beforeAll(async () => {
  w = await startGraviteeWorld();
  queued = spyOnQueue(w.plane.queue.sqs);
  await w.apply(secret('apim-admin', ADMIN));
  await w.apply(secret('backend', { target: `https://backend.example.com/${TEMPLATE_SECRET}` }));
  await w.apply(managementContext('ctx', w.apim.url, { secretRef: { name: 'apim-admin' } }));
  await w.apply(managementContext('token-ctx', w.apim.url, { bearerToken: TOKEN }));
  await w.waitForCondition('ManagementContext', 'ctx', 'Accepted', 'True');
}, 60_000);
afterAll(async () => w?.close());

const conditionMessage = async (kind: string, name: string) => {
  const obj = await w.waitForCondition(kind, name, 'Accepted', 'False');
  return (obj.status?.conditions as { type: string; message: string }[]).find((c) => c.type === 'Accepted')?.message ?? '';
};

describe('malformed resources', () => {
  it('each get Accepted=False naming the field, while valid neighbours sync', async () => {
    const endpointGroups = (target: string) => [{ name: 'g', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy', inheritConfiguration: false, configuration: { target } }] }];
    await Promise.all([
      w.apply(managementContext('bad-url', 'not a url', { credentials: ADMIN })),
      w.apply({ ...managementContext('no-org', w.apim.url, { credentials: ADMIN }), spec: { baseUrl: w.apim.url, environmentId: 'dev', auth: { credentials: ADMIN } } }),
      w.apply(apiV4('unknown-template-key', 'ctx', { endpointGroups: endpointGroups('[[ secret `backend/nope` ]]') })),
      w.apply(apiV4('bad-template-arg', 'ctx', { endpointGroups: endpointGroups('[[ secret `backend` ]]') })),
      w.apply(apiV4('empty-name', 'ctx', { name: '' })),
      w.apply(apiV4('good-neighbour', 'ctx', { endpointGroups: endpointGroups('[[ secret `backend/target` ]]') })),
    ]);
    expect(await conditionMessage('ManagementContext', 'bad-url')).toContain('spec.baseUrl');
    expect(await conditionMessage('ManagementContext', 'no-org')).toContain('spec.organizationId');
    expect(await conditionMessage('ApiV4Definition', 'unknown-template-key')).toMatch(/spec\.endpointGroups\[0\]\.endpoints\[0\]\.configuration\.target: key "nope"/);
    expect(await conditionMessage('ApiV4Definition', 'bad-template-arg')).toContain('spec.endpointGroups[0].endpoints[0].configuration.target');
    expect(await conditionMessage('ApiV4Definition', 'empty-name')).toContain('spec.name');
    await w.waitForCondition('ApiV4Definition', 'good-neighbour', 'Accepted', 'True');
    const api = w.apim.state.apis('acme', 'dev').find((a) => a.hrid === `${w.ns}-good-neighbour`);
    expect(JSON.stringify(api)).toContain(TEMPLATE_SECRET);
  });

  it('refuses a baseUrl on a link-local or metadata address', async () => {
    await w.apply(managementContext('metadata', 'http://169.254.169.254/latest', { credentials: ADMIN }));
    const message = await conditionMessage('ManagementContext', 'metadata');
    expect(message).toContain('169.254.169.254');
    const obj = await w.get('ManagementContext', 'metadata');
    expect((obj?.status?.conditions as { type: string; reason: string }[]).find((c) => c.type === 'Accepted')?.reason).toBe('AddressRefused');
  });

  it('has a token context in sync', async () => {
    await w.waitForCondition('ManagementContext', 'token-ctx', 'Accepted', 'True');
  });
  itKeepsSecretsOut({
    world: () => w,
    queued: () => queued,
    secrets: () => [ADMIN.password, TOKEN, TEMPLATE_SECRET],
    kinds: [
      [GRAVITEE, 'ManagementContext'],
      [GRAVITEE, 'ApiV4Definition'],
    ],
  });
});

describe('address policy', () => {
  it('refuses loopback unless the configuration allows it', async () => {
    const strict = await startGraviteeWorld({ allowLoopback: false });
    try {
      await strict.apply(managementContext('loopback', strict.apim.url, { credentials: ADMIN }));
      await strict.apply(managementContext('localhost', strict.apim.url.replace('127.0.0.1', 'localhost'), { credentials: ADMIN }));
      for (const name of ['loopback', 'localhost']) {
        const obj = await strict.waitForCondition('ManagementContext', name, 'Accepted', 'False', { reason: 'AddressRefused' });
        expect(JSON.stringify(obj.status)).toContain('loopback');
      }
      expect(strict.apim.calls).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
