import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface BenchServices {
  kubeconfig: string;
  apimUrl: string;
  stop(): Promise<void>;
}

/** Starts bench/services-process.ts and waits for its addresses. */
export async function startBenchServices(latencyMs: number, historyLimit = 20_000): Promise<BenchServices> {
  const child: ChildProcess = spawn(process.execPath, [new URL('./services-process.ts', import.meta.url).pathname, String(latencyMs), String(historyLimit)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench services exited with ${code}`)));
  });
  const { kubeconfig, apimUrl } = JSON.parse(first) as { kubeconfig: string; apimUrl: string };
  return {
    kubeconfig,
    apimUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
