/** A kubeconfig for the test server that client-node and kubectl both load unchanged. */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  url: string;
  token?: string;
  /** PEM of the self-signed certificate, when serving TLS. */
  caPem?: string;
  namespace?: string;
}

const NAME = 'kube-api-server';

export function kubeconfigYaml(input: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: input.url };
  if (input.caPem) cluster['certificate-authority-data'] = Buffer.from(input.caPem).toString('base64');
  // client-node 2.x refuses plain http unless the cluster skips TLS verification; kubectl ignores it for http.
  else cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: NAME, cluster }],
    users: [{ name: NAME, user: input.token ? { token: input.token } : {} }],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace: input.namespace ?? 'default' } }],
    'current-context': NAME,
  });
}
