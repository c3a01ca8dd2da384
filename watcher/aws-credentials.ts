// The watcher signs its SQS calls with credentials from the AWS SDK's default chain (shared/aws/credentials.ts).
export { defaultCredentials } from '../shared/aws/credentials.ts';
export type { AwsCredentials, CredentialSource } from '../shared/aws/sigv4.ts';
