/** The one finalizer apim-sync puts on every object it syncs: the vendor object is removed before the resource goes. */
export const FINALIZER = 'apim-sync.io/finalizer';
/** `orphan` keeps the vendor object when the resource is deleted. */
export const DELETION_POLICY = 'apim-sync.io/deletion-policy';
/** Set before a non-idempotent vendor create and cleared once its id is in status (crossplane's external-create-pending). */
export const CREATE_PENDING = 'apim-sync.io/external-create-pending';
/** The ownership record this resource holds (its key): a no-op resync needs no store call, a deletion none to find it. */
export const OWNER_RECORD = 'apim-sync.io/owner-record';
/** `"true"` takes over a vendor object another resource owns (or, for WSO2 APIM, one apim-sync did not import). */
export const ADOPT = 'apim-sync.io/adopt';
