import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { topLevelIds } from '../../emulators/gravitee/ids.ts';
import { AUTOMATION, call } from './gravitee-helpers.ts';

const DICTIONARIES = `${AUTOMATION}/dictionaries`;

const manual = (hrid: string, extra: Record<string, unknown> = {}) => ({ hrid, name: hrid, deployed: true, type: 'MANUAL', manual: { properties: { env: 'test' } }, ...extra });
const dynamic = (hrid: string, extra: Record<string, unknown> = {}) => ({
  hrid,
  name: hrid,
  deployed: true,
  type: 'DYNAMIC',
  dynamic: { provider: { type: 'HTTP', url: 'https://api.gravitee.io/echo', method: 'GET', specification: '[]' }, trigger: { rate: 30, unit: 'SECONDS' } },
  ...extra,
});

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({ organizations: { DEFAULT: ['DEFAULT'] } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('dictionaries', () => {
  it('upserts by hrid and answers a DictionaryState: ids derived from the hrid, no crossId', async () => {
    const put = await call(emu, 'PUT', `${DICTIONARIES}?dryRun=false`, { body: manual('default-dict') });
    expect(put.status).toBe(200);
    const { id } = topLevelIds('DEFAULT', 'DEFAULT', 'default-dict');
    expect(put.body).toMatchObject({ hrid: 'default-dict', id, organizationId: 'DEFAULT', environmentId: 'DEFAULT', type: 'MANUAL', manual: { properties: { env: 'test' } } });
    expect(put.body).not.toHaveProperty('crossId');
    await call(emu, 'PUT', DICTIONARIES, { body: manual('default-dict', { manual: { properties: { env: 'prod', region: 'eu' } } }) });
    const got = await call(emu, 'GET', `${DICTIONARIES}/default-dict`);
    expect(got.body).toMatchObject({ id, manual: { properties: { env: 'prod', region: 'eu' } } });
    expect(got.body).not.toHaveProperty('crossId');
    expect((await call(emu, 'PUT', DICTIONARIES, { body: dynamic('default-dyn') })).body).toMatchObject({ type: 'DYNAMIC', dynamic: { trigger: { rate: 30 } } });
    expect(emu.violations).toEqual([]);
  });

  it("refuses what APIM's dictionary validation refuses, with 400 invalid, dry-run included", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [manual('dict-1', { manual: { properties: {} } }), 'Manual dictionary must have at least one property.'],
      [manual('dict-2', { dynamic: dynamic('x').dynamic }), "Manual dictionary must not have 'dynamic' properties"],
      [dynamic('dict-3', { dynamic: undefined }), 'Dynamic dictionary must have a provider and a trigger.'],
      [dynamic('dict-4', { manual: { properties: { a: 'b' } } }), "Dynamic dictionary must not have 'manual' properties"],
    ];
    for (const [body, message] of cases) {
      for (const dryRun of ['false', 'true']) {
        const r = await call(emu, 'PUT', `${DICTIONARIES}?dryRun=${dryRun}`, { body });
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ httpStatus: 400, technicalCode: 'invalid', message: expect.stringContaining(message) });
      }
    }
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'dictionaries')).toEqual([]);
    expect(emu.violations).toEqual([]);
  });

  it('checks the published contract: a provider field the spec does not have, a trigger unit it does not list', async () => {
    const withExtra = dynamic('dict-5');
    (withExtra.dynamic as any).provider.timeout = 5;
    expect((await call(emu, 'PUT', DICTIONARIES, { body: withExtra })).status).toBe(400);
    const badUnit = dynamic('dict-6');
    (badUnit.dynamic as any).trigger.unit = 'WEEKS';
    expect((await call(emu, 'PUT', DICTIONARIES, { body: badUnit })).status).toBe(400);
    expect(emu.violations).toHaveLength(2);
  });

  it('deletes by hrid, then answers 404 hrid.notFound', async () => {
    await call(emu, 'PUT', DICTIONARIES, { body: manual('default-dict') });
    expect((await call(emu, 'DELETE', `${DICTIONARIES}/default-dict`)).status).toBe(204);
    const again = await call(emu, 'DELETE', `${DICTIONARIES}/default-dict`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ technicalCode: 'hrid.notFound' });
  });
});
