/**
 * AWS list prices used by `apim-sync usage`, in USD, for eu-west-1 (serverless.yml's default region; us-east-1
 * lists the same figures). First pricing tier, free tier ignored. Recorded 2026-12-03 from the prices AWS has listed
 * since arm64 Lambda launched (aws.amazon.com/lambda/pricing, aws.amazon.com/sqs/pricing); they were not re-read
 * online for this release, so check them before quoting a figure.
 */
export const PRICES = {
  region: 'eu-west-1',
  recorded: '2026-12-03',
  /** Lambda compute, per GB-second, by architecture. */
  lambdaGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  /** Lambda, per request (invocation): $0.20 per million. */
  lambdaRequest: 0.2 / 1_000_000,
  /** SQS FIFO, per request (each 64 KB chunk of a payload; a pointer is far below): $0.50 per million. */
  sqsFifoRequest: 0.5 / 1_000_000,
} as const;

export type Architecture = keyof typeof PRICES.lambdaGbSecond;

/** serverless.yml's `memorySize` and `architecture`: what the deployed function runs with unless told otherwise. */
export const DEPLOYED = { memoryMb: 512, architecture: 'arm64' as Architecture };
