import type { ExternalClient } from '../../shared/engine/kind.ts';

/**
 * The client of an object being deleted: deleting needs only its identity, while its spec may no longer resolve
 * (a Secret, a Backend or a Product already gone, or a spec that became invalid).
 */
export function deleteOnlyClient(remove: () => Promise<void>): ExternalClient {
  const unused = (): never => {
    throw new Error('an object being deleted is only deleted');
  };
  return { observe: unused, create: unused, update: unused, delete: remove };
}
