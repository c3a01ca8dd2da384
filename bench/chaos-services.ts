import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ChaosRequest, ChaosServicesReport } from './chaos-services-process.ts';

export interface ChaosServices {
  kubeconfigs: Record<string, string>;
  vendors: { apimUrl: string; adminURL: string; token: string };
  send(req: Exclude<ChaosRequest, { type: 'report' }>): void;
  report(): Promise<ChaosServicesReport>;
  stop(): Promise<void>;
}

/** Starts bench/chaos-services-process.ts (one API server per cluster, both vendors) and waits for its addresses. */
export async function startChaosServices(clusters: string[], latencyMs: number): Promise<ChaosServices> {
  const child = spawn(process.execPath, [new URL('./chaos-services-process.ts', import.meta.url).pathname, clusters.join(','), String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`chaos services exited with ${code}`)));
  });
  const { kubeconfigs, ...vendors } = JSON.parse(first) as { kubeconfigs: Record<string, string>; apimUrl: string; adminURL: string; token: string };
  return {
    kubeconfigs,
    vendors,
    send: (req) => child.send(req),
    report: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as ChaosServicesReport));
        child.send({ type: 'report' } satisfies ChaosRequest);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
