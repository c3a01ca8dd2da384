import type { ExternalStatus } from '../../../shared/engine/kind.ts';
import { baseStatus } from '../automation-client.ts';

/**
 * The status of a Portal, listing, link or page as GKO writes it: APIM's ids and errors. Their CRDs (and APIM's
 * states) have no processingStatus.
 */
export function portalObjectStatus(state: Record<string, unknown>): ExternalStatus {
  const { processingStatus: _p, ...status } = baseStatus(state);
  return status;
}
