/**
 * What reaching a gateway's management API through the member cluster's API server needs of the sync function's
 * identity (management-endpoint.ts), as RBAC rules: the gateway controller's Service found by its Helm release
 * labels (list) or by name (get); `services/proxy` for a gateway that requires no credentials (every HTTP method maps
 * to a verb); a ready pod behind the Service (get, list) and `pods/portforward` to it (the WebSocket upgrade is a GET,
 * authorized as get, and as create where the API server checks it so). infra/sync-access/rbac.yaml grants exactly this.
 */
export const gatewayReachRules = [
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['services/proxy'], verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
  { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'get'] },
] as const;
