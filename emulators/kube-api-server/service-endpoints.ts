/**
 * Where a Service sends traffic, as kube-apiserver's service registry resolves `services/{id}/proxy`
 * (pkg/registry/core/service/storage ResourceLocation) over the Endpoints the endpoints controller would write:
 * the Service port by name or number, the ready pods its selector picks, and each pod's target port (a number, or
 * a container port name). No controller runs here, so the addresses are computed from the Pods on every request.
 */
import { randomInt } from 'node:crypto';
import { ApiError, badRequest, notFound } from './status-errors.ts';
import type { KubeObj } from './resource-type.ts';
import type { ServerState } from './request-context.ts';
import { objectKey } from './store.ts';
import { containerPortNamed, isServingPod } from './pods-services.ts';

export const serviceUnavailable = (message: string) => new ApiError(503, 'ServiceUnavailable', message);

/** `[scheme:]name[:port]` as utilnet.SplitSchemeNamePort parses it; the scheme is http or https. */
function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 1 ? ['', parts[0], ''] : parts.length === 2 ? ['', parts[0], parts[1]] : parts.length === 3 ? parts : [];
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

export interface ServiceTarget {
  scheme: string;
  ip: string;
  port: number;
  pod: KubeObj;
}

/** The pods of the namespace whose labels include every selector entry (a nil or empty selector selects none). */
function selectedPods(state: ServerState, namespace: string, selector: Record<string, string> | undefined): KubeObj[] {
  if (!selector || Object.keys(selector).length === 0) return [];
  const pods = state.store.collection('pods');
  return pods
    .keys(namespace)
    .map((k) => pods.objects.get(k)!)
    .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
}

/** The container port a Service port's targetPort names on one pod; undefined when that pod has no such port. */
function targetPortOn(pod: KubeObj, servicePort: KubeObj): number | undefined {
  const t = servicePort.targetPort ?? servicePort.port;
  return typeof t === 'number' ? t : containerPortNamed(pod, t, servicePort.protocol ?? 'TCP');
}

/** The backend of one proxied request: a random ready address serving the chosen port, or the apiserver's error. */
export function resolveServiceTarget(state: ServerState, namespace: string, id: string): ServiceTarget {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid service request "${id}"`);
  const { scheme, name } = parsed;
  let portName = parsed.port;
  const service = state.store.collection('services').objects.get(objectKey(namespace, name));
  // A port number names the service port with that number; the endpoints are then looked up by its name.
  if (/^\d+$/.test(portName)) {
    if (!service) throw notFound({ group: '', resource: 'services' }, name);
    const p = ((service.spec?.ports ?? []) as KubeObj[]).find((x) => x.port === Number(portName));
    if (!p) throw serviceUnavailable(`no service port ${portName} found for service "${name}"`);
    portName = p.name ?? '';
  }
  // Endpoints exist exactly when the Service does (the endpoints controller creates them for selector Services).
  if (!service) throw notFound({ group: '', resource: 'endpoints' }, name);
  const withIp = selectedPods(state, namespace, service.spec?.selector).filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp);
  if (withIp.length === 0) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  const servicePort = ((service.spec?.ports ?? []) as KubeObj[]).find((p) => (p.name ?? '') === portName);
  const ready = servicePort
    ? withIp.filter(isServingPod).flatMap((pod) => {
        const port = targetPortOn(pod, servicePort);
        return port ? [{ scheme: scheme || 'http', ip: pod.status.podIP as string, port, pod }] : [];
      })
    : [];
  if (ready.length === 0) throw serviceUnavailable(`no endpoints available for service "${id}"`);
  return ready[randomInt(ready.length)];
}
