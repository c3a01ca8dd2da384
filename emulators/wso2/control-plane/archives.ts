/**
 * The archives the internal API answers with (platform-api `utils/common.go`): a zip holding one
 * `{prefix}-{artifactId}.yaml` for `GET /apis/{id}` and its siblings, and for `POST /deployments/fetch-batch` a
 * gzipped tar of `{deploymentId}/{prefix}-{artifactId}.yaml` entries.
 */
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import { zipSync } from 'fflate';
import { pack } from 'tar-stream';
import { KIND_NAMES } from './artifact-kinds.ts';
import type { Deployment } from './deployments.ts';

const artifactFileName = (d: Pick<Deployment, 'kind' | 'artifactId'>): string => `${KIND_NAMES[d.kind].filePrefix}-${d.artifactId}.yaml`;

export function artifactZip(d: Deployment): Buffer {
  return Buffer.from(zipSync({ [artifactFileName(d)]: Buffer.from(d.content, 'utf8') }));
}

export async function batchTarGz(deployments: Deployment[]): Promise<Buffer> {
  const tar = pack();
  const gzipped = buffer(tar.pipe(createGzip()));
  const mtime = new Date();
  for (const d of deployments) {
    const content = Buffer.from(d.content, 'utf8');
    await new Promise<void>((resolve, reject) =>
      tar.entry({ name: `${d.id}/${artifactFileName(d)}`, mode: 0o644, size: content.length, mtime }, content, (e) => (e ? reject(e) : resolve())),
    );
  }
  tar.finalize();
  return gzipped;
}
