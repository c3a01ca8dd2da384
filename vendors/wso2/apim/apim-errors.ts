import { invalidSpec, permanent, transient, type SyncError } from '../../../shared/engine/errors.ts';
import { httpFailure, redactUrl, type VendorRequest, type VendorResponse } from '../../../shared/vendor-http/vendor-http.ts';

export type PublisherOperation = 'search' | 'get' | 'deployments' | 'import' | 'undeploy' | 'delete';

/** What each call is and the scopes that allow it (any one of them), from publisher-api-v4.yaml. */
const OPERATIONS: Record<PublisherOperation, { what: string; scopes: string[] }> = {
  search: { what: 'search APIs', scopes: ['apim:api_view', 'apim:api_manage', 'apim:api_import_export', 'apim:api_list_view'] },
  get: { what: 'read the API', scopes: ['apim:api_view', 'apim:api_manage', 'apim:api_import_export'] },
  deployments: { what: "list the API's deployments", scopes: ['apim:api_view', 'apim:api_create', 'apim:api_manage', 'apim:api_publish'] },
  import: { what: 'import the API', scopes: ['apim:api_import_export', 'apim:admin'] },
  undeploy: { what: 'undeploy the revision', scopes: ['apim:api_import_export', 'apim:api_create', 'apim:api_manage', 'apim:api_publish'] },
  delete: { what: 'delete the API', scopes: ['apim:api_import_export', 'apim:api_delete', 'apim:api_manage'] },
};

/** APIM's error body: `{code, message, description, error: [{code, message}]}`. */
function detailOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  const b = (body ?? {}) as { message?: unknown; description?: unknown; error?: unknown };
  const items = Array.isArray(b.error) ? b.error.map((e) => (e as { message?: unknown })?.message).filter((m): m is string => typeof m === 'string') : [];
  const parts = [b.description, b.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return [...new Set([...parts.slice(0, 1), ...items])].join('; ').slice(0, 500);
}

/**
 * A Publisher call's failure, classified: 503 is APIM being unavailable (retried); a 400 on import is APIM refusing
 * the API (the RestApi must change, the message says what APIM refused); 401/403 of a fresh token are permanent and
 * name the scope the call needs; other 4xx permanent, 5xx and 429 retried.
 */
export function apimFailure(op: PublisherOperation, req: Pick<VendorRequest, 'method' | 'url'>, res: VendorResponse, apiName?: string): SyncError {
  const { what, scopes } = OPERATIONS[op];
  const where = `APIM (${new URL(req.url).host}) ${what}${apiName ? ` "${apiName}"` : ''}`;
  const detail = detailOf(res.body);
  if (res.status === 503) return transient('ApimUnavailable', `APIM unavailable (503) when trying to ${what}${detail ? `: ${detail}` : ''}`);
  if (res.status === 401) {
    return permanent('Unauthorized', `${where}: APIM refused a freshly issued access token (401): check that the OAuth2 client belongs to this APIM and its user is active`);
  }
  if (res.status === 403) {
    return permanent('Forbidden', `${where}: the access token lacks the scope to ${what} (403): it needs one of ${scopes.join(', ')}; give the OAuth2 client's user a role that grants it`);
  }
  if (res.status === 400 && op === 'import') return invalidSpec('Invalid', `APIM refused the import of "${apiName ?? ''}" (400): ${detail || 'no detail given'}`);
  if (res.status === 404 && op === 'import') {
    return permanent(
      'NotDeployed',
      `APIM could not deploy "${apiName ?? ''}" (404): ${detail || 'not found'}; the gateway's gateway_name must be the name it is registered under in APIM`,
    );
  }
  if (res.status === 409 && op === 'delete') {
    return permanent('DeletionRefused', `APIM refused to delete API "${apiName ?? ''}" (409): ${detail || 'it is in use'}; remove what uses it in APIM (subscriptions, products)`);
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
    return permanent('ControlPlaneError', `request [${req.method}] ${redactUrl(req.url)} (${what}) failed with status ${res.status}${detail ? `: ${detail}` : ''}`);
  }
  return httpFailure(req, res, 'ControlPlaneError');
}
