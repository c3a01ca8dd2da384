/**
 * The gateway's reconnect delay (calculateNextRetryDelay in its client.go): `initial·2^n` for the n-th retry in a row,
 * capped at `max`, then ±25 % jitter, clamped to [initial, max] so a fleet of watchers never reconnects in step and
 * never faster than configured.
 */
export function reconnectDelay(retry: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(0, retry), 40));
  const jittered = base + base * 0.25 * (2 * random() - 1);
  return Math.round(Math.min(maxMs, Math.max(initialMs, jittered)));
}
