import { describe, expect, it } from 'vitest';
import { fromStrings } from '../../vendors/gravitee/uuid-xxh3.ts';

/**
 * XXH3-128 as GKO's uuid.FromStrings formats it (zeebo/xxh3 `HashString128(s).Bytes()`: canonical big-endian, high
 * half first). The expected values are the reference C implementation's (libxxhash 0.8.1, `XXH3_128bits`), for
 * inputs covering every length class of the algorithm: empty, 1–3, 4–8, 9–16, 17–128, 129–240, and the long path
 * (one stripe, a partial block, whole blocks, several blocks). GKO's own test only checks determinism.
 */
const PATTERN = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(100);

const VECTORS: [number, string][] = [
  [0, '99aa06d3-0147-98d8-6001-c324468d497f'],
  [1, 'a96faf70-5af1-6834-e6c6-32b61e964e1f'],
  [2, '89c65ebc-828e-ebac-a873-719c24d5735c'],
  [3, '06b05ab6-733a-6185-78af-5f94892f3950'],
  [4, '8d6b6038-3dfa-90c2-1be7-9eecd1b1353d'],
  [5, '3043c781-69f2-5c3f-97d5-a48ef320eec2'],
  [8, 'dac23237-af37-3533-42b7-02b313880f12'],
  [9, 'b43ff5bc-5ff2-e0ad-c064-6b2d7986db98'],
  [12, 'd5c1c71e-1ef3-a2b6-ca41-a0e8a26ef9e2'],
  [16, '1f58fc80-9b1b-8c4b-3e8e-153ff12f6330'],
  [17, '11078c38-a5ca-3a8d-c3ac-c9940596efab'],
  [32, '427c4217-57a8-0793-2951-4a480c01d224'],
  [33, 'ca1d90fb-f2da-6d15-f6c3-4ba556823047'],
  [64, '52b0831e-2d1b-f64e-8e0f-e04e66cb9c79'],
  [65, '76b97272-8a10-2611-19da-aa11c4772dd1'],
  [96, '640fc924-035c-6c3b-b44e-52b7e2d67249'],
  [97, 'a0e6639f-f1aa-f885-8839-567763aa194e'],
  [128, '6bea184b-9886-eade-b572-c1f93d947333'],
  [129, '062deaf0-a634-bd1b-87ba-8c08bcc6227a'],
  [160, '4acb742f-abf5-455d-2f56-6d5c253ceb5d'],
  [200, 'cff8d8f0-050d-952d-0427-5aec6de71ddd'],
  [240, '23243361-37e3-8e41-df46-e1b3c8b81485'],
  [241, '8ca957d9-0934-bbe2-2c15-fe9d5dd02598'],
  [255, '37e2b026-0e81-44b1-1e69-6d131506f01b'],
  [256, 'f841bd03-a959-a8d9-21ac-592cbb6bc8a2'],
  [300, 'ace61e33-3a86-f53b-5ae2-ab600866bdd2'],
  [1024, 'a2826910-638e-fb2c-3250-be577471081c'],
  [1025, '52959873-7413-e73b-bcc4-709199a7b4be'],
  [2048, '2e73896e-5733-a0f8-4283-08d5098bd364'],
  [2049, 'c4b11562-f618-fc11-382c-7beaa12aa064'],
  [3000, '0e936060-fbb6-ebcd-c0c8-2c7cd34e33f7'],
];

describe('GKO uuid.FromStrings (XXH3-128)', () => {
  it.each(VECTORS)('matches the reference implementation for %i bytes', (length, expected) => {
    expect(fromStrings(PATTERN.slice(0, length))).toBe(expected);
  });

  it('concatenates its seeds, as GKO does for plan ids (apiId + key) and cross ids (ns + "/" + name)', () => {
    expect(fromStrings('default-api-v4')).toBe('45d79c3d-541c-2979-dcb2-ea10b86da467');
    expect(fromStrings('ns', '/', 'name')).toBe('ed79d694-86ce-4bd2-5d93-814c97130aee');
    expect(fromStrings('e2e-ns-', 'my-api')).toBe(fromStrings('e2e-ns-my-api'));
  });

  it('hashes the UTF-8 bytes of the seeds, as Go strings are', () => {
    expect(fromStrings('héllo wörld ✓')).toBe('558ae128-2065-60ef-93de-573b106adee8');
  });
});
