import { describe, expect, it } from 'vitest';
import { SyncMessage, deduplicationId, messageGroupId } from '../../shared/queue/envelope.ts';
import { refusal } from '../../shared/vendor-http/address-policy.ts';
import { backoffSeconds } from '../../shared/engine/retry-policy.ts';

const msg: SyncMessage = { v: 1, cluster: 'c1', apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace: 'ns', name: 'api', uid: 'u1', resourceVersion: '7', reason: 'spec-changed' };

describe('queue envelope', () => {
  it('is a pointer: no spec, no data', () => {
    expect(() => SyncMessage.parse({ ...msg, spec: { secret: 'x' } })).not.toThrow();
    expect(Object.keys(SyncMessage.parse({ ...msg, spec: { secret: 'x' } }))).not.toContain('spec');
  });

  it('groups by object and deduplicates by uid, resourceVersion, reason and cause', () => {
    expect(messageGroupId(msg)).toBe('c1/ApiV4Definition.gravitee.io/ns/api');
    expect(messageGroupId({ ...msg, name: 'x'.repeat(200) })).toHaveLength(64);
    const ids = new Set([msg, { ...msg, resourceVersion: '8' }, { ...msg, reason: 'resync' as const }, { ...msg, reason: 'resync' as const, cause: '2' }].map(deduplicationId));
    expect(ids.size).toBe(4);
    expect(deduplicationId({ ...msg })).toBe(deduplicationId(msg));
  });
});

describe('address policy', () => {
  const strict = { allowLoopback: false, allowLinkLocal: false };
  it('refuses loopback, link-local and metadata addresses, including IPv4-mapped IPv6', () => {
    for (const a of ['127.0.0.1', '127.5.5.5', '::1', '169.254.169.254', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect(refusal(a, strict), a).toBeDefined();
    }
    for (const a of ['10.0.0.1', '192.168.1.1', '8.8.8.8', '2001:db8::1']) expect(refusal(a, strict), a).toBeUndefined();
  });
  it('allows loopback when configured, but still refuses metadata', () => {
    expect(refusal('127.0.0.1', { allowLoopback: true, allowLinkLocal: false })).toBeUndefined();
    expect(refusal('169.254.169.254', { allowLoopback: true, allowLinkLocal: false })).toBeDefined();
  });
});

describe('retry backoff', () => {
  const policy = { baseSeconds: 10, maxSeconds: 900, referenceAttempts: 4 };
  it('grows with each receive, stays under the cap, and honours Retry-After as a floor', () => {
    for (let n = 1; n < 12; n++) {
      const s = backoffSeconds(policy, n);
      expect(s).toBeGreaterThanOrEqual(Math.min(900, 10 * 2 ** (n - 1)) / 2);
      expect(s).toBeLessThanOrEqual(900);
    }
    expect(backoffSeconds(policy, 1, 120)).toBeGreaterThanOrEqual(120);
  });
});
