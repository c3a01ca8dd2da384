import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, type ScalarTag, type CollectionTag } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

type Json = Record<string, unknown>;

/** CloudFormation short-form tags (!Ref, !GetAtt, !Sub, ...) read as their long forms, as osls reads them. */
function cfnTags(): Array<ScalarTag | CollectionTag> {
  const fn = (name: string) => (name === 'Ref' ? 'Ref' : `Fn::${name}`);
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const name of ['Ref', 'GetAtt', 'Sub', 'If', 'Equals', 'Select', 'Split', 'Not', 'Join', 'ImportValue', 'And', 'Or', 'FindInMap', 'Base64', 'GetAZs']) {
    const key = fn(name);
    tags.push({
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }),
    } as ScalarTag);
    tags.push({
      tag: `!${name}`,
      collection: 'seq',
      resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }),
    } as unknown as CollectionTag);
  }
  return tags;
}

export function readServerlessYml(): Json {
  return parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { customTags: cfnTags() }) as Json;
}

/** Every document of a YAML file; a syntax error fails. */
export function readManifests(relPath: string): Json[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, relPath), 'utf8'));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) if (d.errors.length) throw new Error(`${relPath}: ${d.errors.map((e) => e.message).join('; ')}`);
  return list.map((d) => d.toJS() as Json).filter((d) => d !== null);
}

export function readYaml(relPath: string): Json {
  const [doc] = readManifests(relPath);
  return doc;
}

/** Plain-object path access for tests: get(obj, 'a', 0, 'b'). */
export function get(obj: unknown, ...path: Array<string | number>): any {
  let cur: any = obj;
  for (const p of path) cur = cur?.[p];
  return cur;
}
