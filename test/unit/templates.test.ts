import { describe, expect, it } from 'vitest';
import { renderTemplates, templateReferences } from '../../shared/engine/templates.ts';
import { SyncError } from '../../shared/engine/errors.ts';

const data: Record<string, Record<string, string>> = { 'Secret/creds': { token: 's3cr3t' }, 'ConfigMap/conf': { host: 'backend.local' } };
const read = async (r: { kind: string; name: string }) => data[`${r.kind}/${r.name}`];

describe('templates', () => {
  it('renders secret and configmap templates, with double quotes or backticks, anywhere in the spec', async () => {
    const spec = { a: 'Bearer [[ secret "creds/token" ]]', list: [{ b: 'https://[[configmap `conf/host`]]/x' }], n: 3 };
    const { spec: out, sources } = await renderTemplates(spec, 'ns', read);
    expect(out).toEqual({ a: 'Bearer s3cr3t', list: [{ b: 'https://backend.local/x' }], n: 3 });
    expect(sources.map((s) => `${s.kind}/${s.namespace}/${s.name}`).sort()).toEqual(['ConfigMap/ns/conf', 'Secret/ns/creds']);
  });

  it('treats a missing object as a reference error and a missing key as permanent, naming the field', async () => {
    const missingObject = await renderTemplates({ x: '[[ secret "gone/k" ]]' }, 'ns', read).catch((e) => e);
    expect(missingObject).toBeInstanceOf(SyncError);
    expect(missingObject.retry).toBe('reference');
    expect(missingObject.message).toContain('spec.x');
    const missingKey = await renderTemplates({ y: [{ z: '[[ secret "creds/nope" ]]' }] }, 'ns', read).catch((e) => e);
    expect(missingKey.retry).toBe('permanent');
    expect(missingKey.reason).toBe('CompileTemplateError');
    expect(missingKey.message).toContain('spec.y[0].z');
    expect(missingKey.message).not.toContain('s3cr3t');
  });

  it('lists the objects a spec reads, ignoring malformed templates', () => {
    const refs = templateReferences({ a: '[[ secret "creds/token" ]] [[ configmap "conf/host" ]] [[ secret "" ]]' }, 'ns');
    expect(refs.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['ConfigMap/conf', 'Secret/creds']);
  });
});
