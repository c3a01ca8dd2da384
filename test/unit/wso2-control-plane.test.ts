import { gzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { transient } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { ArchiveError, filesFromBatch, yamlFromZip } from '../../vendors/wso2/control-plane/archives.ts';
import { MalformedArtifact, parseArtifact } from '../../vendors/wso2/control-plane/artifact.ts';
import { diffDeployments, inRemoveOrder, inWriteOrder, type LocalArtifact } from '../../vendors/wso2/control-plane/deployment-diff.ts';
import type { RemoteDeployment } from '../../vendors/wso2/control-plane/internal-api.ts';
import { artifactDigest, artifactKindOf, CP_ANNOTATIONS, CP_LABELS, labelValue, matchesArtifact } from '../../vendors/wso2/control-plane/metadata.ts';
import { OutcomeBook } from '../../vendors/wso2/control-plane/outcomes.ts';
import { conditionAgrees, connectionReportOf, describeConnection, recordConnection } from '../../vendors/wso2/control-plane/connection-condition.ts';
import { handleControlPlaneEvent } from '../../vendors/wso2/control-plane/events.ts';
import { compareTimes } from '../../vendors/wso2/control-plane/resource-writer.ts';
import { ackOfEcho, ackOfResource, acksOfGateway, bottomUpStateOf, echoesOfGateway } from '../../watcher/control-plane/ack-decision.ts';
import { permanentRefusal, readMessage } from '../../watcher/control-plane/cp-messages.ts';
import { reconnectDelay } from '../../watcher/control-plane/reconnect-delay.ts';

describe('reconnect delay (the gateway calculateNextRetryDelay)', () => {
  const at = (r: number) => () => r;
  it('doubles from reconnect_initial, capped at reconnect_max', () => {
    expect([0, 1, 2, 3, 4].map((n) => reconnectDelay(n, 1_000, 10_000, at(0.5)))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(reconnectDelay(60, 1_000, 300_000, at(0.5))).toBe(300_000);
  });

  it('adds ±25 % jitter, clamped to [initial, max]', () => {
    expect(reconnectDelay(2, 1_000, 10_000, at(0))).toBe(3_000);
    expect(reconnectDelay(2, 1_000, 10_000, at(1))).toBe(5_000);
    expect(reconnectDelay(0, 1_000, 10_000, at(0))).toBe(1_000);
    expect(reconnectDelay(10, 1_000, 10_000, at(1))).toBe(10_000);
    for (let i = 0; i < 200; i++) {
      const d = reconnectDelay(3, 1_000, 300_000);
      expect(d).toBeGreaterThanOrEqual(6_000);
      expect(d).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('control-plane messages', () => {
  const env = (type: string, payload: Record<string, unknown>) => JSON.stringify({ type, payload, timestamp: '2026-03-04T10:00:00Z', correlationId: 'c-1' });

  it('reads connection.ack from its top-level fields', () => {
    expect(readMessage(JSON.stringify({ type: 'connection.ack', gatewayId: 'g', connectionId: 'x', timestamp: 't' }))).toEqual({ kind: 'ack', gatewayId: 'g', connectionId: 'x' });
  });

  it('turns lifecycle events into ids: the artifact, deployment and time', () => {
    expect(readMessage(env('api.deployed', { apiId: 'a1', deploymentId: 'd1', performedAt: '2026-03-04T10:00:00.123Z' }))).toEqual({
      kind: 'event',
      cause: 'c-1',
      event: { type: 'api.deployed', id: 'a1', deploymentId: 'd1', performedAt: '2026-03-04T10:00:00.123Z' },
    });
    expect(readMessage(env('llmprovider.undeployed', { providerId: 'p1', deploymentId: 'd2', performedAt: 't' })).kind).toBe('event');
    expect(readMessage(env('mcpproxy.deleted', { proxyId: 'm1' }))).toMatchObject({ event: { type: 'mcpproxy.deleted', id: 'm1' } });
    expect(readMessage(env('api.deployed', { deploymentId: 'd1' }))).toMatchObject({ kind: 'ignored', why: 'no artifact id' });
  });

  it('keeps subscription tokens and key hashes out of what it forwards', () => {
    const sub = readMessage(env('subscription.created', { apiId: 'a1', subscriptionId: 's1', subscriptionToken: 'TOKEN-SECRET', status: 'ACTIVE' }));
    const key = readMessage(env('apikey.created', { uuid: 'k1', apiId: 'a1', apiKeyHashes: '{"sha256":"HASH"}', maskedApiKey: 'ab***' }));
    expect(sub).toEqual({ kind: 'event', cause: 'c-1', event: { type: 'subscription.created', id: 'a1' } });
    expect(key).toEqual({ kind: 'event', cause: 'c-1', event: { type: 'apikey.created', id: 'a1' } });
    expect(JSON.stringify([sub, key])).not.toMatch(/TOKEN-SECRET|HASH|ab\*\*\*/);
    expect(readMessage(env('subscriptionPlan.deleted', { planId: 'p1', planName: 'Gold' }))).toMatchObject({ event: { type: 'subscriptionPlan.deleted', id: 'p1' } });
  });

  it('ignores what apim-sync has no resource for, and what it cannot read', () => {
    expect(readMessage(env('websub.deployed', { apiId: 'w' }))).toMatchObject({ kind: 'ignored', type: 'websub.deployed' });
    expect(readMessage(env('application.updated', {}))).toMatchObject({ kind: 'ignored' });
    expect(readMessage(env('gateway.config.updated', {}))).toMatchObject({ kind: 'ignored', why: 'unknown type' });
    expect(readMessage('{not json')).toMatchObject({ kind: 'ignored', why: 'not JSON' });
    expect(readMessage(env('api.deployed', { apiId: { nested: 1 } }))).toMatchObject({ kind: 'ignored' });
  });

  it('knows which refusals are permanent', () => {
    expect([401, 403, 404, 409, 422, 4401].map((c) => permanentRefusal(c)?.split(' ')[0])).toEqual(['401', '403', '404', '409', '422', '4401']);
    expect([400, 429, 500, 503, 1006, 1000].map((c) => permanentRefusal(c))).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('deployment.ack decisions', () => {
  const resource = (conditions: object[], opts: { generation?: number; undeployed?: boolean; annotations?: Record<string, string>; deleting?: boolean; synced?: string } = {}): KubeObject => ({
    apiVersion: 'gateway.api-platform.wso2.com/v1',
    kind: 'RestApi',
    metadata: {
      name: 'r',
      namespace: 'ns',
      generation: opts.generation ?? 2,
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      labels: { [CP_LABELS.origin]: 'control-plane' },
      annotations: {
        [CP_ANNOTATIONS.gateway]: 'ns/gw',
        [CP_ANNOTATIONS.deploymentId]: 'd1',
        [CP_ANNOTATIONS.artifactId]: 'a1',
        [CP_ANNOTATIONS.deployedAt]: '2026-03-04T10:00:00.123Z',
        ...(opts.undeployed ? { [CP_ANNOTATIONS.deploymentState]: 'undeployed' } : {}),
        ...opts.annotations,
      },
    },
    status: { conditions, controlPlaneDeployment: opts.synced ?? `d1|2026-03-04T10:00:00.123Z|${opts.undeployed ? 'undeployed' : 'deployed'}` },
  });
  const c = (type: string, status: string, reason: string, observedGeneration = 2) => ({ type, status, reason, observedGeneration });
  const base = { deploymentId: 'd1', artifactId: 'a1', resourceType: 'api', performedAt: '2026-03-04T10:00:00.123Z' };

  it('Programmed=True at the current generation is a success for the deployment the resource carries', () => {
    expect(ackOfResource(resource([c('Programmed', 'True', 'Programmed')]))).toEqual({ ...base, action: 'deploy', status: 'success' });
    expect(ackOfResource(resource([c('Programmed', 'True', 'Programmed')], { undeployed: true }))).toEqual({ ...base, action: 'undeploy', status: 'success' });
  });

  it('a permanent failure is failed GATEWAY_PROCESSING_ERROR; anything still moving waits', () => {
    for (const reason of ['Invalid', 'DeploymentFailed']) {
      expect(ackOfResource(resource([c('Programmed', 'False', reason)]))).toEqual({ ...base, action: 'deploy', status: 'failed', errorCode: 'GATEWAY_PROCESSING_ERROR' });
    }
    expect(ackOfResource(resource([c('Accepted', 'False', 'InvalidConfiguration'), c('Programmed', 'False', 'Invalid')]))?.status).toBe('failed');
    for (const reason of ['Pending', 'Retrying', 'GatewayNotReady']) expect(ackOfResource(resource([c('Programmed', 'False', reason)]))).toBeUndefined();
    expect(ackOfResource(resource([]))).toBeUndefined();
  });

  it('a condition of an older generation, or of another deployment of the same spec, says nothing of this one', () => {
    expect(ackOfResource(resource([c('Programmed', 'True', 'Programmed', 1)], { generation: 2 }))).toBeUndefined();
    // Undeployed by the control plane, but the status is still the deployment's: its sync has not answered yet.
    expect(ackOfResource(resource([c('Programmed', 'True', 'Programmed')], { undeployed: true, synced: 'd1|2026-03-04T10:00:00.123Z|deployed' }))).toBeUndefined();
    expect(ackOfResource(resource([c('Programmed', 'True', 'Programmed')], { synced: 'd0|2026-03-01T00:00:00Z|deployed' }))).toBeUndefined();
  });

  it('needs the marks of a control-plane resource, and a time the control plane can match', () => {
    const ok = [c('Programmed', 'True', 'Programmed')];
    expect(ackOfResource({ ...resource(ok), metadata: { ...resource(ok).metadata, labels: {} } })).toBeUndefined();
    expect(ackOfResource(resource(ok, { annotations: { [CP_ANNOTATIONS.deployedAt]: 'yesterday' } }))).toBeUndefined();
    expect(ackOfResource(resource(ok, { deleting: true }))).toBeUndefined();
    expect(ackOfResource({ ...resource(ok), kind: 'ApiKey' })).toBeUndefined();
  });

  it('acks what the function recorded on the APIGateway: rejections failed, settled operations success', () => {
    const gw: KubeObject = {
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'APIGateway',
      metadata: { name: 'gw', namespace: 'ns' },
      status: {
        controlPlane: {
          rejected: [
            { deploymentId: 'd1', artifactId: 'a1', kind: 'Mcp', action: 'deploy', performedAt: '2026-03-04T10:00:00Z', errorCode: 'GATEWAY_PROCESSING_ERROR', message: 'x' },
            { deploymentId: 'd9', artifactId: 'a9', kind: 'RestApi', action: 'undeploy', performedAt: '2026-03-04T10:00:00Z', errorCode: 'DEPLOYMENT_ID_MISMATCH' },
            { deploymentId: 'dx', artifactId: 'ax', kind: 'Nope', action: 'deploy', performedAt: '2026-03-04T10:00:00Z' },
          ],
          settled: [{ deploymentId: 'd2', artifactId: 'a2', kind: 'LlmProxy', action: 'undeploy', performedAt: '2026-03-04T11:00:00Z' }],
        },
      },
    };
    expect(acksOfGateway(gw)).toEqual([
      { deploymentId: 'd1', artifactId: 'a1', resourceType: 'mcpproxy', action: 'deploy', status: 'failed', performedAt: '2026-03-04T10:00:00Z', errorCode: 'GATEWAY_PROCESSING_ERROR' },
      { deploymentId: 'd9', artifactId: 'a9', resourceType: 'api', action: 'undeploy', status: 'failed', performedAt: '2026-03-04T10:00:00Z', errorCode: 'DEPLOYMENT_ID_MISMATCH' },
      { deploymentId: 'd2', artifactId: 'a2', resourceType: 'llmproxy', action: 'undeploy', status: 'success', performedAt: '2026-03-04T11:00:00Z' },
    ]);
  });
});

describe('full diff (the gateway computeSyncDiff, and what it leaves out)', () => {
  const remote = (artifactId: string, deploymentId: string, state: string, deployedAt: string | null = '2026-03-04T10:00:00Z', kind = 'RestApi'): RemoteDeployment => ({
    artifactId,
    deploymentId,
    kind,
    state,
    deployedAt,
    etag: 'e',
  });
  const local = (artifactId: string, deploymentId: string, state: 'deployed' | 'undeployed' = 'deployed', deployedAt = '2026-03-04T10:00:00Z', name = artifactId, kind = 'RestApi'): LocalArtifact => ({
    artifactId,
    deploymentId,
    state,
    deployedAt,
    kind,
    name,
  });

  it('fetches what is new and deployed, not what is new and undeployed', () => {
    const d = diffDeployments([remote('a', 'd1', 'DEPLOYED'), remote('b', 'd2', 'UNDEPLOYED')], []);
    expect(d.fetch.map((x) => x.artifactId)).toEqual(['a']);
    expect(d.restate).toEqual([]);
    expect(d.remove).toEqual([]);
  });

  it('leaves what is up to date alone', () => {
    expect(diffDeployments([remote('a', 'd1', 'DEPLOYED')], [local('a', 'd1')])).toEqual({ fetch: [], restate: [], remove: [] });
    expect(diffDeployments([remote('a', 'd1', 'undeployed')], [local('a', 'd1', 'undeployed')])).toEqual({ fetch: [], restate: [], remove: [] });
  });

  it('fetches another deployment whatever its state, and a deployedAt that differs or is missing', () => {
    expect(diffDeployments([remote('a', 'd2', 'DEPLOYED')], [local('a', 'd1')]).fetch).toHaveLength(1);
    expect(diffDeployments([remote('a', 'd2', 'UNDEPLOYED')], [local('a', 'd1')]).fetch).toHaveLength(1);
    expect(diffDeployments([remote('a', 'd1', 'DEPLOYED', '2026-03-04T11:00:00Z')], [local('a', 'd1')]).fetch).toHaveLength(1);
    expect(diffDeployments([remote('a', 'd1', 'DEPLOYED', null)], [local('a', 'd1')]).fetch).toHaveLength(1);
  });

  it('restates an undeployment or a redeployment of the same deployment', () => {
    expect(diffDeployments([remote('a', 'd1', 'UNDEPLOYED')], [local('a', 'd1')]).restate.map((r) => r.local.artifactId)).toEqual(['a']);
    expect(diffDeployments([remote('a', 'd1', 'DEPLOYED')], [local('a', 'd1', 'undeployed')]).restate).toHaveLength(1);
  });

  it('removes what the control plane no longer lists, and the older of two resources of one artifact', () => {
    const d = diffDeployments([remote('a', 'd1', 'DEPLOYED')], [local('gone', 'd9'), local('a', 'd0', 'deployed', '2026-01-01T00:00:00Z', 'old-name'), local('a', 'd1')]);
    expect(d.remove.map((r) => r.name).sort()).toEqual(['gone', 'old-name']);
    expect(d.fetch).toEqual([]);
  });

  it('skips a state it does not know, and orders writes with dependencies first', () => {
    expect(diffDeployments([remote('a', 'd1', 'ARCHIVED')], [local('a', 'd1')])).toEqual({ fetch: [], restate: [], remove: [] });
    const kinds = ['Mcp', 'RestApi', 'LlmProxy', 'LlmProvider'].map((kind) => ({ kind }));
    expect(inWriteOrder(kinds).map((k) => k.kind)).toEqual(['LlmProvider', 'LlmProxy', 'RestApi', 'Mcp']);
    expect(inRemoveOrder(kinds).map((k) => k.kind)).toEqual(['Mcp', 'RestApi', 'LlmProxy', 'LlmProvider']);
  });
});

describe('artifact archives', () => {
  const restApi = 'apiVersion: gateway.api-platform.wso2.com/v1\nkind: RestApi\nmetadata:\n  name: petstore\nspec:\n  context: /pets\n';

  it('reads the YAML of a single-artifact zip, and refuses what is not a zip', () => {
    expect(yamlFromZip(zipSync({ 'api-1.yaml': strToU8(restApi), 'README.txt': strToU8('x') }))).toBe(restApi);
    expect(() => yamlFromZip(strToU8('not a zip'))).toThrow(ArchiveError);
    expect(() => yamlFromZip(zipSync({ 'notes.txt': strToU8('x') }))).toThrow(/no YAML/);
  });

  it('reads a fetch-batch tar.gz by deployment, skipping entries that climb out or are not YAML', async () => {
    const p = pack();
    p.entry({ name: 'dep-1/api-a1.yaml' }, restApi);
    p.entry({ name: 'dep-2/', type: 'directory' });
    p.entry({ name: 'dep-2/llm-provider-a2.yaml' }, 'kind: LlmProvider');
    p.entry({ name: '../evil/api-x.yaml' }, 'x');
    p.entry({ name: 'dep-3/readme.md' }, 'x');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    const files = await filesFromBatch(gzipSync(Buffer.concat(chunks)));
    expect(files).toEqual([
      { deploymentId: 'dep-1', file: 'api-a1.yaml', text: restApi },
      { deploymentId: 'dep-2', file: 'llm-provider-a2.yaml', text: 'kind: LlmProvider' },
    ]);
    await expect(filesFromBatch(strToU8('not gzip'))).rejects.toThrow(ArchiveError);
    await expect(filesFromBatch(gzipSync(Buffer.from('not a tar archive at all, but long enough to have a header'.repeat(20))))).rejects.toThrow(ArchiveError);
  });
});

describe('artifacts', () => {
  const doc = (o: Record<string, unknown>) => JSON.stringify({ apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'RestApi', metadata: { name: 'petstore' }, spec: { context: '/pets' }, ...o });

  it('reads the envelope, keeping its labels and annotations and moving deploymentState out of the spec', () => {
    const a = parseArtifact(doc({ metadata: { name: 'petstore', labels: { team: 'a', n: 1 }, annotations: { x: 'y' } }, spec: { context: '/pets', deploymentState: 'undeployed' } }), 'f');
    expect(a).toMatchObject({ name: 'petstore', labels: { team: 'a', n: '1' }, annotations: { x: 'y' }, spec: { context: '/pets' }, deploymentState: 'undeployed' });
    expect(a.kind.kind).toBe('RestApi');
  });

  it('refuses, naming the field, what cannot be a resource', () => {
    const bad = (text: string, re: RegExp) => expect(() => parseArtifact(text, 'api-1.yaml')).toThrow(re);
    bad('metadata: [unclosed', /api-1.yaml: not valid YAML/);
    bad('- a list', /not a YAML mapping/);
    bad(doc({ apiVersion: 'v1' }), /apiVersion/);
    bad(doc({ kind: 'WebSubApi' }), /kind: "WebSubApi" is not a kind apim-sync writes/);
    bad(doc({ metadata: { name: 'Upper_Case' } }), /metadata.name: "Upper_Case" is not a Kubernetes name/);
    bad(doc({ spec: 'x' }), /spec: required/);
    bad(doc({ spec: { deploymentState: 'paused' } }), /spec.deploymentState/);
    bad(doc({ metadata: { name: 'p', labels: { a: { b: 1 } } } }), /metadata.labels.a/);
    expect(() => parseArtifact(doc({}), 'f', artifactKindOf('Mcp'))).toThrow(MalformedArtifact);
  });
});

describe('metadata helpers', () => {
  it('uses ids as label values when Kubernetes takes them, a digest otherwise', () => {
    expect(labelValue('550e8400-e29b-41d4-a716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(labelValue('x'.repeat(64))).toMatch(/^h\.[0-9a-f]{40}$/);
    expect(labelValue('has space')).toMatch(/^h\./);
  });

  it('orders control-plane times to the nanosecond', () => {
    expect(compareTimes('2026-03-04T10:00:00.123Z', '2026-03-04T10:00:00.124Z')).toBeLessThan(0);
    expect(compareTimes('2026-03-04T10:00:00.123456789Z', '2026-03-04T10:00:00.123456Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-03-04T10:00:00.123Z', '2026-03-04T10:00:00.123000Z')).toBe(0);
    expect(compareTimes('', '2026-03-04T10:00:00Z')).toBeLessThan(0);
  });
});

describe('deployment outcomes in APIGateway status', () => {
  function fakeCtx(status: Record<string, unknown>) {
    const gw: KubeObject = { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'APIGateway', metadata: { name: 'gw', namespace: 'ns', uid: 'u1', resourceVersion: '7' }, status };
    const patches: Array<{ status: Record<string, unknown>; rv?: string }> = [];
    const ctx = { cluster: { get: async () => gw, patchStatus: async (_r: unknown, s: Record<string, unknown>, rv?: string) => patches.push({ status: s, rv }) } } as unknown as SyncContext;
    return { gw, ctx, patches };
  }
  const outcome = (artifactId: string, message = 'm') => ({ deploymentId: `d-${artifactId}`, artifactId, kind: 'RestApi', action: 'deploy' as const, performedAt: '2026-03-04T10:00:00Z', errorCode: 'GATEWAY_PROCESSING_ERROR', message });

  it('replaces an artifact’s outcome in place, clears written ones, and writes nothing when nothing changes', async () => {
    const recorded = { controlPlane: { rejected: [{ ...outcome('a'), at: '2026-03-04T09:00:00Z' }, { ...outcome('b'), at: '2026-03-04T09:00:00Z' }], settled: [] } };
    const { gw, ctx, patches } = fakeCtx(recorded);
    const same = new OutcomeBook(gw);
    same.reject(outcome('a'));
    await same.flush(ctx);
    expect(patches).toEqual([]);

    const book = new OutcomeBook(gw);
    book.reject(outcome('a', 'another reason'));
    book.clear('b');
    book.reject(outcome('c'));
    await book.flush(ctx, new Date('2026-03-04T10:00:00Z'));
    expect(patches).toHaveLength(1);
    expect(patches[0].rv).toBe('7');
    const rejected = (patches[0].status.controlPlane as { rejected: Array<{ artifactId: string; message: string }> }).rejected;
    expect(rejected.map((r) => [r.artifactId, r.message])).toEqual([
      ['a', 'another reason'],
      ['c', 'm'],
    ]);
  });
});

describe('the artifact digest of a control-plane resource', () => {
  const keys = { labels: ['team'], annotations: ['gateway.api-platform.wso2.com/project-id'] };
  const spec = { displayName: 'orders', version: 'v1.0', context: '/orders', operations: [{ method: 'GET', path: '/items' }] };
  const written = (over: { spec?: unknown; labels?: Record<string, string>; annotations?: Record<string, string> } = {}) => {
    const labels = { team: 'orders', [CP_LABELS.origin]: 'control-plane' };
    const annotations = { 'gateway.api-platform.wso2.com/project-id': 'p-1', [CP_ANNOTATIONS.deploymentId]: 'd1' };
    const digest = artifactDigest(spec, { labels, annotations }, keys);
    return { metadata: { labels: { ...labels, ...over.labels }, annotations: { ...annotations, [CP_ANNOTATIONS.artifactDigest]: digest, ...over.annotations } }, spec: over.spec ?? spec };
  };

  it('lists the artifact keys it covers, and matches the same content whatever the key order', () => {
    expect(written().metadata.annotations[CP_ANNOTATIONS.artifactDigest]).toMatch(/^v1:[0-9a-f]{64};l=team;a=gateway\.api-platform\.wso2\.com\/project-id$/);
    expect(matchesArtifact(written())).toBe(true);
    expect(matchesArtifact(written({ spec: { operations: spec.operations, context: '/orders', version: 'v1.0', displayName: 'orders' } }))).toBe(true);
    expect(artifactDigest(spec, {}, { labels: [], annotations: [] })).toMatch(/^v1:[0-9a-f]{64}$/);
  });

  it('an edit of the spec or of a key the artifact brought is a mismatch; keys it did not bring, and apim-sync\'s own, are not', () => {
    expect(matchesArtifact(written({ spec: { ...spec, context: '/moved' } }))).toBe(false);
    expect(matchesArtifact(written({ spec: { ...spec, extra: true } }))).toBe(false);
    expect(matchesArtifact(written({ labels: { team: 'someone-else' } }))).toBe(false);
    expect(matchesArtifact(written({ annotations: { 'gateway.api-platform.wso2.com/project-id': 'p-2' } }))).toBe(false);
    expect(matchesArtifact(written({ labels: { 'argocd.argoproj.io/instance': 'x' }, annotations: { [CP_ANNOTATIONS.deploymentId]: 'd2', note: 'hello' } }))).toBe(true);
  });

  it('a resource without a digest, or with one it cannot read, does not match', () => {
    expect(matchesArtifact({ metadata: {}, spec })).toBe(false);
    expect(matchesArtifact(written({ annotations: { [CP_ANNOTATIONS.artifactDigest]: 'v2:abc' } }))).toBe(false);
    expect(matchesArtifact(written({ annotations: { [CP_ANNOTATIONS.artifactDigest]: 'v1:0;l=team' } }))).toBe(false);
  });
});

describe('echoes: APIM announcing back a RestApi the gateway synced up', () => {
  const echo = { deploymentId: 'rev-1', artifactId: 'apim-1', kind: 'RestApi' as const, performedAt: '2026-03-04T10:00:00.123Z', resource: 'ns/orders' };
  const restApi = (opts: { apiId?: string; generation?: number; programmedAt?: number; programmed?: string; origin?: string; deleting?: boolean } = {}): KubeObject => ({
    apiVersion: 'gateway.api-platform.wso2.com/v1',
    kind: 'RestApi',
    metadata: {
      name: 'orders',
      namespace: 'ns',
      generation: opts.generation ?? 3,
      ...(opts.origin ? { labels: { [CP_LABELS.origin]: opts.origin } } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    status: {
      ...(opts.apiId === undefined ? {} : { controlPlane: { type: 'APIM', apiId: opts.apiId } }),
      conditions: [{ type: 'Programmed', status: opts.programmed ?? 'True', reason: 'Programmed', observedGeneration: opts.programmedAt ?? 3 }],
    },
  });

  it('is acked success once the RestApi runs its current generation with that APIM id in its status', () => {
    expect(ackOfEcho(echo, bottomUpStateOf(restApi({ apiId: 'apim-1' })))).toEqual({ deploymentId: 'rev-1', artifactId: 'apim-1', resourceType: 'api', action: 'deploy', status: 'success', performedAt: echo.performedAt });
    expect(ackOfEcho(echo, bottomUpStateOf(restApi({ apiId: 'apim-1', programmedAt: 2 })))).toBeUndefined();
    expect(ackOfEcho(echo, bottomUpStateOf(restApi({ apiId: 'apim-1', programmed: 'False' })))).toBeUndefined();
    expect(ackOfEcho(echo, bottomUpStateOf(restApi({ apiId: 'apim-1', deleting: true })))).toBeUndefined();
    // Another API of the same name in APIM (the RestApi's status names another id): never acked for it.
    expect(ackOfEcho(echo, bottomUpStateOf(restApi({ apiId: 'apim-2' })))).toBeUndefined();
    expect(ackOfEcho(echo, undefined)).toBeUndefined();
  });

  it('only RestApis declared in the cluster that APIM knows have a bottom-up state', () => {
    expect(bottomUpStateOf(restApi({ apiId: 'apim-1' }))).toEqual({ apiId: 'apim-1', running: true });
    expect(bottomUpStateOf(restApi())).toBeUndefined();
    expect(bottomUpStateOf(restApi({ apiId: 'apim-1', origin: 'control-plane' }))).toBeUndefined();
  });

  it('reads the echoes an APIGateway records, skipping unreadable ones', () => {
    const gw: KubeObject = { apiVersion: 'v', kind: 'APIGateway', metadata: { name: 'gw' }, status: { controlPlane: { echoes: [echo, { ...echo, performedAt: 'never' }, { artifactId: 'x' }] } } };
    expect(echoesOfGateway(gw)).toEqual([echo]);
  });

  it('one outcome per artifact: an echo replaces a settled undeploy, an older echo changes nothing, a clear forgets it', async () => {
    const gw: KubeObject = {
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'APIGateway',
      metadata: { name: 'gw', namespace: 'ns', uid: 'u1', resourceVersion: '7' },
      status: { controlPlane: { settled: [{ deploymentId: 'rev-0', artifactId: 'apim-1', kind: 'RestApi', action: 'undeploy', performedAt: '2026-03-04T09:00:00Z', at: '2026-03-04T09:00:00Z' }], echoes: [] } },
    };
    const patches: Array<Record<string, any>> = [];
    const ctx = { cluster: { get: async () => gw, patchStatus: async (_r: unknown, s: Record<string, unknown>) => patches.push(s) } } as unknown as SyncContext;
    const book = new OutcomeBook(gw);
    book.echo(echo);
    book.echo({ ...echo, deploymentId: 'rev-older', performedAt: '2026-03-04T09:30:00Z' });
    await book.flush(ctx, new Date('2026-03-04T10:00:01Z'));
    expect(patches).toEqual([{ controlPlane: { rejected: [], settled: [], echoes: [{ ...echo, at: '2026-03-04T10:00:01.000Z' }] } }]);

    gw.status = patches[0];
    const again = new OutcomeBook(gw);
    again.echo({ ...echo, deploymentId: 'rev-older', performedAt: '2026-03-04T09:30:00Z' });
    again.echo(echo);
    await again.flush(ctx);
    expect(patches).toHaveLength(1);

    const gone = new OutcomeBook(gw);
    gone.clear('apim-1');
    await gone.flush(ctx);
    expect(patches[1]).toEqual({ controlPlane: { rejected: [], settled: [], echoes: [] } });
  });

  it('merges again into what a concurrent writer left when its write conflicts, instead of failing the event', async () => {
    const outcome = (artifactId: string) => ({ deploymentId: `d-${artifactId}`, artifactId, kind: 'RestApi', action: 'deploy' as const, performedAt: '2026-03-04T10:00:00Z', errorCode: 'GATEWAY_PROCESSING_ERROR', message: 'm' });
    const gw: KubeObject = { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'APIGateway', metadata: { name: 'gw', namespace: 'ns', uid: 'u1', resourceVersion: '7' }, status: {} };
    // Another event of the gateway recorded a rejection of its own meanwhile (resourceVersion 8).
    const other = { ...outcome('b'), at: '2026-03-04T09:00:00Z' };
    const fresh: KubeObject = { ...gw, metadata: { ...gw.metadata, resourceVersion: '8' }, status: { controlPlane: { rejected: [other] } } };
    const reads = [gw, fresh];
    const patches: Array<{ status: Record<string, any>; rv?: string }> = [];
    const ctx = {
      cluster: {
        get: async () => reads.shift() ?? fresh,
        patchStatus: async (_r: unknown, status: Record<string, any>, rv?: string) => {
          if (rv === '7') throw transient('Conflict', 'patch status of APIGateway ns/gw: conflict, will retry');
          patches.push({ status, rv });
        },
      },
    } as unknown as SyncContext;
    const book = new OutcomeBook(gw);
    book.reject(outcome('a'));
    await book.flush(ctx, new Date('2026-03-04T10:00:00Z'));
    expect(patches).toEqual([{ rv: '8', status: { controlPlane: { rejected: [other, { ...outcome('a'), at: '2026-03-04T10:00:00.000Z' }], settled: [], echoes: [] } } }]);
    // Anything else fails the event as before.
    const failing = { cluster: { get: async () => gw, patchStatus: async () => Promise.reject(transient('KubernetesError', 'down')) } } as unknown as SyncContext;
    await expect(book.flush(failing)).rejects.toMatchObject({ reason: 'KubernetesError' });
  });
});

describe('the watcher\'s connection report on the APIGateway', () => {
  it('is recorded when it changes (since moving with the state or the refusal), never otherwise, a detail gone once connected', async () => {
    const gw: KubeObject = { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'APIGateway', metadata: { name: 'gw', namespace: 'ns', resourceVersion: '3' }, status: {} };
    const patches: Array<{ status: Record<string, any>; rv?: string }> = [];
    const ctx = { cluster: { patchStatus: async (_r: unknown, status: Record<string, any>, rv?: string) => patches.push({ status, rv }) }, log: { info() {} } } as unknown as SyncContext;
    const t0 = new Date('2026-03-04T10:00:00Z');
    expect(await recordConnection(gw, { state: 'Refused', detail: '409 Conflict: registration conflict' }, ctx, t0)).toBe(true);
    expect(patches[0]).toEqual({ rv: '3', status: { controlPlane: { connection: { state: 'Refused', detail: '409 Conflict: registration conflict', since: '2026-03-04T10:00:00Z' } } } });
    gw.status = { controlPlane: { connection: { state: 'Refused', detail: '409 Conflict: registration conflict', since: '2026-03-04T10:00:00Z' } } };
    expect(await recordConnection(gw, { state: 'Refused', detail: '409 Conflict: registration conflict' }, ctx)).toBe(false);
    expect(describeConnection(connectionReportOf(gw)!)).toBe(
      "the control plane refused the watcher's gateway connection (since 2026-03-04T10:00:00Z): 409 Conflict: registration conflict; retried every reconnect_max, and at once when the APIGateway, its values or its token Secret change",
    );
    expect(await recordConnection(gw, { state: 'Connected' }, ctx, new Date('2026-03-04T11:00:00Z'))).toBe(true);
    expect(patches[1].status).toEqual({ controlPlane: { connection: { state: 'Connected', detail: null, since: '2026-03-04T11:00:00Z' } } });
    expect(patches).toHaveLength(2);
  });

  it('tells whether ControlPlaneConnected already says what a report implies (else the APIGateway is synced again)', () => {
    const gw = (status?: string, reason?: string): KubeObject => ({
      apiVersion: 'v',
      kind: 'APIGateway',
      metadata: { name: 'gw' },
      status: status ? { conditions: [{ type: 'ControlPlaneConnected', status, reason, message: '', lastTransitionTime: '' }] } : {},
    });
    expect(conditionAgrees(gw('False', 'Refused'), { state: 'Refused' })).toBe(true);
    expect(conditionAgrees(gw('False', 'Unauthorized'), { state: 'Refused' })).toBe(true);
    expect(conditionAgrees(gw('True', 'Connected'), { state: 'Refused' })).toBe(false);
    expect(conditionAgrees(gw('True', 'Connected'), { state: 'Connected' })).toBe(true);
    expect(conditionAgrees(gw('False', 'Unauthorized'), { state: 'Connected' })).toBe(true);
    expect(conditionAgrees(gw('False', 'Refused'), { state: 'Connected' })).toBe(false);
    expect(conditionAgrees(gw(), { state: 'Connected' })).toBe(false);
  });

  it('asks the engine for the APIGateway\'s sync when a report changes, or is not shown by its condition yet; else not', async () => {
    const patches: unknown[] = [];
    const ctx = { cluster: { patchStatus: async (_r: unknown, s: unknown) => patches.push(s) }, log: { info() {} } } as unknown as SyncContext;
    const since = '2026-03-04T10:00:00Z';
    const gw = (connection: Record<string, string> | undefined, condition?: [string, string]): KubeObject => ({
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'APIGateway',
      metadata: { name: 'gw', namespace: 'ns', resourceVersion: '3' },
      status: {
        ...(connection ? { controlPlane: { connection } } : {}),
        ...(condition ? { conditions: [{ type: 'ControlPlaneConnected', status: condition[0], reason: condition[1], message: '', lastTransitionTime: since }] } : {}),
      },
    });
    const refused = { type: 'connection.refused', detail: '401 Unauthorized: the registration token is invalid or revoked' };
    // A new refusal: recorded, and the sync computes ControlPlaneConnected from it.
    expect(await handleControlPlaneEvent(refused, gw(undefined, ['True', 'Connected']), ctx)).toBe('sync');
    expect(patches).toHaveLength(1);
    // The same refusal again (a redelivery): recorded already; a sync only if the condition does not say it yet.
    const recorded = { state: 'Refused', detail: refused.detail, since };
    expect(await handleControlPlaneEvent(refused, gw(recorded, ['True', 'Connected']), ctx)).toBe('sync');
    expect(await handleControlPlaneEvent(refused, gw(recorded, ['False', 'Refused']), ctx)).toBeUndefined();
    expect(await handleControlPlaneEvent({ type: 'connection.restored' }, gw({ state: 'Connected', since }, ['True', 'Connected']), ctx)).toBeUndefined();
    expect(patches).toHaveLength(1);
  });
});
