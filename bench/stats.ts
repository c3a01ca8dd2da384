/** Nearest-rank percentile of a sample, in the sample's unit. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** The p50, p95 and p99 the scenarios report, rounded to 0.1. */
export const percentiles = (values: number[]): Percentiles => ({ p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), p99: round(percentile(values, 99)) });

/** Progress for a person at a terminal; quiet when stderr is not one. */
export function progress(message: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${message}${process.stderr.isTTY ? '' : '\n'}`);
}
export function progressDone(message: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${message}\n`);
}
