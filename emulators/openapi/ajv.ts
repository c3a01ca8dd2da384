/** ajv set-up shared by contracts: one JSON Schema 2020-12 validator per contract and mode. */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { Violation, ViolationLocation } from './types.ts';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ?? (formatsModule as unknown as FormatsPlugin);

/**
 * `strict`: values must have the schema's types (JSON bodies).
 * `coercing`: strings are converted to the schema's scalar types, single values to arrays (query, path and
 * header parameters, form bodies), as HTTP carries them as text.
 */
export type AjvMode = 'strict' | 'coercing';

export function createAjv(mode: AjvMode, documentId: string, document: object): Ajv2020 {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateSchema: false,
    unicodeRegExp: false,
    logger: false,
    coerceTypes: mode === 'coercing' ? 'array' : false,
  });
  addFormats(ajv);
  ajv.addSchema(document, documentId);
  return ajv;
}

export type { ValidateFunction };

export function toViolations(location: ViolationLocation, errors: ErrorObject[] | null | undefined, prefix = ''): Violation[] {
  if (!errors) return [];
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // if/then wrappers and oneOf summaries repeat what the inner errors already say
    if (e.keyword === 'if') continue;
    let pointer = prefix + e.instancePath;
    let message = e.message ?? 'is invalid';
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required') pointer += '/' + String(p.missingProperty);
    if (e.keyword === 'enum') message += `: ${JSON.stringify(p.allowedValues)}`;
    if (e.keyword === 'const') message += `: ${JSON.stringify(p.allowedValue)}`;
    if (e.keyword === 'additionalProperties') message += `: '${String(p.additionalProperty)}'`;
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: location, pointer, message });
  }
  return out;
}
