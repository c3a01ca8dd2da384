import { describe, expect, it } from 'vitest';
import { gravitee, portal, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

type Json = Record<string, unknown>;

let w: GraviteeWorld;
useGraviteeWorld(async (world) => {
  w = world;
  await w.apply(portal('portal'));
  await w.waitForCondition('Portal', 'portal', 'Accepted', 'True');
});

const link = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee('PortalLink', name, { portalRef: { name: 'portal' }, name: 'External docs', href: 'https://docs.example.com', location: '/guides', order: 1, ...extra }, meta);
const remote = (name: string, portalName = 'portal') => w.apim.state.object('acme', 'dev', 'portal-links', w.hrid(name), w.hrid(portalName));

describe('PortalLink lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'PortalLink',
    world: () => w,
    make: link,
    remote: (name) => remote(name),
    change: { field: 'href', value: 'https://changed.example.com/docs' },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', 'portal-links', w.hrid(name), { href: 'https://edited.example.com' }, w.hrid('portal')),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', 'portal-links', w.hrid(name), w.hrid('portal')),
    status: (_obj, r) => ({ id: r.id, organizationId: 'acme', environmentId: 'dev', errors: { severe: [], warning: [] } }),
  });
});

describe('PortalLink', () => {
  it('refuses a relative href, naming spec.href', async () => {
    await w.apply(link('relative', { href: '/docs' }));
    const obj = await w.waitForCondition('PortalLink', 'relative', 'Accepted', 'False');
    expect(conditionOf(obj, 'Accepted')?.message).toBe('spec.href: must be an absolute URL (https://…)');
    expect(remote('relative')).toBeUndefined();
  });

  it('sends name and href trimmed, as APIM keeps them, so a resync writes nothing', async () => {
    await w.apply(link('padded', { name: '  Padded  ', href: ' https://padded.example.com ' }));
    const obj = await w.waitForCondition('PortalLink', 'padded', 'Accepted', 'True');
    expect(remote('padded')).toMatchObject({ name: 'Padded', href: 'https://padded.example.com' });
    expect(await writesOfOneResync(w, obj, 'trimmed')).toBe(0);
  });

  it('waits for its Portal to be synced, then syncs', async () => {
    await w.apply(link('early', { portalRef: { name: 'late-portal' } }));
    const waiting = await w.waitForCondition('PortalLink', 'early', 'ResolvedRefs', 'False');
    expect(conditionOf(waiting, 'ResolvedRefs')?.message).toContain(`spec.portalRef: Portal ${w.ns}/late-portal not found`);
    await w.apply(portal('late-portal'));
    await w.waitForCondition('PortalLink', 'early', 'Accepted', 'True');
    expect(remote('early', 'late-portal')).toBeDefined();
  });

  it('moves to another portal when its portalRef changes', async () => {
    await w.apply(portal('second-portal'));
    await w.apply(link('mover'));
    await w.waitForCondition('PortalLink', 'mover', 'Accepted', 'True');
    await w.apply(link('mover', { portalRef: { name: 'second-portal' } }));
    await waitFor('linked from the second portal', () => remote('mover', 'second-portal'));
    expect(remote('mover')).toBeUndefined();
    await w.remove('PortalLink', 'mover');
    await w.waitForGone('PortalLink', 'mover');
    expect(remote('mover', 'second-portal')).toBeUndefined();
  });
});
