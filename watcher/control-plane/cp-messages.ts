import type { VendorEvent } from '../../shared/queue/envelope.ts';

/** What one message of a control plane means to the watcher. Only ids are kept: payloads may hold key hashes and tokens. */
export type Inbound =
  | { kind: 'ack'; gatewayId: string; connectionId: string }
  /** Forwarded as a pointer; `cause` (the CP's correlation id or time) keeps two changes of one object apart. */
  | { kind: 'event'; event: VendorEvent; cause: string }
  | { kind: 'ignored'; type: string; why: string };

const LIFECYCLE = /^(api|llmprovider|llmproxy|mcpproxy)\.(deployed|undeployed|deleted)$/;
/** Kinds the gateway handles that apim-sync has no resource for (event gateways, application key mappings). */
const NOT_OURS = /^(websub|webbroker|application)\./;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
/** An id of the control plane: a short string, or nothing (a number or an object is not an id). */
const id = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/**
 * Reads a text message of the control plane (`{type, payload, timestamp, correlationId}`, platform-api's
 * GatewayEventDTO; `connection.ack` has its fields at the top). The payload is read for ids only and then dropped.
 */
export function readMessage(text: string): Inbound {
  let m: Json;
  try {
    m = obj(JSON.parse(text));
  } catch {
    return { kind: 'ignored', type: '', why: 'not JSON' };
  }
  const type = id(m.type, 100);
  if (!type) return { kind: 'ignored', type: '', why: 'no type' };
  if (type === 'connection.ack') return { kind: 'ack', gatewayId: id(m.gatewayId) ?? '', connectionId: id(m.connectionId) ?? '' };
  const p = obj(m.payload);
  const cause = id(m.correlationId, 300) ?? id(m.timestamp, 300) ?? '';
  const lifecycle = LIFECYCLE.exec(type);
  if (lifecycle) {
    const artifactId = id(p.apiId) ?? id(p.providerId) ?? id(p.proxyId);
    if (!artifactId) return { kind: 'ignored', type, why: 'no artifact id' };
    const deploymentId = id(p.deploymentId);
    const performedAt = id(p.performedAt, 64);
    return { kind: 'event', cause, event: { type, id: artifactId, ...(deploymentId ? { deploymentId } : {}), ...(performedAt ? { performedAt } : {}) } };
  }
  // Devportal events: the function re-reads the list they concern, so the event names only that list's owner.
  if (/^(apikey|subscription)\./.test(type)) {
    const apiId = id(p.apiId);
    return apiId ? { kind: 'event', cause, event: { type, id: apiId } } : { kind: 'ignored', type, why: 'no apiId' };
  }
  if (type.startsWith('subscriptionPlan.')) {
    const planId = id(p.planId);
    return { kind: 'event', cause, event: { type, ...(planId ? { id: planId } : {}) } };
  }
  if (NOT_OURS.test(type)) return { kind: 'ignored', type, why: 'apim-sync has no resource for it' };
  return { kind: 'ignored', type, why: 'unknown type' };
}

/** HTTP statuses and close codes after which retrying as usual cannot help: the configuration must change. */
const PERMANENT: Record<number, string> = {
  401: 'Unauthorized: the registration token is invalid or revoked',
  403: 'Forbidden: the registration token may not connect this gateway',
  404: 'Not Found: no gateway WebSocket endpoint at this host, or the gateway is not registered',
  409: 'Conflict: the control plane refuses this gateway connection (registration conflict)',
  422: 'Unprocessable Entity: the control plane refuses this gateway (version or configuration)',
  4401: 'the control plane closed the connection as unauthorized: the registration token is invalid or revoked',
};

/** The detail of a permanent refusal (`401 Unauthorized: …`), or undefined when the status or close code is not one. */
export function permanentRefusal(code: number): string | undefined {
  const meaning = PERMANENT[code];
  return meaning ? `${code} ${meaning}` : undefined;
}
