import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, TOKEN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';

let w: GraviteeWorld;
beforeAll(async () => {
  w = await startGraviteeWorld();
}, 60_000);
afterAll(async () => w?.close());

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('ManagementContext', () => {
  it('is Accepted with inline basic credentials, a bearer token, or a secretRef (namespace defaulting to its own)', async () => {
    await w.apply(secret('ctx-creds', { bearerToken: TOKEN }));
    await w.apply(managementContext('basic', w.apim.url, { credentials: ADMIN }));
    await w.apply(managementContext('bearer', w.apim.url, { bearerToken: TOKEN }));
    await w.apply(managementContext('from-secret', w.apim.url, { secretRef: { name: 'ctx-creds' } }));
    for (const name of ['basic', 'bearer', 'from-secret']) {
      const ctx = await w.waitForCondition('ManagementContext', name, 'Accepted', 'True');
      expect(ctx.status?.conditions).toContainEqual(expect.objectContaining({ type: 'ResolvedRefs', status: 'True' }));
    }
  });

  it('prefers a non-empty bearer token over basic credentials', async () => {
    await w.apply(managementContext('both', w.apim.url, { bearerToken: TOKEN, credentials: { username: 'admin', password: 'wrong' } }));
    await w.waitForCondition('ManagementContext', 'both', 'Accepted', 'True');
  });

  it('says Unauthorized when APIM rejects the credentials', async () => {
    await w.apply(managementContext('bad-creds', w.apim.url, { credentials: { username: 'admin', password: 'nope' } }));
    const ctx = await w.waitForCondition('ManagementContext', 'bad-creds', 'Accepted', 'False', { reason: 'Unauthorized' });
    const message = JSON.stringify(ctx.status);
    expect(message).not.toContain('nope');
  });

  it('says Unreachable when nothing answers at baseUrl', async () => {
    await w.apply(managementContext('nowhere', `http://127.0.0.1:${await closedPort()}`, { credentials: ADMIN }));
    await w.waitForCondition('ManagementContext', 'nowhere', 'Accepted', 'False', { reason: 'Unreachable' });
  });

  it('says which secret is missing, and recovers when it appears', async () => {
    await w.apply(managementContext('late-secret', w.apim.url, { secretRef: { name: 'arrives-later' } }));
    const ctx = await w.waitForCondition('ManagementContext', 'late-secret', 'ResolvedRefs', 'False');
    expect(JSON.stringify(ctx.status?.conditions)).toContain(`${w.ns}/arrives-later`);
    await w.apply(secret('arrives-later', ADMIN));
    await w.waitForCondition('ManagementContext', 'late-secret', 'Accepted', 'True');
  });

  it('is not removed while referenced, names its users, and goes once they are gone', async () => {
    await w.apply(managementContext('shared', w.apim.url, { credentials: ADMIN }));
    await w.apply(apiV4('uses-shared', 'shared'));
    await w.waitForCondition('ApiV4Definition', 'uses-shared', 'Accepted', 'True');
    await w.remove('ManagementContext', 'shared');
    const blocked = await w.waitForCondition('ManagementContext', 'shared', 'Ready', 'False', { reason: 'DeletionBlocked' });
    expect(blocked.metadata.deletionTimestamp).toBeDefined();
    expect(JSON.stringify(blocked.status?.conditions)).toContain(`ApiV4Definition ${w.ns}/uses-shared`);
    await w.remove('ApiV4Definition', 'uses-shared');
    await w.waitForGone('ApiV4Definition', 'uses-shared');
    await w.waitForGone('ManagementContext', 'shared');
  });

  it('honours spec.path, which replaces both the management and automation prefixes', async () => {
    await w.apply(managementContext('custom-path', w.apim.url, { credentials: ADMIN }, { path: '/custom' }));
    await w.waitForCondition('ManagementContext', 'custom-path', 'Accepted', 'True');
    await w.apply(apiV4('via-custom-path', 'custom-path'));
    await w.waitForCondition('ApiV4Definition', 'via-custom-path', 'Accepted', 'True');
    expect(w.apim.calls.some((c) => c.path.startsWith('/custom/organizations/acme/environments/dev/apis'))).toBe(true);
  });

  it('never calls APIM outside its published contract', () => {
    expect(w.apim.violations).toEqual([]);
  });
});
