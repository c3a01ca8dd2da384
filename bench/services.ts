import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ServicesRequest, VendorCalls } from './vendor-calls.ts';

export type BenchVendor = 'gravitee' | '3scale';

export interface BenchServices {
  kubeconfig: string;
  /** Gravitee: `apimUrl`; 3scale: the tenant's `adminURL` and admin `token`. */
  address: Record<string, string>;
  /** The vendor calls the emulator counted since the last `resetVendorCalls()`. */
  vendorCalls(): Promise<VendorCalls>;
  resetVendorCalls(): void;
  stop(): Promise<void>;
}

/** Starts bench/services-process.ts (API server + one vendor's emulator) and waits for its addresses. */
export async function startBenchServices(vendor: BenchVendor, latencyMs: number, historyLimit = 20_000): Promise<BenchServices> {
  const child: ChildProcess = spawn(process.execPath, [new URL('./services-process.ts', import.meta.url).pathname, vendor, String(latencyMs), String(historyLimit)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench services exited with ${code}`)));
  });
  const { kubeconfig, ...address } = JSON.parse(first) as { kubeconfig: string } & Record<string, string>;
  const ask = (req: ServicesRequest) => child.send(req);
  return {
    kubeconfig,
    address,
    vendorCalls: () =>
      new Promise<VendorCalls>((resolve) => {
        child.once('message', (m) => resolve(m as VendorCalls));
        ask('calls');
      }),
    resetVendorCalls: () => ask('reset'),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
