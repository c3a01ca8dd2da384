import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { get, readManifests, readYaml, ROOT } from './support.ts';

import { syncKinds } from '../../vendors/sync-kinds.ts';
import { watchedKinds } from '../../vendors/watched-kinds.ts';
import { controllerServiceName, gatewayAccess } from '../../vendors/wso2/gateway/cluster-access.ts';

/** `plural.group` of every kind apim-sync syncs: RBAC must follow the kinds, never lag behind them. */
const SYNCED = watchedKinds.map((k) => `${k.plural}.${k.apiVersion.split('/')[0]}`);
const SYNCED_STATUS = watchedKinds.map((k) => `${k.plural}/status.${k.apiVersion.split('/')[0]}`);
/** Resources a kind generates through the Kubernetes API (an OpenAPI's Backend and Product): created, updated, deleted too. */
const GENERATED = [...new Set(syncKinds.flatMap((k) => k.generates ?? []).map((t) => `${t.plural}.${t.apiVersion.includes('/') ? t.apiVersion.split('/')[0] : ''}`))];
/** The kinds the engine deletes itself once done (a one-shot with deleteWhenDone): the only ones granted delete. */
const SELF_DELETING = syncKinds.filter((k) => k.oneShot?.deleteWhenDone).map((k) => `${k.plural}.${k.apiVersion.split('/')[0]}`);

function yamlFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  return readdirSync(abs).flatMap((f) => {
    const p = join(abs, f);
    if (statSync(p).isDirectory()) return yamlFiles(relative(ROOT, p));
    return /\.ya?ml$/.test(f) ? [relative(ROOT, p)] : [];
  });
}

/** Every resource a kustomization lists, recursively through the directories (bases) it names. */
function kustomize(dir: string): any[] {
  const k = readYaml(join(dir, 'kustomization.yaml'));
  return (k.resources as string[]).flatMap((r) => {
    const p = join(dir, r);
    expect(existsSync(join(ROOT, p)), `${p} (listed in ${dir}/kustomization.yaml)`).toBe(true);
    return statSync(join(ROOT, p)).isDirectory() ? kustomize(p) : readManifests(p);
  });
}

function configLiterals(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const g of (readYaml(join(dir, 'kustomization.yaml')).configMapGenerator as any[]) ?? []) {
    for (const l of g.literals as string[]) {
      const i = l.indexOf('=');
      out[l.slice(0, i)] = l.slice(i + 1);
    }
  }
  return out;
}

const find = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

describe('infra manifests', () => {
  it.each(['infra/watcher', 'infra/sync-access', 'infra/crds'].flatMap(yamlFiles))('%s parses', (file) => {
    const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'));
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      expect(d.errors).toEqual([]);
      expect(d.warnings).toEqual([]);
    }
  });
});

describe('watcher RBAC', () => {
  const cluster = kustomize('infra/watcher');
  const namespaced = kustomize('infra/watcher/namespaced');

  it('grants only list and watch, on the synced kinds, Secrets and ConfigMaps', () => {
    const roles = [...find(cluster, 'ClusterRole'), ...find(namespaced, 'Role')];
    expect(find(cluster, 'ClusterRole')).toHaveLength(1);
    expect(find(namespaced, 'ClusterRole')).toHaveLength(0);
    for (const role of roles) {
      const granted: string[] = [];
      for (const rule of role.rules) {
        expect(rule.verbs).toEqual(['list', 'watch']);
        expect(rule.resourceNames).toBeUndefined();
        for (const g of rule.apiGroups) for (const r of rule.resources) granted.push(`${r}.${g}`);
      }
      expect(granted.sort()).toEqual([...SYNCED, 'secrets.', 'configmaps.'].sort());
    }
  });

  it('binds the roles to the watcher ServiceAccount', () => {
    const bindings = [...find(cluster, 'ClusterRoleBinding'), ...find(namespaced, 'RoleBinding')];
    expect(bindings.length).toBeGreaterThan(1);
    for (const b of bindings) {
      expect(b.roleRef).toMatchObject({ name: 'apim-sync-watcher', kind: b.kind === 'ClusterRoleBinding' ? 'ClusterRole' : 'Role' });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'apim-sync-watcher', namespace: 'apim-sync' }]);
    }
  });

  it('gives the namespaced variant one Role and RoleBinding per watched namespace', () => {
    const watched = configLiterals('infra/watcher/namespaced').WATCH_NAMESPACES.split(',');
    expect(watched.length).toBeGreaterThan(0);
    expect(find(namespaced, 'Role').map((r) => r.metadata.namespace).sort()).toEqual([...watched].sort());
    expect(find(namespaced, 'RoleBinding').map((r) => r.metadata.namespace).sort()).toEqual([...watched].sort());
    expect(configLiterals('infra/watcher').WATCH_NAMESPACES).toBe('');
  });
});

describe('watcher workload', () => {
  const objs = kustomize('infra/watcher');
  const [deployment] = find(objs, 'Deployment');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  it('runs one replica with its configuration from the generated ConfigMap', () => {
    expect(deployment.spec.replicas).toBe(1);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    const names = ['CLUSTER_ID', 'QUEUE_URL', 'RESYNC_QUEUE_URL', 'AWS_REGION', 'WATCH_NAMESPACES', 'RESYNC_INTERVAL_SECONDS', 'RESYNC_MAX_PER_SECOND'];
    expect(Object.keys(env).sort()).toEqual([...names].sort());
    const literals = configLiterals('infra/watcher/base');
    for (const n of names) {
      expect(env[n].valueFrom.configMapKeyRef).toEqual({ name: 'apim-sync-watcher', key: n });
      expect(literals).toHaveProperty(n);
    }
    expect(literals.QUEUE_URL).toMatch(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/.+\.fifo$/);
    expect(literals.RESYNC_QUEUE_URL).toMatch(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/.+-resync\.fifo$/);
    expect(literals.RESYNC_MAX_PER_SECOND).toBe(''); // the default pace: spread over the interval
  });

  it('probes /healthz and /readyz on 8080 and fits in 10m/64Mi .. 100m/96Mi', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '100m', memory: '96Mi' } });
  });

  it('runs non-root on a read-only root filesystem, without privilege escalation, under RuntimeDefault seccomp', () => {
    expect(pod.serviceAccountName).toBe('apim-sync-watcher');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext.privileged).not.toBe(true);
  });

  it('exposes /metrics through an annotated Service, and has an IRSA annotation to fill in', () => {
    const [svc] = find(objs, 'Service');
    expect(svc.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(svc.spec.ports[0]).toMatchObject({ port: 8080, targetPort: 'http' });
    const [sa] = find(objs, 'ServiceAccount');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(find(objs, 'Namespace').map((n) => n.metadata.name)).toEqual(['apim-sync']);
  });

  it('has a Dockerfile that runs dist/watcher.mjs as non-root on Node 24 with the measured memory flags', () => {
    const dockerfile = readFileSync(join(ROOT, 'infra/watcher/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM (node:24-alpine|gcr\.io\/distroless\/nodejs24\S*)$/m);
    expect(dockerfile).toMatch(/^COPY .*dist\/watcher\.mjs /m);
    // The measured memory flags (watcher/measure-rss.ts): a 48 MB heap, a small young generation, lite mode.
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "--max-old-space-size=48", "--max-semi-space-size=1", "--lite-mode", "\/app\/watcher\.mjs"\]$/m);
    expect(dockerfile).toMatch(/MALLOC_ARENA_MAX=1/);
    const user = dockerfile.match(/^USER (\S+)$/m)?.[1] ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(user).not.toBe('');
    expect(readFileSync(join(ROOT, 'infra/watcher/Dockerfile.dockerignore'), 'utf8')).toContain('!dist/watcher.mjs');
  });
});

describe('sync function access in member clusters', () => {
  const objs = kustomize('infra/sync-access');
  const [role] = find(objs, 'ClusterRole');

  it('reads and patches the kinds and their status, deletes only self-deleting one-shot kinds, reads Secrets/ConfigMaps, writes generated keys back to Secrets, creates Events, nothing else', () => {
    const grants = new Map<string, string[]>();
    for (const rule of role.rules) {
      for (const g of rule.apiGroups) for (const r of rule.resources) grants.set(`${r}.${g}`, [...(grants.get(`${r}.${g}`) ?? []), ...rule.verbs].sort());
    }
    expect(SELF_DELETING).toContain('proxyconfigpromotes.capabilities.3scale.net');
    const expected = new Map<string, string[]>([
      ...SYNCED.map((k): [string, string[]] => [k, SELF_DELETING.includes(k) ? ['delete', 'get', 'list', 'patch'] : ['get', 'list', 'patch']]),
      ...SYNCED_STATUS.map((k): [string, string[]] => [k, ['patch']]),
      // create: a Tenant's tenant Secret (adminURL, token) is written when it does not exist yet.
      ['secrets.', ['create', 'get', 'patch']],
      ['configmaps.', ['get']],
      ['events.', ['create']],
    ]);
    expect(GENERATED).toEqual([
      // GKO's local mode: the ConfigMap an API's gateway reads.
      'configmaps.',
      'backends.capabilities.3scale.net',
      'products.capabilities.3scale.net',
      // A WSO2 control plane's artifacts, plans, subscriptions and revoked keys (the APIGateway kind's events).
      ...['restapis', 'llmproviders', 'llmproxies', 'mcps', 'subscriptionplans', 'subscriptions', 'apikeys'].map((p) => `${p}.gateway.api-platform.wso2.com`),
    ]);
    for (const k of GENERATED) expected.set(k, [...new Set([...(expected.get(k) ?? []), 'create', 'delete', 'update'])].sort());
    // Nothing of a WSO2 gateway's reach (services/proxy, pods/portforward) cluster-wide: that is a Role per gateway.
    expect(Object.fromEntries(grants)).toEqual(Object.fromEntries(expected));
  });

  it("reaches a WSO2 gateway's controller through its namespace's Role: that Service's proxy only, port-forward there", () => {
    const example = parseAllDocuments(readFileSync(join(ROOT, 'infra/sync-access/wso2/prod-gateway.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean);
    // The example is what `apim-sync wso2 gateway-access` writes for the seed's gateway.
    expect(example).toEqual(gatewayAccess({ gateway: 'prod-gateway', namespace: 'ap-gateway' }));
    const [role, binding] = example;
    expect(role.kind).toBe('Role');
    expect(role.metadata.namespace).toBe('ap-gateway');
    const proxy = role.rules.find((r: { resources: string[] }) => r.resources.includes('services/proxy'));
    expect(proxy.resourceNames).toEqual(['prod-gateway-gw-controller', 'prod-gateway-gw-controller:9090']);
    for (const r of role.rules) expect(r.verbs.some((v: string) => v === '*' || v === 'escalate' || v === 'bind')).toBe(false);
    const [sa] = find(objs, 'ServiceAccount');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  });

  it("names a gateway's controller Service as its Helm chart does", () => {
    expect(controllerServiceName('prod-gateway')).toBe('prod-gateway-gw-controller');
    expect(controllerServiceName('edge')).toBe('edge-gw-gateway-controller');
    // A name too long for a Helm release: gw-<8 hex of its SHA-256>, then the chart's name.
    expect(controllerServiceName('a'.repeat(60))).toMatch(/^gw-[0-9a-f]{8}-gateway-controller$/);
  });

  it('binds it to a ServiceAccount with a long-lived token for the cluster registry', () => {
    const [sa] = find(objs, 'ServiceAccount');
    const [binding] = find(objs, 'ClusterRoleBinding');
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
    const [token] = find(objs, 'Secret');
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations['kubernetes.io/service-account.name']).toBe(sa.metadata.name);
    expect(token.metadata.namespace).toBe(sa.metadata.namespace);
  });
});

// kubectl's built-in kustomize, when this machine has kubectl: the overlays build as kustomize builds them.
const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
describe.skipIf(!kubectl)('kubectl kustomize', () => {
  it.each(['infra/watcher', 'infra/watcher/namespaced', 'infra/sync-access', 'infra/crds'])('%s builds', (dir) => {
    const run = spawnSync('kubectl', ['kustomize', join(ROOT, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const docs = parseAllDocuments(run.stdout);
    expect((Array.isArray(docs) ? docs : [docs]).length).toBeGreaterThan(0);
  }, 30_000);
});
