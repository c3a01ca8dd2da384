import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { nameUuid } from '../../vendors/gravitee/uuid-v3.ts';
import { ADMIN, apiV2, apiV4, application, managementContext, secret, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';

/** The three kinds that create a vendor object, each exercised through the same lifecycle. */
const kinds = [
  {
    kind: 'ApiV4Definition',
    make: apiV4,
    vendor: (w: GraviteeWorld, env = 'dev') => w.apim.state.apis('acme', env),
    field: 'description',
    edit: (w: GraviteeWorld, name: string) => w.apim.state.patchApi('acme', 'dev', w.hrid(name), { description: 'edited in the console' }),
    removeInConsole: (w: GraviteeWorld, name: string) => w.apim.state.deleteApi('acme', 'dev', w.hrid(name)),
  },
  {
    kind: 'Application',
    make: application,
    vendor: (w: GraviteeWorld, env = 'dev') => w.apim.state.applications('acme', env),
    field: 'description',
    edit: (w: GraviteeWorld, name: string) => w.apim.state.patchApplication('acme', 'dev', w.hrid(name), { description: 'edited in the console' }),
    removeInConsole: (w: GraviteeWorld, name: string) => w.apim.state.deleteApplication('acme', 'dev', w.hrid(name)),
  },
  {
    kind: 'ApiDefinition',
    make: apiV2,
    vendor: (w: GraviteeWorld, env = 'dev') => w.apim.state.v2Apis('acme', env),
    field: 'description',
    // v2 definitions are compared by a digest of what was imported: edits made in the console are not seen, deletions are.
    edit: undefined,
    removeInConsole: (w: GraviteeWorld, name: string) => w.apim.state.deleteV2Api('acme', 'dev', findVendor(w.apim.state.v2Apis('acme', 'dev'), name, 'ApiDefinition')?.id ?? ''),
  },
] as const;

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const findVendor = (list: { hrid?: string; id?: string; name?: string }[], name: string, kind: string) =>
  kind === 'ApiDefinition' ? list.find((o) => o.name === name) : list.find((o) => o.hrid === w.hrid(name));

describe.each(kinds)('$kind', ({ kind, make, vendor, field, edit, removeInConsole }) => {
  const name = `${kind.toLowerCase()}-life`;

  it('creates the vendor object, adds the finalizer and reports ids and conditions', async () => {
    await w.apply(make(name, 'ctx'));
    const obj = await w.waitForCondition(kind, name, 'Accepted', 'True');
    for (const type of ['ResolvedRefs', 'Ready']) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status: 'True', observedGeneration: 1 }));
    }
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    const remote = findVendor(vendor(w), name, kind);
    expect(remote).toBeDefined();
    expect(obj.status?.id).toBe(remote?.id);
    expect(obj.status).toMatchObject({ organizationId: 'acme', environmentId: 'dev', processingStatus: 'Completed', observedGeneration: obj.metadata.generation });
    if (kind !== 'ApiDefinition') {
      const crossId = nameUuid(`acme${w.hrid(name)}`);
      expect(obj.status?.id).toBe(nameUuid(`${crossId}dev`));
    }
    expect((await w.events(name)).map((e) => e.reason)).toEqual(expect.arrayContaining(['UpdateStarted', 'UpdateSucceeded']));
  });

  it('pushes a spec change and records the new generation', async () => {
    const changed = make(name, 'ctx', { [field]: 'changed by the e2e test' });
    await w.apply(changed);
    await waitFor('vendor update', () => (findVendor(vendor(w), name, kind) as Record<string, unknown> | undefined)?.[field] === 'changed by the e2e test');
    const obj = await w.waitForCondition(kind, name, 'Ready', 'True');
    expect(obj.metadata.generation).toBe(2);
    expect(vendor(w).filter((o) => findVendor([o], name, kind))).toHaveLength(1);
  });

  if (edit) {
    it('reverts an edit made in the APIM console on the next resync', async () => {
      edit(w, name);
      await sendPointer(w.plane, (await w.get(kind, name))!, { reason: 'resync', cause: `edit-${kind}` });
      await waitFor('console edit reverted', () => (findVendor(vendor(w), name, kind) as Record<string, unknown> | undefined)?.[field] === 'changed by the e2e test');
    });
  }

  it('recreates an object deleted in the APIM console on the next resync', async () => {
    expect(removeInConsole(w, name)).toBe(true);
    await sendPointer(w.plane, (await w.get(kind, name))!, { reason: 'resync', cause: `delete-${kind}` });
    await waitFor('recreated', () => findVendor(vendor(w), name, kind));
    await w.waitForCondition(kind, name, 'Accepted', 'True');
  });

  it('deletes the vendor object before the resource', async () => {
    await w.remove(kind, name);
    await w.waitForGone(kind, name);
    expect(findVendor(vendor(w), name, kind)).toBeUndefined();
    expect((await w.events(name)).map((e) => e.reason)).toEqual(expect.arrayContaining(['DeleteStarted', 'DeleteSucceeded']));
  });

  it('keeps the vendor object with deletion-policy orphan', async () => {
    const orphan = `${name}-orphan`;
    const obj = make(orphan, 'ctx');
    await w.apply({ ...obj, metadata: { ...obj.metadata, annotations: { 'apim-sync.io/deletion-policy': 'orphan' } } });
    await w.waitForCondition(kind, orphan, 'Accepted', 'True');
    await w.remove(kind, orphan);
    await w.waitForGone(kind, orphan);
    expect(findVendor(vendor(w), orphan, kind)).toBeDefined();
  });

  it('waits for a ManagementContext that arrives late, then syncs', async () => {
    const late = `${name}-late`;
    const ctxName = `late-ctx-${kind.toLowerCase()}`;
    await w.apply(make(late, ctxName));
    const waiting = await w.waitForCondition(kind, late, 'ResolvedRefs', 'False');
    expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', status: 'False', message: expect.stringContaining(ctxName) }));
    await w.apply(managementContext(ctxName, w.apim.url, { credentials: ADMIN }));
    await w.waitForCondition(kind, late, 'Accepted', 'True');
    expect(findVendor(vendor(w), late, kind)).toBeDefined();
  });

  it('follows a change of its ManagementContext (moves to another environment)', async () => {
    const mover = `${name}-mover`;
    const ctxName = `mover-ctx-${kind.toLowerCase()}`;
    await w.apply(managementContext(ctxName, w.apim.url, { credentials: ADMIN }));
    await w.apply(make(mover, ctxName));
    await w.waitForCondition(kind, mover, 'Accepted', 'True');
    await w.apply(managementContext(ctxName, w.apim.url, { credentials: ADMIN }, { environmentId: 'staging' }));
    await waitFor('object synced to staging', () => findVendor(vendor(w, 'staging'), mover, kind));
    const obj = await waitFor('status environment', async () => {
      const o = await w.get(kind, mover);
      return o?.status?.environmentId === 'staging' ? o : undefined;
    });
    expect(obj.status?.environmentId).toBe('staging');
  });

  it('recovers when a rotated secret fixes the context credentials', async () => {
    const user = `${name}-rotation`;
    const ctxName = `rotation-ctx-${kind.toLowerCase()}`;
    const secretName = `rotation-${kind.toLowerCase()}`;
    await w.apply(secret(secretName, { username: 'admin', password: 'wrong-password-1' }));
    await w.apply(managementContext(ctxName, w.apim.url, { secretRef: { name: secretName } }));
    await w.apply(make(user, ctxName));
    await w.waitForCondition('ManagementContext', ctxName, 'Accepted', 'False', { reason: 'Unauthorized' });
    await w.waitForCondition(kind, user, 'Accepted', 'False', { reason: 'Unauthorized' });
    await w.apply(secret(secretName, ADMIN));
    await w.waitForCondition('ManagementContext', ctxName, 'Accepted', 'True');
    await w.waitForCondition(kind, user, 'Accepted', 'True');
    expect(findVendor(vendor(w), user, kind)).toBeDefined();
  });
});
