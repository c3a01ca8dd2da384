/** What every emulator's `main.ts` does once started: one JSON line saying where it is, then serve until stopped. */
export function serveUntilSignalled(emulator: { close(): Promise<void> }, startup: Record<string, unknown>): void {
  console.log(JSON.stringify(startup));
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
