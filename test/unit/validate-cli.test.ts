import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';

describe('apim-sync validate', () => {
  it('accepts every example, the seed YAML among them', () => {
    const { checked, findings } = validatePaths([new URL('../../examples', import.meta.url).pathname]);
    expect(findings).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('names each invalid field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      `apiVersion: gravitee.io/v1alpha1
kind: ManagementContext
metadata: {name: c}
spec: {baseUrl: "ftp://x", environmentId: dev}
---
apiVersion: gravitee.io/v1alpha1
kind: ApiV4Definition
metadata: {name: a}
spec: {name: a, version: "1", type: WRONG, listeners: [], endpointGroups: [{name: g, type: http-proxy}]}
`,
    );
    const { findings } = validatePaths([dir]);
    const problems = findings.flatMap((f) => f.problems).join('\n');
    expect(problems).toContain('spec.baseUrl');
    expect(problems).toContain('spec.organizationId');
    expect(problems).toContain('spec.type');
    expect(problems).toContain('spec.listeners');
  });
});
