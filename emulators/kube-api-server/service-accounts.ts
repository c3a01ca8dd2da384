/**
 * ServiceAccounts, the rbac.authorization.k8s.io/v1 kinds, and kube-controller-manager's token controller
 * (pkg/controller/serviceaccount/tokens_controller.go) as clients observe it: a Secret of type
 * `kubernetes.io/service-account-token` whose annotation names an existing ServiceAccount gets `data.token` (a signed
 * JWT naming the account), `data.namespace`, `data.ca.crt` (the cluster's CA, when it serves TLS) and the account's uid
 * annotation; one naming a missing account is deleted; deleting an account deletes its token Secrets. RBAC objects are
 * stored and served, not enforced (the server authorises every request, see README).
 * Work runs on setImmediate, after the request that triggered it has answered, as the controller's would.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ChangeEvent } from './event-log.ts';
import { col, coreStrategy } from './core-strategy.ts';
import { deleteObject } from './delete-handlers.ts';
import type { ServerState } from './request-context.ts';
import type { KubeObj, ResourceType } from './resource-type.ts';
import { objectKey } from './store.ts';
import { age } from './table.ts';
import { WorkQueue } from './work-queue.ts';

const RBAC = 'rbac.authorization.k8s.io';
export const SERVICE_ACCOUNT_TOKEN = 'kubernetes.io/service-account-token';
const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';

const nameAge = { columns: [col('Name', 'string', 'name'), col('Age', 'string')], cells: (o: KubeObj) => [o.metadata.name, age(o)] };

function accessType(t: Pick<ResourceType, 'resource' | 'singular' | 'kind' | 'namespaced'> & { group: string; knownFields: string[]; shortNames?: string[] }): ResourceType {
  return {
    group: t.group,
    resource: t.resource,
    singular: t.singular,
    kind: t.kind,
    listKind: `${t.kind}List`,
    shortNames: t.shortNames ?? [],
    categories: [],
    namespaced: t.namespaced,
    statusSubresource: false,
    custom: false,
    versions: [{ name: 'v1', printerColumns: [] }],
    strategy: coreStrategy({
      knownFields: t.knownFields,
      table: nameAge,
      // A binding's roleRef cannot change (rbac's validation: "cannot change roleRef").
      validate: (obj, old) => (old && t.knownFields.includes('roleRef') && JSON.stringify(obj.roleRef) !== JSON.stringify(old.roleRef) ? [{ type: 'Invalid', field: 'roleRef', value: obj.roleRef, detail: 'cannot change roleRef' }] : []),
    }),
  };
}

/** ServiceAccounts and the four RBAC kinds, served as kube-apiserver serves them. */
export function accessControlTypes(): ResourceType[] {
  return [
    accessType({ group: '', resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', shortNames: ['sa'], namespaced: true, knownFields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'] }),
    accessType({ group: RBAC, resource: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false, knownFields: ['rules', 'aggregationRule'] }),
    accessType({ group: RBAC, resource: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false, knownFields: ['subjects', 'roleRef'] }),
    accessType({ group: RBAC, resource: 'roles', singular: 'role', kind: 'Role', namespaced: true, knownFields: ['rules'] }),
    accessType({ group: RBAC, resource: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true, knownFields: ['subjects', 'roleRef'] }),
  ];
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** The token controller: fills service-account-token Secrets, deletes those whose account is gone. */
export class TokenController {
  private readonly state: ServerState;
  private readonly rootCaPem: string | undefined;
  /** The controller's signing key (kube-controller-manager's --service-account-private-key-file). */
  private readonly key = randomBytes(32);
  private readonly queue = new WorkQueue<{ namespace: string; name: string }>((s) => this.syncSecret(s.namespace, s.name));

  constructor(state: ServerState, rootCaPem?: string) {
    this.state = state;
    this.rootCaPem = rootCaPem;
  }

  observe(gr: string, ev: ChangeEvent): void {
    const meta = ev.object.metadata;
    if (gr === 'secrets' && ev.type !== 'DELETED' && ev.object.type === SERVICE_ACCOUNT_TOKEN) this.enqueue(meta.namespace, meta.name);
    if (gr === 'serviceaccounts' && ev.type === 'DELETED') {
      for (const s of this.state.store.collection('secrets').objects.values()) {
        if (s.type === SERVICE_ACCOUNT_TOKEN && s.metadata.namespace === meta.namespace && s.metadata.annotations?.[SA_NAME] === meta.name) this.enqueue(meta.namespace, s.metadata.name);
      }
    }
  }

  /** Whether a bearer token is one this controller issued and its Secret still holds (the legacy token authenticator). */
  accepts(token: string | undefined): boolean {
    if (!token) return false;
    const encoded = b64(token);
    for (const s of this.state.store.collection('secrets').objects.values()) if (s.type === SERVICE_ACCOUNT_TOKEN && s.data?.token === encoded) return true;
    return false;
  }

  private enqueue(namespace: string, name: string): void {
    this.queue.add(objectKey(namespace, name), { namespace, name });
  }

  private syncSecret(namespace: string, name: string): void {
    const { registry, store } = this.state;
    const secrets = store.collection('secrets');
    const secret = secrets.objects.get(objectKey(namespace, name));
    if (!secret || secret.type !== SERVICE_ACCOUNT_TOKEN || secret.metadata.deletionTimestamp) return;
    const annotations = secret.metadata.annotations ?? {};
    const sa = store.collection('serviceaccounts').objects.get(objectKey(namespace, annotations[SA_NAME] ?? ''));
    if (!sa || (annotations[SA_UID] && annotations[SA_UID] !== sa.metadata.uid)) {
      deleteObject(this.state, registry.byGroupResource('secrets') as ResourceType, secret);
      return;
    }
    const data = { ...(secret.data ?? {}) };
    const wanted: Record<string, string> = { namespace: b64(namespace) };
    if (this.rootCaPem) wanted['ca.crt'] = b64(this.rootCaPem);
    if (!data.token) wanted.token = b64(this.sign(namespace, name, sa));
    const missing = Object.entries(wanted).filter(([k]) => !data[k]);
    if (!missing.length && annotations[SA_UID] === sa.metadata.uid) return;
    for (const [k, v] of missing) data[k] = v;
    store.commit(secrets, objectKey(namespace, name), 'MODIFIED', { ...secret, data, metadata: { ...secret.metadata, annotations: { ...annotations, [SA_NAME]: sa.metadata.name, [SA_UID]: sa.metadata.uid } } });
  }

  /** A JWT with the legacy token's claims (k8s.io/kubernetes/pkg/serviceaccount/legacy.go). */
  private sign(namespace: string, secretName: string, sa: KubeObj): string {
    const header = b64url(JSON.stringify({ alg: 'HS256', kid: 'test-api-server' }));
    const claims = b64url(
      JSON.stringify({
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': namespace,
        'kubernetes.io/serviceaccount/secret.name': secretName,
        'kubernetes.io/serviceaccount/service-account.name': sa.metadata.name,
        'kubernetes.io/serviceaccount/service-account.uid': sa.metadata.uid,
        sub: `system:serviceaccount:${namespace}:${sa.metadata.name}`,
      }),
    );
    return `${header}.${claims}.${b64url(createHmac('sha256', this.key).update(`${header}.${claims}`).digest())}`;
  }
}
