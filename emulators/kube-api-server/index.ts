/**
 * In-process Kubernetes API test server: what the project's tests, the local sandbox and the benchmark run against
 * when no cluster is available. It speaks kube-apiserver's REST protocol over real HTTP(S), so
 * @kubernetes/client-node and kubectl use it unchanged. See README.md for what differs from a real apiserver.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { Store } from './store.ts';
import { Registry } from './registry.ts';
import { Faults, type FaultRule } from './faults.ts';
import { Lifecycle } from './lifecycle.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { TokenController } from './service-accounts.ts';
import { createHandler, createUpgradeHandler } from './http-handler.ts';
import { PortForwarder } from './port-forward.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import { INITIAL_NAMESPACES, namespaceObject } from './core-types.ts';
import { create } from './write-handlers.ts';
import type { ResourceRequest, ServerState } from './request-context.ts';
import type { OpenWatch } from './watch.ts';
import type { KubeObj, ResourceType } from './resource-type.ts';
import { selfSignedCertificate } from './tls.ts';
import { KUBE_VERSION } from './discovery.ts';

export type { FaultRule } from './faults.ts';

export interface KubeApiServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve HTTPS with a self-signed certificate generated in-process; the kubeconfig carries it as CA. */
  tls?: boolean;
  /** When set, every request needs `Authorization: Bearer <token>` (else 401), as with --anonymous-auth=false. */
  token?: string;
  /** When set, every request's bearer token must pass this check (else 401): a stand-in for a cloud authenticator. */
  authenticate?: (bearerToken: string | undefined) => boolean;
  /** CRD YAML files (multi-document allowed) installed at start. */
  crdFiles?: string[];
  /** Watch events kept per resource; watching or continuing a list from older resourceVersions gets 410. Default 10000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 1000 ms (kube-apiserver: about a minute). */
  bookmarkIntervalMs?: number;
}

export interface KubeApiServer {
  url: string;
  kubeconfigYaml(opts?: { namespace?: string }): string;
  writeKubeconfig(path: string): Promise<void>;
  kubeConfig(): KubeConfig;
  faults: { inject(rule: FaultRule): void; clear(): void };
  /** Expire all watch history: watches resumed from an older resourceVersion get an ERROR event with a 410 Status. */
  compact(): void;
  /** Close every open watch stream, as an apiserver restart or a load balancer timeout would. */
  dropWatches(): void;
  /** Requests by `verb resource[/subresource]`, e.g. `{ 'patch apiv4definitions.gravitee.io/status': 3, 'list secrets': 1 }`. */
  requestCounts(): Record<string, number>;
  /** Response body bytes by the same keys (successful answers; watch streams as written), e.g. `{ 'watch secrets': 1520 }`. */
  responseBytes(): Record<string, number>;
  /**
   * Reads (get, list, watch) by what their Accept header negotiated, e.g. `{ 'list secrets as PartialObjectMetadataList': 2,
   * 'watch apiv4definitions.gravitee.io as object': 1 }`: object, Table, PartialObjectMetadata or PartialObjectMetadataList.
   */
  readForms(): Record<string, number>;
  close(): Promise<void>;
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const store = new Store(opts.historyLimit ?? 10_000);
  const registry = new Registry();
  const state: ServerState = { store, registry, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000, terminatingNamespaces: new Set() };
  const lifecycle = new Lifecycle(state);
  const gc = new GarbageCollector(state);
  let tokens: TokenController | undefined;
  store.observer = (key, ev) => {
    lifecycle.observe(key, ev);
    gc.observe(key, ev);
    tokens?.observe(key, ev);
  };

  for (const ns of INITIAL_NAMESPACES) createInternal(state, registry.byGroupResource('namespaces')!, namespaceObject(ns));
  for (const file of opts.crdFiles ?? []) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      const obj = doc.toJS() as KubeObj | null;
      if (obj?.kind === 'CustomResourceDefinition') createInternal(state, registry.byGroupResource('customresourcedefinitions.apiextensions.k8s.io')!, obj);
    }
  }

  const faults = new Faults();
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();
  const forms = new Map<string, number>();
  const watches = new Set<OpenWatch>();
  const host = opts.host ?? '127.0.0.1';
  let address = '';
  const cert = opts.tls ? selfSignedCertificate([host, 'localhost']) : undefined;
  const portForwarder = new PortForwarder();
  // The token controller's CA is the one the server's certificate is checked with, as --root-ca-file usually is.
  tokens = new TokenController(state, cert?.certPem);
  const serviceAccountTokens = tokens;
  const deps = { state, faults, token: opts.token, acceptsToken: (t: string | undefined) => serviceAccountTokens.accepts(t), authenticate: opts.authenticate, counts, bytes, forms, watches, serverAddress: () => address, tls: !!cert, portForwarder };
  const handler = createHandler(deps);
  const server: Server = cert ? createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, handler) : createServer(handler);
  server.on('upgrade', createUpgradeHandler(deps));
  // client-node 2.x opens a new connection (new undici Agent) for every request and lets it idle until the server's
  // Keep-Alive hint expires; with client and server in one process a long hint exhausts file descriptors under load.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = `${cert ? 'https' : 'http'}://${address}`;
  const yamlFor = (o?: { namespace?: string }) => kubeconfigYaml({ url, token: opts.token, caPem: cert?.certPem, namespace: o?.namespace });

  return {
    url,
    kubeconfigYaml: yamlFor,
    writeKubeconfig: (path) => writeFile(path, yamlFor(), { mode: 0o600 }),
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(yamlFor());
      return kc;
    },
    faults: { inject: (rule) => faults.inject(rule), clear: () => faults.clear() },
    compact: () => store.compact(),
    dropWatches() {
      for (const w of [...watches]) w.close();
    },
    requestCounts: () => Object.fromEntries(counts),
    responseBytes: () => Object.fromEntries(bytes),
    readForms: () => Object.fromEntries(forms),
    async close() {
      for (const w of [...watches]) w.close();
      portForwarder.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates an object through the same path a POST takes (validation, defaults, events). */
function createInternal(state: ServerState, type: ResourceType, obj: KubeObj): void {
  const r: ResourceRequest = {
    state,
    type,
    version: type.versions[0].name,
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', 'user-agent': `kube-apiserver/${KUBE_VERSION.gitVersion}` },
    body: Buffer.from(JSON.stringify(obj)),
    warnings: [],
  };
  create(r);
}
