/**
 * The Gravitee emulator holds requests to the media types and methods its specs declare: a body of another media
 * type, a body without a Content-Type or a body where the operation takes none is a 400, a method the path is not
 * declared with a 405 naming the declared ones; each is a recorded violation and changes nothing.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { AUTOMATION, BASIC_ADMIN, MANAGEMENT_V1, apiSpec, call } from './gravitee-helpers.ts';

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const api = JSON.stringify(apiSpec('orders-api', '/orders'));

/** A request exactly as given (fetch would add a Content-Type to a text body, and refuses a GET with one). */
function rawCall(method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(emu.url + path);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { authorization: BASIC_ADMIN, 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const problems = () => emu.violations.flatMap((v) => v.problems);

describe('request media types as the specs declare them', () => {
  it('refuses a JSON operation its body as text or as a form', async () => {
    const text = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: api, headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    const form = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: 'hrid=orders-api', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(400);
    expect(problems()).toEqual([
      "body: unsupported content type 'text/plain' (accepted: application/json)",
      "body: unsupported content type 'application/x-www-form-urlencoded' (accepted: application/json)",
    ]);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('refuses a body without a Content-Type, even one that is JSON', async () => {
    const r = await rawCall('PUT', `${AUTOMATION}/apis`, api);
    expect(r.status).toBe(400);
    expect(problems()).toEqual(['header /content-type: a request with a body needs a Content-Type']);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('refuses a body where the operation takes none', async () => {
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: JSON.parse(api) })).status).toBe(200);
    expect((await rawCall('GET', `${AUTOMATION}/apis/orders-api`, '{}', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await call(emu, 'DELETE', `${AUTOMATION}/apis/orders-api`, { body: { force: true } })).status).toBe(400);
    expect(problems()).toEqual(['body: this operation does not accept a request body', 'body: this operation does not accept a request body']);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toHaveLength(1);
  });
});

describe('methods as the specs declare them', () => {
  it('answers 405 with the declared methods for a path known under others', async () => {
    const post = await call(emu, 'POST', `${AUTOMATION}/apis`, { body: JSON.parse(api) });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT');
    expect(post.body).toMatchObject({ httpStatus: 405, details: [{ message: 'method POST is not allowed on this path (allowed: PUT)', location: 'route' }] });
    const patch = await call(emu, 'PATCH', `${AUTOMATION}/apis/orders-api`, { body: {} });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET']);
    // Management v1 (GKO's v2 APIs) too, in its own error shape
    const v1 = await call(emu, 'GET', `${MANAGEMENT_V1}/apis/import-crd`);
    expect(v1.status).toBe(405);
    expect(v1.body).toMatchObject({ http_status: 405 });
    expect(emu.violations).toHaveLength(3);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('answers 400 for a path no spec has', async () => {
    const r = await call(emu, 'GET', `${AUTOMATION}/nothing-here`);
    expect(r.status).toBe(400);
    expect(problems()).toEqual([`route: no operation matches GET ${AUTOMATION}/nothing-here`]);
  });
});
