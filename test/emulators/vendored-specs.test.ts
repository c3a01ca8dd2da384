import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { vendorSpecsDir } from '../../emulators/common/specs.ts';

// The emulators validate against copies of the vendors' published specs; the CRD fixtures are GKO's as published.
const copies = [
  ['emulators/specs/gravitee/', 'specs/gravitee/'],
  ['emulators/specs/threescale/', 'specs/threescale/'],
  ['emulators/specs/wso2/api-platform/', 'specs/wso2/api-platform/'],
  ['emulators/specs/wso2/apim/', 'specs/wso2/apim/'],
  ['test/fixtures/crds/', 'crds/gravitee/'],
] as const;
const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const shared = (p: string) => fileURLToPath(new URL(`../../../shared/${p}`, import.meta.url));

describe.each(copies)('%s', (copy, source) => {
  it.skipIf(!existsSync(shared(source)))(`is byte for byte the reference material's ${source}`, () => {
    const files = readdirSync(repo(copy)).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(repo(copy) + f, 'utf8'), f).toBe(readFileSync(shared(source) + f, 'utf8'));
  });
});

// WSO2's specs are copied whole: a file added to the reference material must be copied too.
describe.each(copies.filter(([copy]) => copy.includes('/wso2/')))('%s', (copy, source) => {
  it.skipIf(!existsSync(shared(source)))(`holds every file of ${source}`, () => {
    const listed = (dir: string) => readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
    expect(listed(repo(copy))).toEqual(listed(shared(source)));
  });
});

// Another specs folder (`specsDir`, APIM_SYNC_SPECS_DIR) may hold a vendor's files itself or in its subfolder.
describe('vendorSpecsDir', () => {
  const specs = repo('emulators/specs/');
  const files = ['publisher-api-v4.yaml', 'dcr.yaml'];

  it('finds the files in the folder, in the vendor folder by its full path, or by its last part', () => {
    const apim = repo('emulators/specs/wso2/apim');
    for (const dir of [specs, repo('emulators/specs/wso2/'), apim]) expect(vendorSpecsDir(dir, 'wso2/apim', files, 'WSO2 APIM'), dir).toBe(apim);
  });

  it('names where it looked when the files are not there, also when only some of them are', () => {
    expect(() => vendorSpecsDir(specs, 'wso2/apim', [...files, 'missing.yaml'], 'WSO2 APIM')).toThrow(
      `WSO2 APIM specs not found in ${specs} (expected publisher-api-v4.yaml and dcr.yaml and missing.yaml there or in apim/ or wso2/apim/)`,
    );
  });
});
