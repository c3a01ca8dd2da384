import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../emulators/common/faults.ts';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { AUTOMATION, apiSpec, call } from './gravitee-helpers.ts';

/** The fault hooks chaos runs use: faults at given rates from a seeded source, and answers lost after a write. */
describe('faults by chance', () => {
  const draws = (seed: number) => {
    const f = new FaultInjector();
    f.inject({ status: 500, chance: 0.1, seed });
    f.inject({ status: 429, chance: 0.05 });
    f.inject({ delayMs: 1, chance: 0.02 });
    return Array.from({ length: 20_000 }, () => {
      const rule = f.take('GET', '/x');
      return rule ? (rule.status ?? -1) : 0;
    });
  };

  it('meets each rule at its rate, the rates adding up, the same sequence for the same seed', () => {
    const a = draws(42);
    const share = (status: number | undefined) => a.filter((s) => s === status).length / a.length;
    expect(share(500)).toBeGreaterThan(0.09);
    expect(share(500)).toBeLessThan(0.11);
    expect(share(429)).toBeGreaterThan(0.04);
    expect(share(429)).toBeLessThan(0.06);
    expect(share(-1)).toBeGreaterThan(0.01);
    expect(share(-1)).toBeLessThan(0.03);
    expect(share(0)).toBeGreaterThan(0.82);
    expect(share(0)).toBeLessThan(0.84);
    expect(draws(42)).toEqual(a);
    expect(draws(43)).not.toEqual(a);
  });

  it('matches rules without a chance first, and never draws for a request no chance rule matches', () => {
    const f = new FaultInjector();
    f.inject({ method: 'PUT', status: 503, chance: 1 });
    f.inject({ method: 'PUT', status: 409, times: 1 });
    expect(f.take('PUT', '/a')?.status).toBe(409);
    expect(f.take('PUT', '/a')?.status).toBe(503);
    expect(f.take('GET', '/a')).toBeUndefined();
  });
});

describe('an answer lost after the write', () => {
  let apim: GraviteeEmulator;
  beforeAll(async () => {
    apim = await startGraviteeEmulator();
  });
  afterAll(async () => apim?.close());

  it('applies the write, then answers with the fault', async () => {
    apim.faults.inject({ method: 'PUT', path: /\/apis$/, status: 502, afterAnswer: true, times: 1 });
    const lost = await call(apim, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('lost-answer', '/lost') });
    expect(lost.status).toBe(502);
    expect(apim.state.api('DEFAULT', 'DEFAULT', 'lost-answer')).toBeDefined();
    // Without afterAnswer the fault refuses the write.
    apim.faults.inject({ method: 'PUT', path: /\/apis$/, status: 502, times: 1 });
    expect((await call(apim, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('refused', '/refused') })).status).toBe(502);
    expect(apim.state.api('DEFAULT', 'DEFAULT', 'refused')).toBeUndefined();
  });
});

describe('test API server: faults by chance', () => {
  let kube: KubeApiServer;
  beforeAll(async () => {
    kube = await startKubeApiServer();
  });
  afterAll(async () => kube?.close());

  it('answers a share of matching requests with the fault', async () => {
    kube.faults.inject({ method: 'GET', path: /\/namespaces\/default$/, status: 409, chance: 0.5, seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await fetch(`${kube.url}/api/v1/namespaces/default`)).status);
    expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(5);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(statuses.every((s) => s === 409 || s === 200)).toBe(true);
  });
});
