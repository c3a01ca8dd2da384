/**
 * core/v1 Pods and Services with the parts of their registry strategies a client can observe: defaults, the
 * status subresource (a Pod is created Pending; its status is what a test writes through pods/{name}/status, as
 * a kubelet would), validation of what the proxy and port-forward depend on (ports, target ports, selectors),
 * immutable fields, field selectors and `kubectl get` columns. No scheduler or kubelet runs: a Pod stays as written.
 */
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { FieldError } from './status-errors.ts';
import type { KubeObj } from './resource-type.ts';
import { col, coreStrategy } from './core-strategy.ts';
import { age } from './table.ts';
import { deepEqual, withoutKeys } from './json-util.ts';

/** IANA service names: what a named container port or a Service targetPort may be (validation.IsValidPortName). */
function portNameErrors(name: unknown, field: string): FieldError[] {
  const s = String(name);
  const detail =
    s.length > 15
      ? 'must be no more than 15 characters'
      : !/^[-a-z0-9]+$/.test(s)
        ? "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
        : s.includes('--')
          ? "must not contain consecutive hyphens"
          : !/[a-z]/.test(s)
            ? 'must contain at least one letter (a-z)'
            : s.startsWith('-') || s.endsWith('-')
              ? 'must not begin or end with a hyphen'
              : '';
  return detail ? [{ type: 'Invalid', field, value: name, detail }] : [];
}

const portNumberErrors = (n: unknown, field: string): FieldError[] =>
  Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535 ? [] : [{ type: 'Invalid', field, value: n, detail: 'must be between 1 and 65535, inclusive' }];

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const protocolErrors = (p: unknown, field: string): FieldError[] =>
  PROTOCOLS.includes(p as string) ? [] : [{ type: 'NotSupported', field, value: p, detail: 'supported values: "SCTP", "TCP", "UDP"' }];

// ---- Pods ----

const isReady = (pod: KubeObj) => ((pod.status?.conditions ?? []) as KubeObj[]).some((c) => c.type === 'Ready' && c.status === 'True');

/** The Pod's container ports by name, as the endpoints controller resolves a Service's named targetPort (podutil.FindPort). */
export function containerPortNamed(pod: KubeObj, name: string, protocol = 'TCP'): number | undefined {
  for (const c of (pod.spec?.containers ?? []) as KubeObj[])
    for (const p of (c.ports ?? []) as KubeObj[]) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** What the endpoints controller puts in a Service's ready addresses: Running (not finished), Ready, not deleting, with an IP. */
export function isServingPod(pod: KubeObj): boolean {
  const phase = pod.status?.phase;
  return !!pod.status?.podIP && !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed' && isReady(pod);
}

/** QoS class as the apiserver computes it on create: no requests or limits anywhere is BestEffort. */
function qosClass(spec: KubeObj): string {
  const containers: KubeObj[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  const has = (c: KubeObj) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length;
  if (!containers.some(has)) return 'BestEffort';
  const guaranteed = containers.every((c) => ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources.limits[r]) === c.resources.limits[r]));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultContainer(c: KubeObj): void {
  if (!c || typeof c !== 'object') return;
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (typeof c.image === 'string') c.imagePullPolicy ??= /:[^/]+$/.test(c.image) && !c.image.endsWith(':latest') ? 'IfNotPresent' : 'Always';
  for (const p of (c.ports ?? []) as KubeObj[]) if (p && typeof p === 'object') p.protocol ??= 'TCP';
}

/** The fields of a Pod's spec an update may change (ValidatePodUpdate); anything else is Forbidden. */
function mutableSpecView(spec: KubeObj): KubeObj {
  const strip = (cs: KubeObj[] | undefined) => cs?.map((c) => withoutKeys(c, ['image']));
  return { ...withoutKeys(spec ?? {}, ['activeDeadlineSeconds', 'tolerations']), containers: strip(spec?.containers), initContainers: strip(spec?.initContainers) };
}

function validateContainers(containers: unknown, field: string, required: boolean): FieldError[] {
  if (!Array.isArray(containers) || containers.length === 0) return required ? [{ type: 'Required', field }] : [];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c: KubeObj, i) => {
    const at = `${field}[${i}]`;
    if (!c?.name) errs.push({ type: 'Required', field: `${at}.name` });
    else if (names.has(c.name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: c.name });
    else names.add(c.name);
    if (!c?.image) errs.push({ type: 'Required', field: `${at}.image` });
    const portNames = new Set<string>();
    ((c?.ports ?? []) as KubeObj[]).forEach((p, j) => {
      const pat = `${at}.ports[${j}]`;
      errs.push(...portNumberErrors(p?.containerPort, `${pat}.containerPort`), ...protocolErrors(p?.protocol, `${pat}.protocol`));
      if (p?.name !== undefined) {
        errs.push(...portNameErrors(p.name, `${pat}.name`));
        if (portNames.has(p.name)) errs.push({ type: 'Duplicate', field: `${pat}.name`, value: p.name });
        portNames.add(p.name);
      }
    });
  });
  return errs;
}

export const podStrategy = coreStrategy({
  knownFields: ['spec', 'status'],
  normalize(obj, old) {
    const spec = (obj.spec ??= {});
    if (typeof spec === 'object') {
      spec.restartPolicy ??= 'Always';
      spec.dnsPolicy ??= 'ClusterFirst';
      spec.terminationGracePeriodSeconds ??= 30;
      spec.schedulerName ??= 'default-scheduler';
      spec.securityContext ??= {};
      spec.enableServiceLinks ??= true;
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(c);
    }
    // PrepareForCreate: whatever status the client sent, a new Pod is Pending; its kubelet (here: the test) writes status.
    if (!old) obj.status = { phase: 'Pending', qosClass: qosClass(spec) };
  },
  normalizeStatus(obj) {
    // v1 conversion keeps podIP and podIPs[0] the same, whichever the writer set.
    const st = obj.status;
    if (!st || typeof st !== 'object') return;
    if (st.podIP && !st.podIPs) st.podIPs = [{ ip: st.podIP }];
    else if (!st.podIP && Array.isArray(st.podIPs) && st.podIPs[0]?.ip) st.podIP = st.podIPs[0].ip;
  },
  validate(obj, old) {
    const errs = validateContainers(obj.spec?.containers, 'spec.containers', true);
    errs.push(...validateContainers(obj.spec?.initContainers, 'spec.initContainers', false));
    if (!['Always', 'OnFailure', 'Never'].includes(obj.spec?.restartPolicy)) errs.push({ type: 'NotSupported', field: 'spec.restartPolicy', value: obj.spec?.restartPolicy, detail: 'supported values: "Always", "OnFailure", "Never"' });
    const ip = obj.status?.podIP;
    if (ip !== undefined && !isIP(String(ip))) errs.push({ type: 'Invalid', field: 'status.podIPs[0].ip', value: ip, detail: 'must be a valid IP address' });
    if (old && !deepEqual(mutableSpecView(obj.spec), mutableSpecView(old.spec)))
      errs.push({
        type: 'Forbidden',
        field: 'spec',
        detail:
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      });
    return errs;
  },
  fieldLabels: (o) => ({
    'spec.nodeName': o.spec?.nodeName ?? '',
    'spec.restartPolicy': o.spec?.restartPolicy ?? '',
    'spec.schedulerName': o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(o.spec?.hostNetwork ?? false),
    'status.phase': o.status?.phase ?? '',
    'status.podIP': o.status?.podIP ?? '',
    'status.nominatedNodeName': o.status?.nominatedNodeName ?? '',
  }),
  table: {
    columns: [col('Name', 'string', 'name'), col('Ready'), col('Status'), col('Restarts'), col('Age'), col('IP', 'string', '', 1), col('Node', 'string', '', 1)],
    cells: (o) => {
      const statuses: KubeObj[] = o.status?.containerStatuses ?? [];
      const ready = statuses.filter((s) => s.ready).length;
      const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
      return [o.metadata.name, `${ready}/${(o.spec?.containers ?? []).length}`, o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.reason ?? o.status?.phase ?? ''), String(restarts), age(o), o.status?.podIP ?? '<none>', o.spec?.nodeName ?? '<none>'];
    },
  },
});

// ---- Services ----

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

/** A free-looking address of the default service CIDR 10.96.0.0/12 (the allocator picks at random too). */
const allocateClusterIP = () => `10.${96 + randomInt(16)}.${randomInt(256)}.${1 + randomInt(254)}`;

export const serviceStrategy = coreStrategy({
  knownFields: ['spec', 'status'],
  normalize(obj, old) {
    const spec = (obj.spec ??= {});
    if (typeof spec !== 'object') return;
    spec.type ??= 'ClusterIP';
    if (spec.type !== 'ExternalName') {
      spec.sessionAffinity ??= 'None';
      spec.internalTrafficPolicy ??= 'Cluster';
      for (const p of (spec.ports ?? []) as KubeObj[]) {
        if (!p || typeof p !== 'object') continue;
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
        if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = 30000 + randomInt(2768);
      }
      // The allocated cluster IP is kept by updates that do not name one (clients send back what they read).
      if (!spec.clusterIP) spec.clusterIP = old?.spec?.clusterIP || allocateClusterIP();
      spec.clusterIPs ??= [spec.clusterIP];
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    }
    if (!old) obj.status = { loadBalancer: {} };
  },
  validate(obj, old) {
    const spec = obj.spec ?? {};
    const errs: FieldError[] = [];
    if (!SERVICE_TYPES.includes(spec.type)) errs.push({ type: 'NotSupported', field: 'spec.type', value: spec.type, detail: 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' });
    if (spec.type === 'ExternalName') {
      if (!spec.externalName) errs.push({ type: 'Required', field: 'spec.externalName' });
    } else {
      const ports: KubeObj[] = Array.isArray(spec.ports) ? spec.ports : [];
      if (ports.length === 0 && spec.clusterIP !== 'None') errs.push({ type: 'Required', field: 'spec.ports' });
      const names = new Set<string>();
      ports.forEach((p, i) => {
        const at = `spec.ports[${i}]`;
        if (ports.length > 1 && !p?.name) errs.push({ type: 'Required', field: `${at}.name` });
        if (p?.name) {
          errs.push(...portNameErrors(p.name, `${at}.name`));
          if (names.has(p.name)) errs.push({ type: 'Duplicate', field: `${at}.name`, value: p.name });
          names.add(p.name);
        }
        errs.push(...portNumberErrors(p?.port, `${at}.port`), ...protocolErrors(p?.protocol, `${at}.protocol`));
        if (typeof p?.targetPort === 'string') errs.push(...portNameErrors(p.targetPort, `${at}.targetPort`));
        else errs.push(...portNumberErrors(p?.targetPort, `${at}.targetPort`));
      });
      if (spec.clusterIP !== 'None' && !isIP(String(spec.clusterIP))) errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: spec.clusterIP, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' });
    }
    for (const [k, v] of Object.entries((spec.selector ?? {}) as Record<string, unknown>))
      if (typeof v !== 'string') errs.push({ type: 'Invalid', field: `spec.selector[${k}]`, value: v, detail: 'must be a string' });
    if (old?.spec?.clusterIP && spec.type === old.spec.type && spec.clusterIP !== old.spec.clusterIP)
      errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: spec.clusterIP, detail: 'may not change once set' });
    return errs;
  },
  fieldLabels: (o) => ({ 'spec.clusterIP': o.spec?.clusterIP ?? '', 'spec.type': o.spec?.type ?? '' }),
  table: {
    columns: [col('Name', 'string', 'name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', '', 1)],
    cells: (o) => {
      const s = o.spec ?? {};
      const ports = ((s.ports ?? []) as KubeObj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
      const external = s.type === 'ExternalName' ? s.externalName : ((o.status?.loadBalancer?.ingress ?? []) as KubeObj[]).map((i) => i.ip ?? i.hostname).join(',') || (s.type === 'LoadBalancer' ? '<pending>' : '<none>');
      const selector = Object.entries((s.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
      return [o.metadata.name, s.type ?? '', s.clusterIP ?? '<none>', external, ports, age(o), selector];
    },
  },
});
