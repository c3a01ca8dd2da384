import { randomBytes } from 'node:crypto';
import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET } from '../../../shared/kube/object-ref.ts';

/** The credentials Secret's keys, as the operator names them. */
export interface Credentials {
  UserKey?: string;
  ApplicationKey?: string;
}

/** The `authSecretRef` Secret's UserKey and ApplicationKey (empty ones as unset); a missing Secret is Orphan. */
export async function readCredentials(ctx: SyncContext, namespace: string, name: string): Promise<Credentials> {
  const data = await ctx.readData({ ...SECRET, namespace, name });
  if (!data) throw missingReference(`secret ${namespace}/${name} (spec.authSecretRef) not found`);
  return { UserKey: data.UserKey?.trim() || undefined, ApplicationKey: data.ApplicationKey?.trim() || undefined };
}

/** Writes generated credentials back into the Secret (base64 data), as the operator does; never into status or logs. */
export async function writeCredentials(ctx: SyncContext, namespace: string, name: string, values: Record<string, string>): Promise<void> {
  const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  await ctx.cluster.patchData({ ...SECRET, namespace, name }, data);
}

/** A fresh user key: random (the operator hashes the clock, which two syncs in one second would repeat). */
export const generatedKey = () => randomBytes(16).toString('hex');
