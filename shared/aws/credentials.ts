import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CredentialSource } from './sigv4.ts';

/**
 * The AWS SDK's default credential chain, as every SDK client resolves it: environment variables, SSO, the shared
 * config and credentials files, credential_process, web identity (IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and
 * AWS_ROLE_ARN, exchanged with STS in `region`), the container credentials endpoint (EKS Pod Identity, ECS), then
 * the instance role through IMDSv2. Temporary credentials are kept and fetched again five minutes before they expire;
 * each provider is loaded only when the chain reaches it.
 */
export function defaultCredentials(region: string): CredentialSource {
  return defaultProvider({ clientConfig: { region } });
}
