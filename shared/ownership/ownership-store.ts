import { createHash } from 'node:crypto';
import type { VendorObjectIdentity } from '../engine/kind.ts';

/** The resource that owns (or waits for) a vendor object, anywhere in the fleet. Names only: never a spec or a secret. */
export interface OwnerRef {
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** One vendor object's record: who writes it, since when, and who lost it and waits for it to be released. */
export interface OwnershipRecord {
  key: string;
  owner: OwnerRef;
  /** The owner carried `apim-sync.io/adopt: "true"` when it last claimed: another adopter cannot take it over. */
  adopt: boolean;
  claimedAt: string;
  waiters: OwnerRef[];
}

export type ClaimResult =
  /** This resource owns the record (it was absent, or already this resource's). */
  | { outcome: 'owned' }
  /** Taken over with `apim-sync.io/adopt`: the former owner is among the waiters and should be woken. */
  | { outcome: 'adopted'; former: OwnerRef }
  /** Another resource owns it; this one was added to its waiters. */
  | { outcome: 'lost'; owner: OwnerRef; ownerAdopted: boolean };

/**
 * Who owns each vendor object the fleet writes, so that of two resources naming one vendor object only one writes it.
 * Every operation is atomic: two racing claims leave exactly one owner.
 */
export interface OwnershipStore {
  claim(key: string, claimant: OwnerRef, opts?: { adopt?: boolean }): Promise<ClaimResult>;
  /** Deletes the record if `owner` holds it; returns the waiters to wake (none when it was not the owner's). */
  release(key: string, owner: OwnerRef): Promise<OwnerRef[]>;
  read(key: string): Promise<OwnershipRecord | undefined>;
  close?(): void;
}

/** The same resource, whatever its uid or served version: a resource re-created under its name keeps its records. */
export function ownerId(o: Pick<OwnerRef, 'cluster' | 'apiVersion' | 'kind' | 'namespace' | 'name'>): string {
  return [o.cluster, o.apiVersion.split('/')[0], o.kind, o.namespace, o.name].join('/');
}

/** How a message or a condition names an owner: its cluster, kind and namespace/name. */
export function describeOwner(o: OwnerRef): string {
  return `${o.kind} ${o.namespace}/${o.name} in cluster ${o.cluster}`;
}

/**
 * The record's key for one vendor object: `vendor/type/id@scope`, the id escaped so the first `@` ends it. Credentials
 * a scope URL might carry are dropped; DynamoDB keys stop at 2048 bytes, so a long key ends in a digest of the whole.
 */
export function ownershipKey(identity: VendorObjectIdentity): string {
  const key = `${identity.vendor}/${identity.type}/${encodeURIComponent(identity.id)}@${withoutCredentials(identity.scope)}`;
  return Buffer.byteLength(key) <= 1024 ? key : `${key.slice(0, 900)}…${createHash('sha256').update(key).digest('hex')}`;
}

function withoutCredentials(scope: string): string {
  try {
    const url = new URL(scope);
    if (!url.username && !url.password) return scope;
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return scope;
  }
}
