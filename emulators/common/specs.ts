/**
 * Where an emulator reads its vendor's published specs: the folder given (option `specsDir`), else
 * APIM_SYNC_SPECS_DIR, else this repository's copies in `emulators/specs/`; in that folder itself or in the vendor's
 * subfolder of it, by its full path or its last part (`wso2/apim`: `wso2/apim/` or `apim/`), so that the copies'
 * folder, the reference material's (`../shared/specs`) and a vendor folder alone all work.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding every one of `files`; throws naming where it looked. */
export function vendorSpecsDir(specsDir: string | undefined, vendorFolder: string, files: string[], vendorName: string): string {
  const dir = specsDir ?? process.env.APIM_SYNC_SPECS_DIR ?? fileURLToPath(new URL('../specs/', import.meta.url));
  const parts = vendorFolder.split('/');
  const candidates = ['', ...parts.map((_, i) => join(...parts.slice(i))).reverse()];
  for (const sub of candidates) {
    if (files.every((f) => existsSync(join(dir, sub, f)))) return join(dir, sub);
  }
  const where = candidates.slice(1).map((c) => `${c}/`);
  throw new Error(`${vendorName} specs not found in ${dir} (expected ${files.join(' and ')} there or in ${where.join(' or ')})`);
}
