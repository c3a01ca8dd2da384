import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../emulators/kube-api-server/selectors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { selectedApis } from '../../vendors/wso2/api-gateway/selected-apis.ts';
import { gatewayConfig } from '../../vendors/wso2/gateway/config.ts';
import { managementBase } from '../../vendors/wso2/gateway/management-endpoint.ts';
import { releaseName } from '../../vendors/wso2/gateway/release-name.ts';
import { selectingGateways, selectionScope, selects } from '../../vendors/wso2/gateway/selection.ts';

const gateway = (name: string, apiSelector: Record<string, unknown> | undefined, namespace = 'gw-ns', annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'gateway.api-platform.wso2.com/v1',
  kind: 'APIGateway',
  metadata: { name, namespace, annotations },
  spec: apiSelector ? { apiSelector } : {},
});
const api = (namespace: string, labels: Record<string, string> = {}, name = 'a', annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'RestApi', metadata: { name, namespace, labels, annotations } });

describe('WSO2 gateway selection (the operator registry)', () => {
  it('Cluster selects everything, and is the default scope', () => {
    expect(selects(gateway('g', { scope: 'Cluster' }), api('any'))).toBe(true);
    expect(selects(gateway('g', undefined), api('any'))).toBe(true);
  });

  it("Namespaced selects the listed namespaces, else the gateway's own", () => {
    expect(selects(gateway('g', { scope: 'Namespaced', namespaces: ['a', 'b'] }), api('b'))).toBe(true);
    expect(selects(gateway('g', { scope: 'Namespaced', namespaces: ['a', 'b'] }), api('gw-ns'))).toBe(false);
    expect(selects(gateway('g', { scope: 'Namespaced' }), api('gw-ns'))).toBe(true);
    expect(selects(gateway('g', { scope: 'Namespaced', namespaces: [] }), api('other'))).toBe(false);
  });

  it('LabelSelector requires every matchLabels pair and every matchExpressions requirement', () => {
    const sel = { scope: 'LabelSelector', matchLabels: { team: 'books' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }, { key: 'legacy', operator: 'DoesNotExist' }] };
    expect(selects(gateway('g', sel), api('x', { team: 'books', tier: 'gold' }))).toBe(true);
    expect(selects(gateway('g', sel), api('x', { team: 'books', tier: 'bronze' }))).toBe(false);
    expect(selects(gateway('g', sel), api('x', { team: 'books', tier: 'gold', legacy: '' }))).toBe(false);
    expect(selects(gateway('g', sel), api('x', { tier: 'gold' }))).toBe(false);
    expect(selects(gateway('g', { scope: 'LabelSelector', matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] }), api('x'))).toBe(true);
    expect(selects(gateway('g', { scope: 'LabelSelector', matchExpressions: [{ key: 'tier', operator: 'Exists' }] }), api('x', { tier: '' }))).toBe(true);
    // An operator the registry does not know matches nothing.
    expect(selects(gateway('g', { scope: 'LabelSelector', matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }), api('x', { tier: '2' }))).toBe(false);
    // An empty label selector selects everything, as Kubernetes' does.
    expect(selects(gateway('g', { scope: 'LabelSelector' }), api('x'))).toBe(true);
  });

  it('lists only where a selector may select: its namespaces, or its labels as the API server filters them', () => {
    expect(selectionScope(gateway('g', { scope: 'Cluster' }))).toEqual({});
    expect(selectionScope(gateway('g', undefined))).toEqual({});
    expect(selectionScope(gateway('g', { scope: 'Namespaced', namespaces: ['a', 'b'] }))).toEqual({ namespaces: ['a', 'b'] });
    expect(selectionScope(gateway('g', { scope: 'Namespaced' }))).toEqual({ namespaces: ['gw-ns'] });
    const sel = { scope: 'LabelSelector', matchLabels: { team: 'books' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }, { key: 'legacy', operator: 'DoesNotExist' }, { key: 'example.com/x', operator: 'NotIn', values: ['1'] }, { key: 'y', operator: 'Exists' }] };
    expect(selectionScope(gateway('g', sel))).toEqual({ labelSelector: 'team=books,tier in (gold,silver),!legacy,example.com/x notin (1),y' });
    expect(selectionScope(gateway('g', { scope: 'LabelSelector' }))).toEqual({});
    // What no label selector can say is left to selects(), over everything.
    for (const unsayable of [{ matchLabels: { 'bad key!': 'x' } }, { matchLabels: { k: 'not a value' } }, { matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }, { matchExpressions: [{ key: 'k', operator: 'Gt', values: ['1'] }] }, { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }]) {
      expect(selectionScope(gateway('g', { scope: 'LabelSelector', ...unsayable })), JSON.stringify(unsayable)).toEqual({});
    }
  });

  it('the label selector it lists with selects exactly what selects() does', () => {
    const selectors = [
      { matchLabels: { team: 'books' } },
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }] },
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }, { key: 'legacy', operator: 'DoesNotExist' }] },
      { matchLabels: { team: 'books' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
    ];
    const labelSets: Record<string, string>[] = [{}, { team: 'books' }, { team: 'cars' }, { tier: 'gold' }, { tier: 'bronze' }, { team: 'books', tier: 'silver' }, { tier: 'bronze', legacy: '' }, { team: 'books', tier: '' }];
    for (const selector of selectors) {
      const g = gateway('g', { scope: 'LabelSelector', ...selector });
      const matcher = parseLabelSelector(selectionScope(g).labelSelector!)!;
      for (const labels of labelSets) expect(matcher(api('x', labels)), `${JSON.stringify(selector)} ${JSON.stringify(labels)}`).toBe(selects(g, api('x', labels)));
    }
  });

  it('counts the RestApis that deploy to a gateway (status.selectedAPIs), listing only its scope, and the APIGateways only when selection decides', async () => {
    const own = gateway('own', { scope: 'LabelSelector', matchLabels: { team: 'books' } });
    const earlier = gateway('earlier', { scope: 'Namespaced', namespaces: ['shared'] }, 'a-ns');
    const cp = { 'apim-sync.io/gateway': 'gw-ns/own' };
    const restApis = [
      api('shared', { team: 'books' }, 'taken-by-earlier'),
      api('solo', { team: 'books' }, 'selected'),
      api('solo', { team: 'cars' }, 'not-selected'),
      api('solo', { team: 'books' }, 'named-elsewhere', { 'apim-sync.io/gateway': 'a-ns/earlier' }),
      // The control plane's RestApis: in the gateway's namespace, labelled with its name, named by annotation.
      api('gw-ns', { 'apim-sync.io/origin': 'control-plane', 'apim-sync.io/gateway-name': 'own' }, 'deployed-by-cp', cp),
      api('gw-ns', { 'apim-sync.io/origin': 'control-plane', 'apim-sync.io/gateway-name': 'own', team: 'books' }, 'deployed-and-labelled', cp),
    ];
    const lists: string[] = [];
    const ctx = {
      cluster: {
        async list(type: Pick<ObjectRef, 'kind'>, namespace?: string, opts: { labelSelector?: string } = {}) {
          lists.push(`${type.kind} ${namespace ?? '*'} ${opts.labelSelector ?? ''}`.trim());
          const matches = parseLabelSelector(opts.labelSelector ?? null) ?? (() => true);
          const all = type.kind === 'APIGateway' ? [own, earlier] : restApis;
          return all.filter((o) => (namespace === undefined || o.metadata.namespace === namespace) && matches(o));
        },
      },
    } as unknown as SyncContext;
    expect(await selectedApis(own, ctx)).toBe(3);
    expect(lists).toEqual(['RestApi * team=books', 'RestApi gw-ns apim-sync.io/origin=control-plane,apim-sync.io/gateway-name=own', 'APIGateway *']);

    // A gateway whose RestApis are all its control plane's, in its own namespace: one list, no APIGateways.
    lists.length = 0;
    const cpOnly = gateway('own', { scope: 'Namespaced' });
    restApis.splice(0, 4);
    expect(await selectedApis(cpOnly, ctx)).toBe(2);
    expect(lists).toEqual(['RestApi gw-ns']);
  });

  it('orders the selecting gateways by namespace, then name, whatever the listing order (the operator takes a random one)', () => {
    const all = [gateway('b', { scope: 'Cluster' }, 'ns2'), gateway('z', { scope: 'Cluster' }, 'ns1'), gateway('a', { scope: 'LabelSelector', matchLabels: { x: 'y' } }, 'ns0'), gateway('a', { scope: 'Cluster' }, 'ns2')];
    expect(selectingGateways(all, api('q')).map((g) => `${g.metadata.namespace}/${g.metadata.name}`)).toEqual(['ns1/z', 'ns2/a', 'ns2/b']);
    expect(selectingGateways([...all].reverse(), api('q')).map((g) => g.metadata.name)).toEqual(['z', 'a', 'b']);
    // A gateway of the resource's own namespace comes first, whatever its name.
    expect(selectingGateways(all, api('ns2')).map((g) => `${g.metadata.namespace}/${g.metadata.name}`)).toEqual(['ns2/a', 'ns2/b', 'ns1/z']);
  });

  it("names the Helm release as the operator's GetReleaseName", () => {
    expect(releaseName('restapi-gw')).toBe('restapi-gw-gw');
    expect(releaseName('a'.repeat(50))).toBe(`${'a'.repeat(50)}-gw`);
    // 51 + "-gw" is over Helm's 53: gw- and 8 hex of sha256(name) (python3: hashlib.sha256(b'a'*51)).
    expect(releaseName('a'.repeat(51))).toBe('gw-bfc5fe0e');
  });

  it('takes the management URL as the controller root or the management base', () => {
    expect(managementBase('http://gw:9090')).toBe('http://gw:9090/api/management/v1');
    expect(managementBase('http://gw:9090/api/management/v1/')).toBe('http://gw:9090/api/management/v1');
    expect(managementBase('https://gw.example/prefix/')).toBe('https://gw.example/prefix/api/management/v1');
  });

  it('runs standalone when a control plane host has no registration token, as the gateway skips the connection', () => {
    const cfg = gatewayConfig(gateway('g', { scope: 'Cluster' }), 'gateway:\n  controller:\n    controlPlane:\n      host: cp.example\n      port: 8443\n      token:\n        value: ""\n');
    expect(cfg.controlPlane).toBeUndefined();
    expect(cfg.controlPlaneSkipped).toContain('cp.example:8443');
    const withToken = gatewayConfig(gateway('g', { scope: 'Cluster' }), 'gateway:\n  controller:\n    controlPlane:\n      host: cp.example\n      token:\n        secretName: cp-token\n');
    expect(withToken.controlPlane).toMatchObject({ host: 'cp.example', token: { name: 'cp-token', key: 'token' } });
    expect(withToken.controlPlaneSkipped).toBeUndefined();
  });
});
