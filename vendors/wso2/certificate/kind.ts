import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { managedKind } from '../managed-kind.ts';
import { CertificateType } from '../resource-types.ts';
import { certificateClient } from './client.ts';
import { CertificateSpec } from './schema.ts';

/** Certificate → the gateway's `/certificates` (upload and delete only), the gateway's UUID kept in `status.id`. */
export const certificateKind: KindDefinition<CertificateSpec> = managedKind(CertificateType, CertificateSpec, ({ object, spec }, gateway, known, ctx) => certificateClient(gateway, object, spec, known, ctx));
