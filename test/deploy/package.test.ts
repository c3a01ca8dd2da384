// Runs the real `npm run package` code (osls + serverless-esbuild) on a copy of the tree, offline: about 5 s.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canIsolateNetwork, packageService, ZIP_TARGET_BYTES, type PackageReport } from '../../scripts/package.ts';
import { ROOT } from './support.ts';

const SKIP = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'dist', 'coverage']);

/** The files of a zip archive, inflated (stored or deflated entries, as serverless-esbuild writes them). */
function unzip(file: string): Map<string, Buffer> {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out = new Map<string, Buffer>();
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const local = buf.readUInt32LE(p + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

describe('npm run package (osls package, offline)', () => {
  let work: string;
  let report: PackageReport;
  let template: { Resources: Record<string, { Type: string; Properties: any }> };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'apim-sync-package-'));
    cpSync(ROOT, work, { recursive: true, filter: (src) => !(dirname(src) === ROOT && SKIP.has(basename(src))) });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    const handler = join(work, 'functions/sync/handler.ts');
    try {
      // Only in the copy, and only while the real handler is not there yet.
      mkdirSync(dirname(handler), { recursive: true });
      writeFileSync(handler, 'export const handler = async () => ({ batchItemFailures: [] });\n', { flag: 'wx' });
    } catch {
      // the real handler
    }
    report = await packageService({ root: work, oslsOutput: 'capture', isolateNetwork: canIsolateNetwork(), log: () => {} });
    template = JSON.parse(readFileSync(join(work, '.serverless/cloudformation-template-update-stack.json'), 'utf8'));
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packages the sync function into one small zip holding the ES module bundle', () => {
    expect(report.functions.map((f) => f.name)).toEqual(['sync']);
    const [sync] = report.functions;
    expect(sync.zippedBytes).toBeLessThanOrEqual(ZIP_TARGET_BYTES);
    expect(sync.withinTarget).toBe(true);
    const files = unzip(join(work, sync.file));
    expect([...files.keys()]).toEqual(['functions/sync/handler.mjs']);
    const code = files.get('functions/sync/handler.mjs') as Buffer;
    expect(code.length).toBe(sync.unzippedBytes);
    expect(code.toString('utf8', 0, 100)).toMatch(/^import \{ createRequire \} from 'module'; const require = createRequire\(import\.meta\.url\);/);
    // The bundle loads on Node 24 as Lambda loads it: an ES module exporting `handler`.
    const extracted = join(work, 'extracted-handler.mjs');
    writeFileSync(extracted, code);
    const probe = `const m = await import(${JSON.stringify(pathToFileURL(extracted).href)}); console.log(typeof m.handler);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.stdout.trim(), run.stderr).toBe('function');
  });

  it('compiles the function, its two event source mappings and its role as declared', () => {
    const r = template.Resources;
    const fn = r.SyncLambdaFunction.Properties;
    expect(fn).toMatchObject({ Handler: 'functions/sync/handler.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(fn.Environment.Variables.ALLOW_LOOPBACK).toBe('false');
    // One mapping per queue, each with its own maximum concurrency: changes 10, resyncs 2 (AWS's minimum).
    const mappings = Object.values(r).filter((x) => x.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(2);
    const byQueue = new Map(mappings.map((m) => [m.Properties.EventSourceArn['Fn::GetAtt'][0] as string, m.Properties]));
    for (const [queue, maximumConcurrency] of [['SyncQueue', 10], ['ResyncQueue', 2]] as const) {
      const mapping = byQueue.get(queue);
      expect(mapping, queue).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        ScalingConfig: { MaximumConcurrency: maximumConcurrency },
      });
      expect(mapping?.MaximumBatchingWindowInSeconds).toBeUndefined(); // not supported on FIFO queues
      expect(r[queue].Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: 5 });
      expect(r[queue].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
    }

    // Every statement of the role: CloudWatch Logs of its own log group, the sync queues, the registry secret, the ownership table.
    const roles = Object.values(r).filter((x) => x.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    for (const policy of roles[0].Properties.Policies) {
      for (const st of policy.PolicyDocument.Statement) {
        const services = new Set((st.Action as string[]).map((a) => a.split(':')[0]));
        expect(services.size).toBe(1);
        const text = JSON.stringify(st.Resource);
        if (services.has('sqs')) expect(text.replaceAll('{"Fn::GetAtt":["SyncQueue","Arn"]}', '').replaceAll('{"Fn::GetAtt":["ResyncQueue","Arn"]}', '')).not.toMatch(/Arn|\*/);
        else if (services.has('secretsmanager')) expect(text).toContain('secret:apim-sync/dev/cluster-registry-??????');
        else if (services.has('dynamodb')) expect(text).toBe('{"Fn::GetAtt":["OwnershipTable","Arn"]}');
        else expect([...services]).toEqual(['logs']);
        expect(text).not.toBe('"*"');
      }
    }
  });

  // Without `unshare --net` (not Linux, no user namespaces) the run above still had no credentials, but had the network.
  it.skipIf(!canIsolateNetwork())('ran in a network namespace with no network', () => {
    expect(report.networkIsolated).toBe(true);
  });
});
