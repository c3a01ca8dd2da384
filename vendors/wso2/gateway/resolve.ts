import { createHash } from 'node:crypto';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { ManagementApi } from '../management-api.ts';
import { gatewayConfig, type GatewayConfig } from './config.ts';
import { managementCredentials } from './credentials.ts';
import { managementEndpoint } from './management-endpoint.ts';
import { gatewayKey } from './selection.ts';
import { gatewayValues } from './values.ts';

/** An APIGateway ready to be used: its configuration and a client of its gateway's management API. */
export interface ResolvedGateway {
  object: KubeObject;
  /** `<namespace>/<name>`. */
  key: string;
  config: GatewayConfig;
  management: ManagementApi;
  /** SHA-256 of the `values.yaml` it was configured with (the operator's `status.configHash`); undefined without one. */
  configHash?: string;
}

/**
 * Reads an APIGateway's configuration (its values block), its management credentials and how to reach its management
 * API. Throws the classified errors of each step (an invalid configuration names the field).
 */
export async function resolveGateway(gateway: KubeObject, ctx: SyncContext): Promise<ResolvedGateway> {
  const values = await gatewayValues(gateway, ctx);
  const config = gatewayConfig(gateway, values);
  const credentials = await managementCredentials(gateway, config.management, ctx);
  const endpoint = await managementEndpoint(gateway, config, credentials, ctx);
  return {
    object: gateway,
    key: gatewayKey(gateway),
    config,
    management: new ManagementApi(endpoint),
    ...(values !== undefined ? { configHash: createHash('sha256').update(values).digest('hex') } : {}),
  };
}
