/**
 * Kinds the vendors' operators handle that apim-sync deliberately does not sync: they configure a gateway the operator
 * itself deploys and runs in the cluster, not the API manager. `validate` and the README say so, one line each.
 */
const NOT_SYNCED: { group: string; kinds: string[]; why: string }[] = [
  { group: 'gravitee.io', kinds: ['GatewayClassParameters'], why: 'configures a Gravitee gateway GKO deploys itself (Gateway API mode), not APIM' },
  { group: 'gravitee.io', kinds: ['KafkaRoute'], why: 'a Gateway API route for a Gravitee gateway GKO runs, not an APIM object' },
  { group: 'gateway.networking.k8s.io', kinds: ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'ReferenceGrant', 'BackendTLSPolicy'], why: 'Gateway API: GKO turns these into gateway configuration it serves itself; apim-sync syncs API managers only' },
  { group: 'networking.k8s.io', kinds: ['Ingress'], why: "GKO's Ingress controller (class graviteeio) configures its own gateway; declare an ApiDefinition or ApiV4Definition instead" },
  { group: 'gateway.api-platform.wso2.com', kinds: ['APIPolicy'], why: 'targets Gateway API routes, which apim-sync does not handle' },
];

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Why a kind is deliberately not synced, or undefined for kinds apim-sync syncs or knows nothing of. */
export function notSyncedBecause(apiVersion: string, kind: string): string | undefined {
  const group = groupOf(apiVersion);
  return NOT_SYNCED.find((n) => n.group === group && n.kinds.includes(kind))?.why;
}
