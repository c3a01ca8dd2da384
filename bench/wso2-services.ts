import { fork, type ChildProcess } from 'node:child_process';
import type { DeployResult } from '../emulators/wso2/control-plane/index.ts';
import type { ControlPlaneAccess } from './wso2-objects.ts';

/** The emulators whose calls the scenario counts: the three gateways, the Platform API, APIM 4.7 (with its control plane). */
export type Wso2Emulator = 'apply' | 'topDown' | 'bottomUp' | 'platform' | 'apim';

export type ControlPlaneChange =
  | { op: 'deploy'; name: string; operations?: Array<{ method: string; path: string }>; artifactId?: string }
  | { op: 'undeploy'; artifactId: string }
  | { op: 'delete'; artifactId: string };

/** What the top-down gateway must run once a change is reflected (and, where the protocol acks, the control plane says). */
export interface Wso2Expectation {
  name: string;
  state: 'deployed' | 'undeployed' | 'deleted';
  deploymentId?: string;
  operations?: number;
}

export interface AckSummary {
  total: number;
  applied: number;
  discarded: number;
  invalid: number;
  deploySuccess: number;
  undeploySuccess: number;
  failed: number;
}

export type Wso2Request =
  | { op: 'calls'; emulator: Wso2Emulator }
  | { op: 'reset' }
  | { op: 'violations' }
  | { op: 'deploy'; label: string; prefix: string; count: number }
  | { op: 'changes'; changes: ControlPlaneChange[] }
  | { op: 'setDown'; down: boolean }
  | { op: 'connections' }
  | { op: 'progress'; label: string; prefix: string }
  | { op: 'unmet'; expected: Wso2Expectation[] }
  | { op: 'acks'; of: 'platform' | 'apim' }
  | { op: 'apimApis'; prefix: string };

export interface Wso2ServicesReady {
  kubeconfig: string;
  /** The gateway controllers' addresses (`apim-sync.io/management-url`). */
  gateways: Record<'apply' | 'topDown' | 'bottomUp', string>;
  platform: ControlPlaneAccess;
  apim: ControlPlaneAccess & { clientId: string; clientSecret: string };
}

export type Call = { method: string; path: string; status: number };

/** The WSO2 services process (bench/wso2-services-process.ts) seen from the bench: its addresses and its requests. */
export interface Wso2Services extends Wso2ServicesReady {
  calls(emulator: Wso2Emulator): Promise<Call[]>;
  /** Clears every emulator's call log. */
  resetCalls(): Promise<void>;
  violations(): Promise<Record<Wso2Emulator, number>>;
  /** `count` RestApis `${prefix}0…` deployed on the Platform API to the top-down gateway, remembered under `label`. */
  deploy(label: string, prefix: string, count: number): Promise<DeployResult[]>;
  changes(changes: ControlPlaneChange[]): Promise<(DeployResult | null)[]>;
  setDown(down: boolean): Promise<void>;
  connections(): Promise<number>;
  /** Of the deployments under `label`: how many the gateway runs, and how many the control plane has as DEPLOYED. */
  progress(label: string, prefix: string): Promise<{ onGateway: number; acked: number }>;
  unmet(expected: Wso2Expectation[]): Promise<number>;
  /** What the Platform API's control plane (top-down), or APIM's (bottom-up echoes), recorded of the acks it got. */
  acks(of?: 'platform' | 'apim'): Promise<AckSummary>;
  apimApis(prefix: string): Promise<{ name: string; deployments: string[] }[]>;
  stop(): Promise<void>;
}

export async function startWso2Services(latencyMs: number, historyLimit = 50_000): Promise<Wso2Services> {
  const child: ChildProcess = fork(new URL('./wso2-services-process.ts', import.meta.url).pathname, [String(latencyMs), String(historyLimit)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const ready = await new Promise<Wso2ServicesReady>((resolve, reject) => {
    child.on('message', (m: { ready?: Wso2ServicesReady; id?: number; value?: unknown; error?: string }) => {
      if (m.ready) return resolve(m.ready);
      const p = pending.get(m.id ?? -1);
      if (!p) return;
      pending.delete(m.id!);
      if (m.error !== undefined) p.reject(new Error(`WSO2 services: ${m.error}`));
      else p.resolve(m.value);
    });
    child.once('exit', (code) => reject(new Error(`WSO2 services exited with ${code}`)));
  });
  const ask = <T>(req: Wso2Request) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, req });
    });
  return {
    ...ready,
    calls: (emulator) => ask({ op: 'calls', emulator }),
    resetCalls: () => ask({ op: 'reset' }),
    violations: () => ask({ op: 'violations' }),
    deploy: (label, prefix, count) => ask({ op: 'deploy', label, prefix, count }),
    changes: (changes) => ask({ op: 'changes', changes }),
    setDown: (down) => ask({ op: 'setDown', down }),
    connections: () => ask({ op: 'connections' }),
    progress: (label, prefix) => ask({ op: 'progress', label, prefix }),
    unmet: (expected) => ask({ op: 'unmet', expected }),
    acks: (of = 'platform') => ask({ op: 'acks', of }),
    apimApis: (prefix) => ask({ op: 'apimApis', prefix }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
