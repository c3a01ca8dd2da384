import { permanent } from '../../../shared/engine/errors.ts';

/**
 * Gravitee Cloud tokens are JWTs whose claims name the org, the environments and the control-plane gateway (cpg).
 * GKO reads them unverified to default the context; APIM verifies the token on every call.
 */
export function cloudDefaults(token: string, environmentId: string | undefined): { baseUrl: string; organizationId: string; environmentId: string } {
  const payload = token.split('.')[1];
  let claims: { org?: string; envs?: string[]; cpg?: string };
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  } catch {
    throw permanent('InvalidSpec', 'spec.cloud.token: not a Gravitee Cloud token (JWT)');
  }
  if (!claims.org || !claims.cpg) throw permanent('InvalidSpec', 'spec.cloud.token: the token has no org or cpg claim');
  const envs = claims.envs ?? [];
  const env = environmentId ?? (envs.length === 1 ? envs[0] : undefined);
  if (!env) throw permanent('InvalidSpec', 'spec.environmentId: required when the cloud token grants several environments');
  return { baseUrl: `https://${claims.cpg}.cloudgate.gravitee.io`, organizationId: claims.org, environmentId: env };
}
