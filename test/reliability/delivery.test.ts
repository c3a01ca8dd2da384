import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transient } from '../../shared/engine/errors.ts';
import { ADMIN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { itConvergesOnRedelivery, itRidesOutTransientFaults, itSendsPoisonToTheDlq, type ReliabilityCase } from '../support/reliability-cases.ts';

let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld({ vendorTimeoutMs: 1_000, maxReceiveCount: 6 });
  await w.apply(secret('apim-admin', ADMIN));
  await w.apply(managementContext('ctx', w.apim.url, { secretRef: { name: 'apim-admin' } }));
  await w.waitForCondition('ManagementContext', 'ctx', 'Accepted', 'True');
}, 60_000);
afterAll(async () => w?.close());

const hrid = (name: string) => `${w.ns}-${name}`;
const vendorCopies = (name: string) => w.apim.state.apis('acme', 'dev').filter((a) => a.hrid === hrid(name)).length;
const api: ReliabilityCase<GraviteeWorld> = { world: () => w, kind: 'ApiV4Definition', condition: 'Accepted', make: (name) => apiV4(name, 'ctx'), copies: vendorCopies };
/** GKO's import is one idempotent PUT, for creates and updates alike. */
const apisWrite = { method: 'PUT', path: /\/automation\/organizations\/acme\/environments\/dev\/apis$/ };

describe('at-least-once delivery', () => {
  it('converges after a crash between the vendor call and the status write, with no duplicate', async () => {
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash');
    try {
      await w.apply(apiV4('crash', 'ctx'));
      const obj = await w.waitForCondition('ApiV4Definition', 'crash', 'Accepted', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(vendorCopies('crash')).toBe(1);
      expect(obj.status?.id).toBe(w.apim.state.apis('acme', 'dev').find((a) => a.hrid === hrid('crash'))?.id);
    } finally {
      crash.restore();
    }
  });

  it('retries status writes that meet a conflict', async () => {
    const cluster = await w.plane.deps.clusters.get('local');
    const patchStatus = cluster.patchStatus.bind(cluster);
    let conflicts = 0;
    cluster.patchStatus = async (ref, status, rv) => {
      if (ref.name === 'conflict' && conflicts++ < 2) throw transient('Conflict', 'the object has been modified');
      return patchStatus(ref, status, rv);
    };
    try {
      await w.apply(apiV4('conflict', 'ctx'));
      await w.waitForCondition('ApiV4Definition', 'conflict', 'Accepted', 'True');
      expect(conflicts).toBeGreaterThanOrEqual(3);
    } finally {
      cluster.patchStatus = patchStatus;
    }
  });

  itConvergesOnRedelivery(api, () => w.apim.calls.filter((c) => c.method === 'PUT').length);
  itRidesOutTransientFaults(api, {
    vendor: () => w.apim,
    create: apisWrite,
    update: apisWrite,
    slowerThanTimeoutMs: 1_500,
    change: (name) => apiV4(name, 'ctx', { description: 'changed' }),
    changed: (name) => w.apim.state.apis('acme', 'dev').find((a) => a.hrid === hrid(name))?.description === 'changed',
    idempotentWrites: true,
  });
  itSendsPoisonToTheDlq(api);
});
