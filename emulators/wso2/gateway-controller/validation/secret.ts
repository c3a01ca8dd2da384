/** The secret validator (`pkg/config/secret_validator.go`). */
import type { FieldError } from '../errors.ts';
import { validateMetadata } from './common.ts';
import { obj, optionalText, text } from './fields.ts';

const MAX_SECRET_BYTES = 10 * 1024;

export function validateSecret(resource: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  if (resource.kind !== 'Secret') errors.push({ field: 'kind', message: "Unsupported configuration kind (only 'Secret' is supported)" });
  errors.push(...validateMetadata(resource.metadata));
  const spec = obj(resource.spec) ?? {};
  const displayName = text(spec.displayName);
  if (displayName === '') errors.push({ field: 'spec.displayName', message: 'Secret displayName is required' });
  else if (displayName.length > 253) errors.push({ field: 'spec.displayName', message: 'Secret displayName must be 1-253 characters' });
  else if (!/^[a-zA-Z0-9\-_. ]+$/.test(displayName)) {
    errors.push({ field: 'spec.displayName', message: 'Secret displayName must be URL-friendly (only letters, numbers, spaces, hyphens, underscores, and dots allowed)' });
  }
  const description = optionalText(spec.description);
  if (description !== undefined && description.length > 1024) errors.push({ field: 'spec.description', message: 'Secret description must be at most 1024 characters' });
  const value = text(spec.value);
  if (value === '') errors.push({ field: 'spec.value', message: 'Secret value is required' });
  else if (Buffer.byteLength(value) > MAX_SECRET_BYTES) errors.push({ field: 'spec.value', message: 'Secret value must be less than 10KB' });
  return errors;
}
