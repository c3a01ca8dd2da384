import type { ExternalClient, VendorObjectIdentity } from '../shared/engine/kind.ts';

/**
 * The client, naming the vendor object it writes (the key of its ownership record). Set on the client itself rather
 * than on a copy: clients' methods may call each other through `this`.
 */
export function identified<C extends ExternalClient>(client: C, identity: VendorObjectIdentity | undefined): C {
  return Object.assign(client, { identity });
}
