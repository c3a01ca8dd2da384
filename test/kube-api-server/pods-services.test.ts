import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERGE, STRATEGIC, readyPod, startHarness, statusOf, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const NS = 'workloads';
const pod = (name: string, labels?: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'gateway-controller:1.0', ports: [{ name: 'rest', containerPort: 9090 }] }] },
  status: { phase: 'Running', podIP: '10.0.0.1' },
});

describe('Pods', () => {
  it('are created Pending with defaults, whatever status the client sent; status is written through /status', async () => {
    const created = await h.core.createNamespacedPod({ namespace: NS, body: pod('p1', { app: 'gw' }) });
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(created.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(created.spec!.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ name: 'rest', containerPort: 9090, protocol: 'TCP' }] });

    const running = await h.core.patchNamespacedPodStatus({ namespace: NS, name: 'p1', body: { status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] } } }, MERGE);
    expect(running.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }] });
    // A write to the main resource keeps the status; one to /status keeps the spec.
    const relabelled = await h.core.patchNamespacedPod({ namespace: NS, name: 'p1', body: { metadata: { labels: { app: 'gw', v: '2' } }, status: { phase: 'Failed' } } }, MERGE);
    expect(relabelled.status!.phase).toBe('Running');
    // Conditions merge by type in a strategic merge patch, as the kubelet's status patches rely on.
    const merged = await h.core.patchNamespacedPodStatus({ namespace: NS, name: 'p1', body: { status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } } }, STRATEGIC);
    expect(merged.status!.conditions!.map((c) => c.type)).toEqual(['Ready', 'PodScheduled']);
  });

  it('are listed by label and field selectors, and watched', async () => {
    await readyPod(h.core, NS, 'p2', { labels: { app: 'other' } });
    expect((await h.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=other' })).items.map((p) => p.metadata!.name)).toEqual(['p2']);
    expect((await h.core.listNamespacedPod({ namespace: NS, fieldSelector: 'status.phase=Running,status.podIP=127.0.0.1' })).items.map((p) => p.metadata!.name)).toContain('p2');
    expect((await h.core.listPodForAllNamespaces({ labelSelector: 'app in (gw,other)' })).items.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a pod without containers or with a bad port, and spec changes other than images', async () => {
    const badPod = { metadata: { name: 'bad' }, spec: { containers: [{ name: 'm', image: 'i', ports: [{ name: 'Rest_Port', containerPort: 70000 }] }] } };
    const bad = await statusOf(h.core.createNamespacedPod({ namespace: NS, body: badPod }));
    expect(bad.code).toBe(422);
    expect(bad.details.causes.map((c: any) => c.field)).toEqual(['spec.containers[0].ports[0].containerPort', 'spec.containers[0].ports[0].name']);
    expect((await statusOf(h.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'empty' }, spec: { containers: [] } } }))).details.causes[0].field).toBe('spec.containers');
    await h.core.createNamespacedPod({ namespace: NS, body: pod('p3') });
    await h.core.patchNamespacedPod({ namespace: NS, name: 'p3', body: { spec: { containers: [{ name: 'main', image: 'gateway-controller:1.1' }] } } }, STRATEGIC);
    const refused = await statusOf(h.core.patchNamespacedPod({ namespace: NS, name: 'p3', body: { spec: { restartPolicy: 'Never' } } }, MERGE));
    expect(refused.code).toBe(422);
    expect(refused.message).toMatch(/^Pod "p3" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});

describe('Services', () => {
  it('get a cluster IP, default protocol and targetPort, and keep the IP on update', async () => {
    const svc = await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'gw' }, spec: { selector: { app: 'gw' }, ports: [{ name: 'rest', port: 9090, targetPort: 'rest' }, { name: 'admin', port: 9092 }] } } });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ports: [{ name: 'rest', port: 9090, targetPort: 'rest', protocol: 'TCP' }, { name: 'admin', port: 9092, targetPort: 9092, protocol: 'TCP' }] });
    expect(svc.spec!.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(svc.spec!.clusterIPs).toEqual([svc.spec!.clusterIP]);
    expect(svc.status).toEqual({ loadBalancer: {} });
    const updated = await h.core.replaceNamespacedService({ namespace: NS, name: 'gw', body: { metadata: { name: 'gw', labels: { a: 'b' } }, spec: { selector: { app: 'gw' }, ports: svc.spec!.ports } } });
    expect(updated.spec!.clusterIP).toBe(svc.spec!.clusterIP);
    const moved = await statusOf(h.core.patchNamespacedService({ namespace: NS, name: 'gw', body: { spec: { clusterIP: '10.96.0.99' } } }, MERGE));
    expect(moved.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: 'Invalid value: "10.96.0.99": may not change once set' }]);
    expect((await h.core.listNamespacedService({ namespace: NS, fieldSelector: `spec.clusterIP=${svc.spec!.clusterIP}` })).items.map((s) => s.metadata!.name)).toEqual(['gw']);
  });

  it('refuses ports without names when there are several, and target ports that are not IANA names', async () => {
    const st = await statusOf(h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'bad' }, spec: { ports: [{ port: 80 }, { port: 81, name: 'b', targetPort: 'no_such' }] } } }));
    expect(st.details.causes.map((c: any) => `${c.field}: ${c.message}`)).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[1].targetPort: Invalid value: "no_such": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
    expect((await statusOf(h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'none' }, spec: {} } }))).details.causes[0].field).toBe('spec.ports');
  });

  it('are in discovery with their status, proxy and portforward subresources', async () => {
    const res = await fetch(`${h.server.url}/api/v1`);
    const names = ((await res.json()) as any).resources.map((r: any) => `${r.name} ${r.verbs.join(',')}`);
    expect(names).toEqual(
      expect.arrayContaining(['pods create,delete,deletecollection,get,list,patch,update,watch', 'pods/portforward create,get', 'pods/status get,patch,update', 'services/proxy create,delete,get,patch,update', 'services/status get,patch,update']),
    );
  });
});
