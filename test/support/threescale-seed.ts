import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The user's 3scale operator document (the guide's chapter 8) renders every YAML example on one line, its indentation
 * lost. The repository keeps each example as indented YAML in `test/e2e/fixtures/threescale-seed/`, one file per
 * example in document order, so the tests run in any clone; when the document is beside the repository the copies
 * are checked against it word for word.
 */
const SEED_DOCUMENT = fileURLToPath(new URL('../../../shared/seeds/3scale-operator-capabilities.txt', import.meta.url));
const SEED_COPIES = fileURLToPath(new URL('../e2e/fixtures/threescale-seed/', import.meta.url));

/** A YAML example starts where a resource (`apiVersion:`) or an OpenAPI document (`openapi:`) starts, and runs to the end of its line. */
const EXAMPLE_START = /(?:^|[^\w])((?:apiVersion: \S+ kind:|openapi: "\d)[^\n]*)$/;

/** Every YAML example of the document, flattened as the document prints it, in document order. */
export function examplesInDocument(text = readFileSync(SEED_DOCUMENT, 'utf8')): string[] {
  return text
    .split('\n')
    .map((line) => EXAMPLE_START.exec(line)?.[1])
    .filter((e): e is string => !!e)
    .map(flatten);
}

/** `oc wait --for=condition=C ... kind/name` lines of the document: the condition each named resource is said to reach. */
export function documentedWaits(text = readFileSync(SEED_DOCUMENT, 'utf8')): Record<string, string> {
  const waits: Record<string, string> = {};
  for (const m of text.matchAll(/oc wait --for=condition=(\w+)\s+(?:--timeout=\S+\s+)?(\w+)\/([\w-]+)/g)) waits[`${m[2]}/${m[3]}`] = m[1];
  return waits;
}

/** YAML text as the document prints it: comments dropped, all whitespace one space. */
export function flatten(yaml: string): string {
  return yaml
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export const seedDocumentPresent = () => existsSync(SEED_DOCUMENT);

/** The copies' file names, in document order. */
export function seedCopyFiles(): string[] {
  return readdirSync(SEED_COPIES)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export const seedCopyPath = (file: string) => SEED_COPIES + file;
export const seedCopyText = (file: string) => readFileSync(seedCopyPath(file), 'utf8');
export const seedCopy = <T = Record<string, any>>(file: string) => parse(seedCopyText(file)) as T;

/** `oc create secret generic NAME --from-file FILE` with a copy as FILE: one key, the file's name, holding its content. */
export const seedFileSecret = (name: string, fileName: string, copy: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  stringData: { [fileName]: seedCopyText(copy).replace(/^#.*\n/gm, '') },
});
