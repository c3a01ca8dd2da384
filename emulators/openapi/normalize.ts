/**
 * Rewrites OpenAPI schema dialects into plain JSON Schema 2020-12 that ajv understands, in place:
 * - 3.0 `nullable: true` becomes a `'null'` type (and a `null` enum member);
 * - 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric 2020 form;
 * - a `discriminator` next to `oneOf`/`anyOf` becomes an if/then chain on the discriminator property, so
 *   that overlapping alternatives (e.g. listeners that only differ by `type`) select one schema the way
 *   OpenAPI tools do instead of failing `oneOf`'s "exactly one" rule. Other `discriminator`s are dropped.
 */

type Json = Record<string, unknown>;

/** Keys whose values are data (not schemas) and must not be rewritten. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function normalizeDocument(doc: Json, openapiVersion: string): void {
  const is30 = openapiVersion.startsWith('3.0');
  walk(doc, (node) => {
    if (is30) rewrite30(node);
    rewriteDiscriminator(node);
  });
}

function walk(node: unknown, visit: (n: Json) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!isObject(node)) return;
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYS.has(key) || key.startsWith('x-')) continue;
    walk(value, visit);
  }
}

function rewrite30(node: Json): void {
  if (node.nullable === true) {
    if (typeof node.type === 'string') node.type = [node.type, 'null'];
    else if (Array.isArray(node.type) && !node.type.includes('null')) node.type = [...node.type, 'null'];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
    if (typeof node.$ref === 'string') {
      node.anyOf = [{ $ref: node.$ref }, { type: 'null' }];
      delete node.$ref;
    }
  }
  if ('nullable' in node && typeof node.nullable === 'boolean') delete node.nullable;
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof node[flag] !== 'boolean') continue;
    if (node[flag] === true && typeof node[bound] === 'number') {
      node[flag] = node[bound];
      delete node[bound];
    } else {
      delete node[flag];
    }
  }
}

function rewriteDiscriminator(node: Json): void {
  const discriminator = node.discriminator;
  if (!isObject(discriminator)) return;
  delete node.discriminator;
  const variantsKey = Array.isArray(node.oneOf) ? 'oneOf' : Array.isArray(node.anyOf) ? 'anyOf' : undefined;
  const property = discriminator.propertyName;
  if (!variantsKey || typeof property !== 'string') return;
  const variants = node[variantsKey] as unknown[];
  const mapping = discriminatorMapping(discriminator.mapping, variants);
  if (!mapping) return; // inline alternatives without a mapping: keep plain oneOf/anyOf semantics

  delete node[variantsKey];
  const branches = Object.entries(mapping).map(([value, ref]) => ({
    if: { properties: { [property]: { const: value } }, required: [property] },
    then: { $ref: ref },
  }));
  const allOf = Array.isArray(node.allOf) ? node.allOf : [];
  node.allOf = [
    ...allOf,
    { required: [property], properties: { [property]: { enum: Object.keys(mapping) } } },
    ...branches,
  ];
}

/** Explicit mapping (schema names or refs), else implied from `$ref`s of the alternatives. */
function discriminatorMapping(explicit: unknown, variants: unknown[]): Record<string, string> | undefined {
  const mapping: Record<string, string> = {};
  if (isObject(explicit)) {
    for (const [value, target] of Object.entries(explicit)) {
      if (typeof target !== 'string') continue;
      mapping[value] = target.includes('/') || target.includes('#') ? target : `#/components/schemas/${target}`;
    }
  }
  for (const variant of variants) {
    if (!isObject(variant) || typeof variant.$ref !== 'string') return Object.keys(mapping).length ? mapping : undefined;
    const ref = variant.$ref;
    if (!Object.values(mapping).includes(ref)) mapping[ref.slice(ref.lastIndexOf('/') + 1)] = ref;
  }
  return mapping;
}
