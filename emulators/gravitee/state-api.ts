/** Inspection and console-drift helpers over the state store (`emulator.state`). */
import { randomUUID } from 'node:crypto';
import { clone } from './handler.ts';
import { topLevelIds } from './ids.ts';
import type { Json, StateStore, Stored } from './store.ts';
import type { EmulatorState } from './types.ts';

const values = <T>(map: Map<string, Stored<T>>): T[] => [...map.values()].map((s) => clone(s.value));

/** The entry of an HRID: by derived id, else (legacy ids) by the `hrid` field. */
function byHrid<T extends { hrid?: unknown }>(map: Map<string, Stored<T>>, org: string, env: string, hrid: string) {
  const id = topLevelIds(org, env, hrid).id;
  const direct = map.get(id);
  if (direct) return { id, stored: direct };
  for (const [key, stored] of map) if (stored.value.hrid === hrid || key === hrid) return { id: key, stored };
  return undefined;
}

function patch<T>(stored: Stored<T> | undefined, what: string, changes: Json): void {
  if (!stored) throw new Error(`${what} not found`);
  stored.value = { ...stored.value, ...clone(changes) };
  stored.updatedAt = new Date().toISOString();
}

export function createStateApi(store: StateStore): EmulatorState {
  return {
    apis: (org, env) => values(store.env(org, env).apis),
    api: (org, env, hrid) => {
      const found = byHrid(store.env(org, env).apis, org, env, hrid);
      return found && clone(found.stored.value);
    },
    applications: (org, env) => values(store.env(org, env).applications),
    application: (org, env, hrid) => {
      const found = byHrid(store.env(org, env).applications, org, env, hrid);
      return found && clone(found.stored.value);
    },
    archivedApplications: (org, env) => values(store.env(org, env).archivedApplications),
    v2Apis: (org, env) => values(store.env(org, env).v2Apis),
    v2Api: (org, env, id) => {
      const stored = store.env(org, env).v2Apis.get(id);
      return stored && clone(stored.value);
    },
    patchApi: (org, env, hrid, changes) =>
      patch(byHrid(store.env(org, env).apis, org, env, hrid)?.stored, `API ${hrid}`, changes),
    patchApplication: (org, env, hrid, changes) =>
      patch(byHrid(store.env(org, env).applications, org, env, hrid)?.stored, `application ${hrid}`, changes),
    patchV2Api: (org, env, id, changes) => patch(store.env(org, env).v2Apis.get(id), `v2 API ${id}`, changes),
    deleteApi: (org, env, hrid) => {
      const data = store.env(org, env);
      const found = byHrid(data.apis, org, env, hrid);
      return found ? data.apis.delete(found.id) : false;
    },
    deleteApplication: (org, env, hrid) => {
      const data = store.env(org, env);
      const found = byHrid(data.applications, org, env, hrid);
      return found ? data.applications.delete(found.id) : false;
    },
    deleteV2Api: (org, env, id) => store.env(org, env).v2Apis.delete(id),
    addGroup: (org, env, name, id = randomUUID()) => {
      store.env(org, env).groups.set(id, name);
      return id;
    },
    addCategory: (org, env, keyOrId) => {
      store.env(org, env).categories.add(keyOrId);
    },
  };
}
