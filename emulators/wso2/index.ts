/**
 * WSO2 API Platform as one user meets it: a gateway's controller (its management API), and APIM 4.7 serving both
 * the gateway control plane (discovery, internal REST, WebSocket) and the Publisher on one host, as real APIM does.
 * The gateway is registered with the control plane and its environment exists in APIM; a DCR client is registered
 * for bottom-up sync. Used by `apim-sync emulate wso2` and the sandbox.
 */
import { forwardingFallback, startWso2Apim, type OAuthClient, type Wso2ApimEmulator } from './apim/index.ts';
import { startControlPlaneEmulator, type ControlPlaneEmulator } from './control-plane/index.ts';
import { startWso2GatewayController, type Wso2GatewayController } from './gateway-controller/index.ts';

export interface Wso2Emulators {
  gatewayController: Wso2GatewayController;
  controlPlane: ControlPlaneEmulator;
  apim: Wso2ApimEmulator;
  /** `host:port` of APIM (and the control plane behind it): a gateway's `controlPlane.host`. */
  host: string;
  gatewayName: string;
  /** The control plane's id of the gateway (its test hooks deploy to it). */
  gatewayId: string;
  /** The gateway's registration token (`gateway-cp-token`). */
  registrationToken: string;
  /** The DCR client of bottom-up sync (the seed's Step 2). */
  client: OAuthClient;
  /** The CA APIM's and the control plane's self-signed certificates chain to. */
  caPem: string;
  close(): Promise<void>;
}

export async function startWso2Emulators(opts: { gatewayName?: string; host?: string; ports?: { gatewayController?: number; apim?: number } } = {}): Promise<Wso2Emulators> {
  const gatewayName = opts.gatewayName ?? 'prod-gateway';
  const gatewayController = await startWso2GatewayController({ host: opts.host, port: opts.ports?.gatewayController });
  const controlPlane = await startControlPlaneEmulator({ flavour: 'apim', host: opts.host });
  const apim = await startWso2Apim({ host: opts.host, port: opts.ports?.apim, environments: [{ name: gatewayName }], fallback: forwardingFallback(controlPlane.url, controlPlane.caPem), controlPlane });
  const { id: gatewayId, token: registrationToken } = controlPlane.registerGateway(gatewayName);
  const client = apim.registerClient({ clientName: 'gateway-controller', owner: 'admin', grantTypes: ['client_credentials', 'password', 'refresh_token'], saasApp: true });
  return {
    gatewayController,
    controlPlane,
    apim,
    host: new URL(apim.url).host,
    gatewayName,
    gatewayId,
    registrationToken,
    client,
    caPem: apim.caPem,
    async close() {
      await gatewayController.close();
      await apim.close();
      await controlPlane.close();
    },
  };
}
