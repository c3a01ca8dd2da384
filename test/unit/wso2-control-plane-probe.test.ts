import { describe, expect, it } from 'vitest';
import { permanent, SyncError, transient } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { VendorRequest, VendorResponse } from '../../shared/vendor-http/vendor-http.ts';
import { forgetDiscoveries } from '../../vendors/wso2/control-plane/discovery.ts';
import { probeControlPlane } from '../../vendors/wso2/control-plane/probe.ts';
import { gatewayConfig } from '../../vendors/wso2/gateway/config.ts';

const gateway: KubeObject = {
  apiVersion: 'gateway.api-platform.wso2.com/v1',
  kind: 'APIGateway',
  metadata: { name: 'gw', namespace: 'ns' },
  spec: { controlPlane: { host: 'cp.example:9443', tokenSecretRef: { name: 'tok', key: 'token' } } },
};
const cp = gatewayConfig(gateway).controlPlane!;

/** A context whose vendor calls answer as `answer` says; the token Secret exists. */
function ctx(answer: (req: VendorRequest) => VendorResponse | Error): { ctx: SyncContext; calls: VendorRequest[] } {
  const calls: VendorRequest[] = [];
  const c = {
    http: {
      async request(req: VendorRequest) {
        calls.push(req);
        const a = answer(req);
        if (a instanceof Error) throw a;
        return a;
      },
    },
    readData: async () => ({ token: 'registration-token' }),
    log: { debug() {}, info() {}, warn() {}, error() {} },
  } as unknown as SyncContext;
  return { ctx: c, calls };
}
const json = (status: number, body: unknown = {}): VendorResponse => ({ status, headers: {}, body });
const wellKnown = (req: VendorRequest) => req.url.endsWith('/.well-known');

describe('control plane probe', () => {
  it('discovers APIM by its well-known answer and calls its internal API with the token', async () => {
    forgetDiscoveries();
    const { ctx: c, calls } = ctx((req) => (wellKnown(req) ? json(200, { gatewayPath: 'internal/data/v1', controlPlane: { type: 'APIM', version: '4.7.0' } }) : json(200, { deployments: [] })));
    expect(await probeControlPlane(gateway, cp, c)).toEqual({ flavour: 'apim', restBase: 'https://cp.example:9443/internal/data/v1', version: '4.7.0' });
    expect(calls[1].url).toMatch(/^https:\/\/cp\.example:9443\/internal\/data\/v1\/deployments\?since=/);
    expect(calls[1].headers?.['api-key']).toBe('registration-token');
  });

  it('falls back to the Platform API when discovery fails', async () => {
    forgetDiscoveries();
    const { ctx: c } = ctx((req) => (wellKnown(req) ? json(404) : json(200, { deployments: [] })));
    expect(await probeControlPlane(gateway, cp, c)).toEqual({ flavour: 'platform', restBase: 'https://cp.example:9443/api/internal/v1' });
  });

  it.each([
    [401, 'Unauthorized', 'permanent'],
    [403, 'Unauthorized', 'permanent'],
    [404, 'NotFound', 'permanent'],
    [503, 'Unreachable', 'transient'],
  ])('classifies %i as %s', async (status, reason, retry) => {
    forgetDiscoveries();
    const { ctx: c } = ctx((req) => (wellKnown(req) ? json(404) : json(status)));
    const err = await probeControlPlane(gateway, cp, c).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err).toMatchObject({ reason, retry });
    expect((err as Error).message).not.toContain('registration-token');
  });

  it('names TLS failures, keeps the address policy’s refusal, and retries the network', async () => {
    const failing = (code: string) => transient('Unreachable', `request failed: ${code}`, { cause: Object.assign(new Error(code), { code }) });
    for (const [err, reason, retry] of [
      [failing('SELF_SIGNED_CERT_IN_CHAIN'), 'TLSError', 'permanent'],
      [failing('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLSError', 'permanent'],
      [permanent('AddressRefused', 'address refused: 169.254.169.254 is link-local'), 'AddressRefused', 'permanent'],
      [failing('ECONNREFUSED'), 'Unreachable', 'transient'],
    ] as const) {
      forgetDiscoveries();
      const { ctx: c } = ctx((req) => (wellKnown(req) ? json(404) : err));
      const got = await probeControlPlane(gateway, cp, c).catch((e: unknown) => e);
      expect(got).toMatchObject({ reason, retry });
    }
  });
});
