import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { managedReferences } from '../references.ts';
import { CertificateType } from '../resource-types.ts';
import { certificateClient } from './client.ts';
import { CertificateSpec } from './schema.ts';

/** Certificate → the gateway's `/certificates` (upload and delete only), the gateway's UUID kept in `status.id`. */
export const certificateKind: KindDefinition<CertificateSpec> = {
  ...CertificateType,
  references: managedReferences,
  schema: CertificateSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    return boundClient(desired, ctx, (gateway, known) => certificateClient(gateway, desired.object, desired.spec, known, ctx));
  },
};
