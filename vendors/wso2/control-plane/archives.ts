import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { extract } from 'tar-stream';

/** One artifact file of a fetch-batch archive: `{deploymentId}/{prefix}-{artifactId}.yaml`. */
export interface BatchFile {
  deploymentId: string;
  /** The file name, e.g. `api-550e8400-….yaml`. */
  file: string;
  text: string;
}

/** An archive that cannot be read: the artifact(s) it should hold are malformed. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

// Bounds against a hostile or broken archive: artifacts are YAML documents of kilobytes.
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

/**
 * The artifact YAML of a single-artifact zip (`GET /apis/{id}` and its siblings): the first `.yaml`/`.yml` entry, as
 * the gateway reads it.
 */
export function yamlFromZip(zip: Uint8Array): string {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (!/\.ya?ml$/i.test(f.name)) return false;
        if (f.originalSize > MAX_FILE_BYTES) throw new ArchiveError(`${f.name} is larger than ${MAX_FILE_BYTES} bytes`);
        return true;
      },
    });
  } catch (err) {
    throw err instanceof ArchiveError ? err : new ArchiveError(`not a readable zip archive: ${(err as Error).message}`);
  }
  const name = Object.keys(files).sort()[0];
  if (name === undefined) throw new ArchiveError('the zip archive holds no YAML file');
  return new TextDecoder('utf-8', { fatal: false }).decode(files[name]);
}

/**
 * The files of a fetch-batch tar.gz, by deployment (the name of the directory holding each file). Entries that are
 * not YAML, or whose path climbs out (`..`), are skipped as the gateway skips them.
 */
export async function filesFromBatch(tarGz: Uint8Array): Promise<BatchFile[]> {
  let tar: Buffer;
  try {
    tar = gunzipSync(tarGz, { maxOutputLength: MAX_ARCHIVE_BYTES });
  } catch (err) {
    throw new ArchiveError(`not a readable tar.gz archive: ${(err as Error).message}`);
  }
  const out: BatchFile[] = [];
  const ex = extract();
  const reading = (async () => {
    for await (const entry of ex) {
      const { name, type, size } = entry.header;
      const parts = name.split('/').filter((p) => p !== '' && p !== '.');
      const usable = (type === 'file' || type === 'contiguous-file' || !type) && parts.length >= 2 && !parts.includes('..') && /\.ya?ml$/i.test(name);
      if (!usable || (size ?? 0) > MAX_FILE_BYTES) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.push({ deploymentId: parts[parts.length - 2], file: parts[parts.length - 1], text: Buffer.concat(chunks).toString('utf8') });
    }
  })();
  Readable.from([tar]).pipe(ex);
  try {
    await reading;
  } catch (err) {
    throw new ArchiveError(`not a readable tar archive: ${(err as Error).message}`);
  }
  return out;
}
