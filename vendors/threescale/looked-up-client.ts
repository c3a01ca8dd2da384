import type { ExternalClient, ExternalStatus, Observation } from '../../shared/engine/kind.ts';

type Json = Record<string, any>;

/** What one 3scale object needs to be an ExternalClient: how it is found, compared, created, converged and removed. */
export interface LookedUpObject {
  lookup(): Promise<Json | undefined>;
  differs(found: Json): boolean;
  status(found: Json): ExternalStatus;
  create(): Promise<Json>;
  converge(found: Json): Promise<Json>;
  remove(found: Json): Promise<void>;
}

/**
 * 3scale creates are POSTs, not upserts: every write starts from a lookup (the one observe made, else a fresh one),
 * so a redelivered message or a crash after a create converges the object it finds instead of creating another.
 */
export function lookedUpClient(o: LookedUpObject): ExternalClient {
  let found: Json | undefined;
  return {
    async observe(): Promise<Observation> {
      found = await o.lookup();
      if (!found) return { exists: false, upToDate: false };
      return { exists: true, upToDate: !o.differs(found), status: o.status(found) };
    },
    async create() {
      return o.status(await o.create());
    },
    async update() {
      const current = found ?? (await o.lookup());
      return o.status(current ? await o.converge(current) : await o.create());
    },
    async delete() {
      const current = await o.lookup();
      if (current) await o.remove(current);
    },
  };
}
