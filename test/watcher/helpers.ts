import https from 'node:https';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { parseSyncMessage, type SyncMessage } from '../../shared/queue/envelope.ts';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { waitFor } from '../support/wait.ts';
import type { QueueTransport } from '../../watcher/queue-sender.ts';

export { waitFor };

// GKO's CRDs as published (copied from ../shared/crds/gravitee), as test fixtures.
const CRD_DIR = new URL('../fixtures/crds', import.meta.url).pathname;
export const CRD_FILES = ['managementcontexts', 'apiv4definitions', 'apidefinitions', 'applications'].map((p) => `${CRD_DIR}/gravitee.io_${p}.yaml`);
export const G = 'gravitee.io/v1alpha1';
export const TOKEN = 'watcher-test-token';

/** The test server over TLS with a bearer token, so the watcher's https and auth paths are the ones exercised. */
export async function startTestCluster(): Promise<{ server: KubeApiServer; kube: Kube; caPem: string }> {
  const server = await startTlsServer();
  const kc = server.kubeConfig();
  const caPem = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString('utf8');
  return { server, kube: new Kube(server.url, caPem), caPem };
}

/**
 * The server's hand-made certificate is refused about once in a hundred starts ("asn1 illegal padding": a random
 * serial number whose first byte comes out 0 is not minimal DER); another start gets another serial.
 */
async function startTlsServer(): Promise<KubeApiServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKubeApiServer({ crdFiles: CRD_FILES, tls: true, token: TOKEN, bookmarkIntervalMs: 200 });
    } catch (err) {
      if (attempt >= 5 || !/asn1/.test((err as Error).message)) throw err;
    }
  }
}

type Obj = { apiVersion?: string; kind?: string; metadata: Record<string, unknown> & { name: string; resourceVersion?: string; generation?: number }; [k: string]: unknown };

/** Just enough of a Kubernetes client for the tests: create, merge-patch (object and status), delete. */
export class Kube {
  private readonly url: string;
  private readonly agent: https.Agent;
  constructor(url: string, ca: string) {
    this.url = url;
    this.agent = new https.Agent({ ca, keepAlive: true });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Obj> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        new URL(path, this.url),
        { method, agent: this.agent, headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
            resolve(JSON.parse(text) as Obj);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  namespace(name: string) {
    return this.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  create(o: Obj) {
    return this.request('POST', collection(o), o);
  }
  patch(o: Obj, patch: Record<string, unknown>) {
    return this.request('PATCH', `${collection(o)}/${o.metadata.name}`, patch, 'application/merge-patch+json');
  }
  patchStatus(o: Obj, status: Record<string, unknown>) {
    return this.request('PATCH', `${collection(o)}/${o.metadata.name}/status`, { status }, 'application/merge-patch+json');
  }
  /** What the sync writes after a successful sync: Ready at the current generation. */
  async markSynced(o: Obj) {
    const cur = await this.request('GET', `${collection(o)}/${o.metadata.name}`);
    return this.patchStatus(o, { conditions: [readyCondition(cur.metadata.generation ?? 1)] });
  }
  delete(o: Obj) {
    return this.request('DELETE', `${collection(o)}/${o.metadata.name}`);
  }
  close() {
    this.agent.destroy();
  }
}

export function readyCondition(observedGeneration: number) {
  return { type: 'Ready', status: 'True', reason: 'Synced', message: 'in step', lastTransitionTime: new Date().toISOString(), observedGeneration };
}

function collection(o: Obj): string {
  const ns = o.metadata.namespace as string;
  const plural: Record<string, string> = { ManagementContext: 'managementcontexts', ApiV4Definition: 'apiv4definitions', ApiDefinition: 'apidefinitions', Application: 'applications', Secret: 'secrets', ConfigMap: 'configmaps' };
  const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
  return `${base}/namespaces/${ns}/${plural[o.kind as string]}`;
}

export const context = (ns: string, name: string, secret: string) => ({
  apiVersion: G,
  kind: 'ManagementContext',
  metadata: { name, namespace: ns },
  spec: { baseUrl: 'http://apim.example:8083', environmentId: 'DEFAULT', organizationId: 'DEFAULT', auth: { secretRef: { name: secret } } },
});

export const api = (ns: string, name: string, ctx: string, opts: { description?: string; finalizer?: boolean } = {}) => ({
  apiVersion: G,
  kind: 'ApiV4Definition',
  metadata: { name, namespace: ns, ...(opts.finalizer ? { finalizers: [FINALIZER] } : {}) },
  spec: {
    name,
    version: '1.0',
    type: 'PROXY',
    description: opts.description ?? 'v1',
    contextRef: { name: ctx },
    listeners: [{ type: 'HTTP', paths: [{ path: `/${ns}/${name}` }], entrypoints: [{ type: 'http-proxy', qos: 'AUTO' }] }],
    endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'http://backend' }, secondary: false }] }],
  },
});

export const secret = (ns: string, name: string, data: Record<string, string>, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  stringData: data,
});

export interface SentEntry {
  body: string;
  message: SyncMessage;
  groupId: string;
  deduplicationId: string;
  /** The queue it was sent to (SDK sends only). */
  queueUrl?: string;
}

/** Records every entry the watcher hands to SendMessageBatch (before the queue's own dedup can hide a repeat). */
export function recordSends(sqs: SQSClient): SentEntry[] {
  const sent: SentEntry[] = [];
  sqs.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { QueueUrl?: string; Entries?: Array<{ MessageBody?: string; MessageGroupId?: string; MessageDeduplicationId?: string }> };
      const res = await next(args);
      const ok = new Set(((res.output as { Successful?: Array<{ Id?: string }> }).Successful ?? []).map((s) => s.Id));
      for (const e of (input.Entries ?? []) as Array<{ Id?: string; MessageBody?: string; MessageGroupId?: string; MessageDeduplicationId?: string }>) {
        if (!ok.has(e.Id) || !e.MessageBody) continue;
        sent.push({ body: e.MessageBody, message: parseSyncMessage(e.MessageBody), groupId: e.MessageGroupId ?? '', deduplicationId: e.MessageDeduplicationId ?? '', queueUrl: input.QueueUrl });
      }
      return res;
    },
    { step: 'initialize', name: `watcherTestSpy${Math.random()}` },
  );
  return sent;
}

/** The same record for a transport without the SDK (sqs-http-transport.ts). */
export function recordTransport(t: QueueTransport): { transport: QueueTransport; sent: SentEntry[] } {
  const sent: SentEntry[] = [];
  return {
    sent,
    transport: {
      ping: () => t.ping(),
      async sendBatch(entries) {
        const res = await t.sendBatch(entries);
        const failed = new Set(res.failed.map((f) => f.id));
        for (const e of entries) if (!failed.has(e.id)) sent.push({ body: e.body, message: parseSyncMessage(e.body), groupId: e.groupId, deduplicationId: e.deduplicationId });
        return res;
      },
    },
  };
}

/** `name:reason` of what was sent for one namespace, in order. */
export function summary(sent: SentEntry[], ns: string, from = 0): string[] {
  return sent.slice(from).filter((e) => e.message.namespace === ns).map((e) => `${e.message.name}:${e.message.reason}`);
}
