/** Inspection and console-drift helpers over the state store (`emulator.state`). */
import { randomUUID } from 'node:crypto';
import { clone } from './handler.ts';
import { topLevelIds } from './ids.ts';
import type { Json, StateStore } from './store.ts';
import type { Table } from './table.ts';
import type { EmulatorState } from './types.ts';

/** The id of an HRID's entry: the derived id, else (legacy ids) the entry whose `hrid` field matches. */
function idOfHrid<T extends Json>(table: Table<T>, org: string, env: string, hrid: string): string | undefined {
  const id = topLevelIds(org, env, hrid).id;
  if (table.get(id)) return id;
  if (table.get(hrid)) return hrid;
  for (const [key, stored] of table.entries()) if (stored.value.hrid === hrid) return key;
  return undefined;
}

const read = <T extends Json>(table: Table<T>, id: string | undefined): T | undefined => {
  const stored = id === undefined ? undefined : table.get(id);
  return stored && clone(stored.value);
};

function patch<T extends Json>(table: Table<T>, id: string | undefined, what: string, changes: Json): void {
  if (id === undefined || !table.patch(id, changes)) throw new Error(`${what} not found`);
}

/** The key of a collection entry by its HRID (and its parent's, stored as `apiHrid`/`portalHrid`). */
function keyOfHrid(table: Table<Json>, hrid: string, parentHrid?: string): string | undefined {
  for (const [key, stored] of table.entries()) {
    const v = stored.value;
    if (v.hrid === hrid && (parentHrid === undefined || v.apiHrid === parentHrid || v.portalHrid === parentHrid)) return key;
  }
  return undefined;
}

export function createStateApi(store: StateStore): EmulatorState {
  const table = (org: string, env: string, collection: string) => store.env(org, env).table(collection);
  const apis = (org: string, env: string) => store.env(org, env).apis;
  const apps = (org: string, env: string) => store.env(org, env).applications;
  const v2 = (org: string, env: string) => store.env(org, env).v2Apis;
  return {
    apis: (org, env) => clone(apis(org, env).values()),
    api: (org, env, hrid) => read(apis(org, env), idOfHrid(apis(org, env), org, env, hrid)),
    applications: (org, env) => clone(apps(org, env).values()),
    application: (org, env, hrid) => read(apps(org, env), idOfHrid(apps(org, env), org, env, hrid)),
    archivedApplications: (org, env) => clone(store.env(org, env).archivedApplications.values()),
    v2Apis: (org, env) => clone(v2(org, env).values()),
    v2Api: (org, env, id) => read(v2(org, env), id),
    patchApi: (org, env, hrid, changes) => patch(apis(org, env), idOfHrid(apis(org, env), org, env, hrid), `API ${hrid}`, changes),
    patchApplication: (org, env, hrid, changes) =>
      patch(apps(org, env), idOfHrid(apps(org, env), org, env, hrid), `application ${hrid}`, changes),
    patchV2Api: (org, env, id, changes) => patch(v2(org, env), id, `v2 API ${id}`, changes),
    deleteApi: (org, env, hrid) => {
      const id = idOfHrid(apis(org, env), org, env, hrid);
      return id !== undefined && apis(org, env).delete(id) !== undefined;
    },
    deleteApplication: (org, env, hrid) => {
      const id = idOfHrid(apps(org, env), org, env, hrid);
      return id !== undefined && apps(org, env).delete(id) !== undefined;
    },
    deleteV2Api: (org, env, id) => v2(org, env).delete(id) !== undefined,
    addGroup: (org, env, name, id = randomUUID()) => {
      store.env(org, env).groups.set(id, name);
      return id;
    },
    addCategory: (org, env, keyOrId) => {
      store.env(org, env).categories.add(keyOrId);
    },
    objects: (org, env, collection) => clone(table(org, env, collection).values()),
    object: (org, env, collection, hrid, parentHrid) => read(table(org, env, collection), keyOfHrid(table(org, env, collection), hrid, parentHrid)),
    patchObject: (org, env, collection, hrid, changes, parentHrid) =>
      patch(table(org, env, collection), keyOfHrid(table(org, env, collection), hrid, parentHrid), `${collection} ${hrid}`, changes),
    deleteObject: (org, env, collection, hrid, parentHrid) => {
      const key = keyOfHrid(table(org, env, collection), hrid, parentHrid);
      return key !== undefined && table(org, env, collection).delete(key) !== undefined;
    },
  };
}
