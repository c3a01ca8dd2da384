import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startWso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { UsageRecordSchema } from '../../shared/engine/usage-record.ts';
import { releaseName } from '../../vendors/wso2/gateway/release-name.ts';
import { readyPod } from '../kube-api-server/helpers.ts';
import { sendPointer } from '../support/send-message.ts';
import { waitFor } from '../support/wait.ts';
import { restApi, useWso2World, WSO2, type Wso2World } from '../support/wso2-e2e.ts';

// A WSO2 gateway reached through the member cluster's API server (its Service proxy): those vendor calls do not go
// through the sync function's HTTP client, and still count in the sync's usage record. Test server only (loopback pod).
const usageFile = join(mkdtempSync(join(tmpdir(), 'usage-wso2-')), 'usage.jsonl');
const records = () => (existsSync(usageFile) ? readFileSync(usageFile, 'utf8') : '').split('\n').filter(Boolean).map((l) => UsageRecordSchema.parse(JSON.parse(l)));

/** Every way a sync ends is logged once by the engine (shared/engine/sync-message.ts). */
const SYNC_ENDINGS = ['synced', 'sync failed permanently; waiting for a change', 'waiting for a reference; the watcher re-enqueues when it appears', 'waiting for a reference; will retry', 'sync failed; will retry', 'member cluster unavailable; its messages retry'];
const syncsLogged = () => w.logs.map((l) => JSON.parse(l) as { message: string }).filter((l) => SYNC_ENDINGS.includes(l.message)).length;

let w: Wso2World;
describe.skipIf(!!process.env.E2E_KUBECONFIG)('usage records of syncs through the API server', () => {
  useWso2World((world) => void (w = world), { apiGateway: false, sync: { usageFile } });

  it('count the management API calls carried by the API server as vendor calls of the sync', async () => {
    const open = await startWso2GatewayController({ auth: false, policies: 'any' });
    try {
      const port = Number(new URL(open.url).port);
      const instance = releaseName('open-gw');
      await w.cluster.core.createNamespacedService({
        namespace: w.ns,
        body: { metadata: { name: 'open-gw-gateway-controller', labels: { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': 'controller' } }, spec: { selector: { app: `${instance}-controller` }, ports: [{ name: 'rest', port, targetPort: 'rest' }] } },
      });
      await readyPod(w.cluster.core, w.ns, 'open-gw-gateway-controller-0', { labels: { app: `${instance}-controller` }, ports: [{ name: 'rest', containerPort: port }] });
      await w.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'open-values' }, data: { 'values.yaml': 'gateway:\n  config:\n    controller:\n      auth:\n        basic:\n          enabled: false\n        idp:\n          enabled: false\n' } });
      await w.apply({ apiVersion: WSO2, kind: 'APIGateway', metadata: { name: 'open-gw' }, spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { gateway: 'open-gw' } }, configRef: { name: 'open-values' } } });
      await w.waitForCondition('APIGateway', 'open-gw', 'Ready', 'True');
      await w.apply(restApi('via-proxy', {}, { labels: { gateway: 'open-gw' } }));
      const api = await w.waitForCondition('RestApi', 'via-proxy', 'Programmed', 'True');
      await waitFor('queue drained', () => w.plane.drained());
      await waitFor('records flushed', () => records().length === syncsLogged());
      const before = records().length;
      const calls = open.calls.length;
      await sendPointer(w.plane, api, { reason: 'resync', cause: 'usage-e2e' });
      await waitFor('resync recorded', async () => (await w.plane.drained()) && records().length > before && records().length === syncsLogged());
      const added = records().slice(before);
      expect(added.filter((r) => r.name === 'via-proxy')).toMatchObject([{ kind: 'RestApi', vendor: 'wso2', outcome: 'unchanged' }]);
      expect(open.calls.length - calls).toBeGreaterThan(0);
      // Every management API call since, as the gateway controller counted them, is in a record.
      expect(added.reduce((n, r) => n + r.vendorCalls, 0)).toBe(open.calls.length - calls);
    } finally {
      await open.close();
    }
  });
});
