import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { permanent } from '../../shared/engine/errors.ts';
import type { ExternalClient, KindDefinition, SyncContext } from '../../shared/engine/kind.ts';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { reconcile } from '../../shared/engine/reconcile.ts';
import { redactSecrets } from '../../shared/engine/redaction.ts';
import { createSyncContext } from '../../shared/engine/sync-context.ts';
import type { Cluster } from '../../shared/kube/cluster.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { jsonLogger } from '../../shared/log.ts';
import type { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';

/** Secrets out of every error message the engine records: rendered from a Secret's template, or declared by a kind. */

const KEY = 'a-secret-api-key-of-more-than-32-characters';
const PASSWORD = 'p4ssw0rd-from-a-secret';

describe('redactSecrets', () => {
  it('removes a secret whole, JSON-escaped, and its start where a quoted body was cut off', () => {
    const quoted = 'a"key\\with-escapes-and-more-than-32-chars';
    expect(redactSecrets(`refused ${KEY} twice: ${KEY}`, [KEY])).toBe('refused [redacted] twice: [redacted]');
    expect(redactSecrets(`body: ${JSON.stringify({ key: quoted })}`, [quoted])).toBe('body: {"key":"[redacted]"}');
    expect(redactSecrets(`body: {"key":"${KEY.slice(0, 20)}`, [KEY])).toBe('body: {"key":"[redacted]');
    // Too short a tail to tell from ordinary text stays.
    expect(redactSecrets('ends with a-se', [KEY])).toBe('ends with a-se');
  });

  it('takes a secret holding another out whole, and leaves values too short to tell from words', () => {
    expect(redactSecrets(`quoted ${KEY}`, ['secret-api', KEY])).toBe('quoted [redacted]');
    expect(redactSecrets('enabled: true on port 8080', ['true', '8080'])).toBe('enabled: true on port 8080');
  });
});

const REF: ObjectRef = { apiVersion: 'example.io/v1', kind: 'Widget', namespace: 'ns', name: 'w' };
const SECRET_DATA = { password: Buffer.from(PASSWORD).toString('base64') };

/** The cluster calls reconcile makes, in memory, with the events it records. */
function memoryCluster(initial: KubeObject) {
  let obj = structuredClone(initial);
  const events: string[] = [];
  const cluster = {
    get: async (r: ObjectRef) => (r.kind === 'Secret' ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: r.name, namespace: r.namespace }, data: SECRET_DATA } : structuredClone(obj)),
    patchMetadata: async (_r: ObjectRef, metadata: Record<string, unknown>) => {
      obj.metadata = { ...obj.metadata, ...metadata };
      return structuredClone(obj);
    },
    patchStatus: async (_r: ObjectRef, status: Record<string, unknown>) => {
      obj.status = { ...obj.status, ...status };
      return structuredClone(obj);
    },
    recordEvent: async (_o: KubeObject, e: { message: string }) => void events.push(e.message),
  };
  return { cluster: cluster as unknown as Cluster, current: () => obj, events };
}

/** A kind whose spec takes a password from a Secret template and whose connect declares an API key secret. */
function widgetKind(client: Partial<ExternalClient>, idempotentUpsert: boolean): KindDefinition<unknown> {
  const refusing = () => Promise.reject(permanent('ControlPlaneError', `APIM refused ${JSON.stringify({ password: PASSWORD, key: KEY })}`));
  return {
    ...REF,
    plural: 'widgets',
    references: () => [],
    schema: z.looseObject({}),
    idempotentUpsert,
    connect: async (_desired, ctx) => {
      ctx.secrets.add(KEY);
      return { observe: refusing, create: refusing, update: refusing, delete: refusing, ...client };
    },
    conditions: {
      success: () => [{ type: 'Ready', status: 'True', reason: 'Synced', message: 'synced' }],
      failure: (err) => [{ type: 'Ready', status: 'False', reason: err.reason, message: err.message }],
    },
  } as KindDefinition<unknown>;
}

const widget = (deleting = false): KubeObject => ({
  ...REF,
  metadata: { name: 'w', namespace: 'ns', generation: 1, resourceVersion: '1', uid: 'u1', ...(deleting ? { deletionTimestamp: '2030-01-01T00:00:00Z', finalizers: [FINALIZER] } : {}) },
  spec: { password: '[[ secret "creds/password" ]]' },
});

async function failedSync(obj: KubeObject, kind: KindDefinition<unknown>) {
  const { cluster, current, events } = memoryCluster(obj);
  const ctx: SyncContext = createSyncContext(cluster, undefined as unknown as VendorHttp, jsonLogger({ sink: () => {} }));
  const error = (await reconcile(REF, kind, ctx).catch((e: Error) => e)) as Error;
  const ready = (current().status?.conditions as { type: string; message: string }[] | undefined)?.find((c) => c.type === 'Ready');
  return { error: error.message, condition: ready?.message, events };
}

describe('the engine keeps secrets out of what it records', () => {
  const cases: [string, KubeObject, KindDefinition<unknown>][] = [
    ['observe', widget(), widgetKind({}, false)],
    ['an upsert without observing', widget(), widgetKind({}, true)],
    ['delete', widget(true), widgetKind({}, false)],
  ];
  it.each(cases)('when %s fails quoting the request', async (_call, obj, kind) => {
    const { error, condition, events } = await failedSync(obj, kind);
    expect(error).toContain('APIM refused {"password":"[redacted]","key":"[redacted]"}');
    expect(condition).toBe(error);
    expect(events.length).toBeGreaterThan(0);
    for (const text of [error, condition!, ...events]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(KEY);
    }
  });
});
