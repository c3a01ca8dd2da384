import { createHmac } from 'node:crypto';
import type { KubeObject } from '../../shared/kube/object-ref.ts';

/**
 * A fingerprint of the write-only values last applied to the gateway (an API key, upstream credentials, a
 * subscription token), which its management API never returns: kept in status so a resync can tell a rotated Secret
 * from an unchanged one without reading the value back. Keyed by the resource's uid, so equal values of two resources
 * look unrelated and a status reader cannot test guesses against a plain hash. Undefined when there is nothing.
 */
export function secretsFingerprint(object: KubeObject, values: unknown[]): string | undefined {
  if (values.every((v) => v === undefined)) return undefined;
  const key = object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`;
  return createHmac('sha256', key).update(JSON.stringify(values)).digest('hex').slice(0, 32);
}
