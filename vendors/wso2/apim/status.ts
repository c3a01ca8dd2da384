import type { KubeObject } from '../../../shared/kube/object-ref.ts';

/**
 * `status.controlPlane` of a RestApi imported into APIM: where it is and what it was built from. No secret, no token.
 * The bottom-up client returns it as `{controlPlane: …}` for the RestApi kind to merge with the gateway's status.
 */
export interface ControlPlaneStatus {
  type: 'APIM';
  /** The control plane's `host[:port]`. */
  host: string;
  /** APIM's id of the API. */
  apiId: string;
  /** The revision deployed to the gateway's environment. */
  revisionId?: string;
  /** The APIM gateway environment (the gateway's `gateway_name`). */
  gatewayEnvironment: string;
  /** The generation whose spec the API in APIM was built from. */
  lastImportedGeneration?: number;
  /** Hash of the imported archive (also on the API as an additional property). */
  specHash: string;
}

/** What the last sync recorded for this APIM, if anything (an id recorded for another host names nothing here). */
export function recordedControlPlane(restApi: KubeObject, host: string): Partial<ControlPlaneStatus> | undefined {
  const cp = restApi.status?.controlPlane as Partial<ControlPlaneStatus> | undefined;
  if (!cp || typeof cp !== 'object' || cp.host !== host || typeof cp.apiId !== 'string') return undefined;
  return cp;
}
