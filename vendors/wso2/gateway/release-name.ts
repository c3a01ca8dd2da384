import { createHash } from 'node:crypto';

/**
 * The Helm release the operator installs an APIGateway's gateway as (internal/helm/client.go GetReleaseName):
 * `<name>-gw`, or `gw-` and 8 hex of the name's SHA-256 when that would exceed Helm's 53 characters.
 */
export function releaseName(gatewayName: string): string {
  const candidate = `${gatewayName}-gw`;
  if (candidate.length <= 53) return candidate;
  return `gw-${createHash('sha256').update(gatewayName).digest('hex').slice(0, 8)}`;
}
