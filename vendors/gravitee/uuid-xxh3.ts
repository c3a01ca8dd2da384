/**
 * GKO's `uuid.FromStrings` (internal/uuid/uuid.go): the seeds concatenated, hashed with XXH3-128 (seed 0, default
 * secret), the 16 bytes of the canonical (big-endian) hash formatted as a UUID as they are, without version bits. GKO
 * derives the ids of APIs it deploys without a ManagementContext this way (`PopulateIDs`); computing them the same way
 * keeps an API's and its plans' ids, which the gateway's analytics and subscriptions key on, across a move from GKO.
 *
 * Hand-written because no XXH3 package is installed (Node's crypto has none); checked in test/unit against vectors of
 * the reference C implementation (libxxhash 0.8.1) for every length class.
 */
export function fromStrings(...seeds: string[]): string {
  const { hi, lo } = xxh3_128(new TextEncoder().encode(seeds.join('')));
  const hex = hi.toString(16).padStart(16, '0') + lo.toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
const P32_1 = 0x9e3779b1n;
const P32_2 = 0x85ebca77n;
const P32_3 = 0xc2b2ae3dn;
const P64_1 = 0x9e3779b185ebca87n;
const P64_2 = 0xc2b2ae3d27d4eb4fn;
const P64_3 = 0x165667b19e3779f9n;
const P64_4 = 0x85ebca77c2b2ae63n;
const P64_5 = 0x27d4eb2f165667c5n;
const MX1 = 0x165667919e3779f9n;
const MX2 = 0x9fb21c651e98df25n;

/** XXH3's default 192-byte secret (kSecret). */
const SECRET = Uint8Array.from(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e'
    .match(/../g)!
    .map((b) => parseInt(b, 16)),
);

const STRIPE = 64;
const BLOCK = 1024; // 16 stripes per block with a 192-byte secret

interface U128 {
  hi: bigint;
  lo: bigint;
}

/** The 128-bit XXH3 hash of `input` with seed 0 and the default secret. */
function xxh3_128(input: Uint8Array): U128 {
  const len = input.length;
  if (len <= 16) return short(input, len);
  if (len <= 128) return upTo128(input, len);
  if (len <= 240) return upTo240(input, len);
  return long(input, len);
}

function read64(b: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}

function read32(b: Uint8Array, at: number): bigint {
  return BigInt((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0);
}

const mul = (a: bigint, b: bigint) => (a * b) & M64;
const add = (a: bigint, b: bigint) => (a + b) & M64;
const neg = (a: bigint) => (-a) & M64;
const mul128 = (a: bigint, b: bigint): U128 => {
  const p = a * b;
  return { hi: p >> 64n, lo: p & M64 };
};
const fold64 = (a: bigint, b: bigint) => {
  const { hi, lo } = mul128(a, b);
  return hi ^ lo;
};
const swap32 = (x: bigint) => ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | ((x >> 24n) & 0xffn);
const swap64 = (x: bigint) => {
  let r = 0n;
  for (let i = 0; i < 8; i++) r = (r << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
  return r;
};
const rotl32 = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M32;

function xxh64Avalanche(h: bigint): bigint {
  h ^= h >> 33n;
  h = mul(h, P64_2);
  h ^= h >> 29n;
  h = mul(h, P64_3);
  return h ^ (h >> 32n);
}

function avalanche(h: bigint): bigint {
  h ^= h >> 37n;
  h = mul(h, MX1);
  return h ^ (h >> 32n);
}

function short(input: Uint8Array, len: number): U128 {
  if (len > 8) {
    const bitflipl = read64(SECRET, 32) ^ read64(SECRET, 40);
    const bitfliph = read64(SECRET, 48) ^ read64(SECRET, 56);
    let inputHi = read64(input, len - 8);
    const m = mul128(read64(input, 0) ^ inputHi ^ bitflipl, P64_1);
    m.lo = add(m.lo, (BigInt(len - 1) << 54n) & M64);
    inputHi ^= bitfliph;
    m.hi = add(m.hi, add(inputHi, (inputHi & M32) * (P32_2 - 1n)));
    m.lo ^= swap64(m.hi);
    const h = mul128(m.lo, P64_2);
    h.hi = add(h.hi, mul(m.hi, P64_2));
    return { lo: avalanche(h.lo), hi: avalanche(h.hi) };
  }
  if (len >= 4) {
    const input64 = read32(input, 0) + (read32(input, len - 4) << 32n);
    const keyed = input64 ^ (read64(SECRET, 16) ^ read64(SECRET, 24));
    const m = mul128(keyed, add(P64_1, BigInt(len << 2)));
    m.hi = add(m.hi, (m.lo << 1n) & M64);
    m.lo ^= m.hi >> 3n;
    m.lo ^= m.lo >> 35n;
    m.lo = mul(m.lo, MX2);
    m.lo ^= m.lo >> 28n;
    return { lo: m.lo, hi: avalanche(m.hi) };
  }
  if (len > 0) {
    const c1 = BigInt(input[0]!);
    const c2 = BigInt(input[len >> 1]!);
    const c3 = BigInt(input[len - 1]!);
    const combinedl = (c1 << 16n) | (c2 << 24n) | c3 | (BigInt(len) << 8n);
    const combinedh = rotl32(swap32(combinedl), 13n);
    const bitflipl = read32(SECRET, 0) ^ read32(SECRET, 4);
    const bitfliph = read32(SECRET, 8) ^ read32(SECRET, 12);
    return { lo: xxh64Avalanche(combinedl ^ bitflipl), hi: xxh64Avalanche(combinedh ^ bitfliph) };
  }
  return { lo: xxh64Avalanche(read64(SECRET, 64) ^ read64(SECRET, 72)), hi: xxh64Avalanche(read64(SECRET, 80) ^ read64(SECRET, 88)) };
}

const mix16 = (input: Uint8Array, at: number, secretAt: number) => fold64(read64(input, at) ^ read64(SECRET, secretAt), read64(input, at + 8) ^ read64(SECRET, secretAt + 8));

/** XXH3's mix32B: two 16-byte lanes into the 128-bit accumulator. */
function mix32(acc: U128, input: Uint8Array, at1: number, at2: number, secretAt: number): void {
  acc.lo = add(acc.lo, mix16(input, at1, secretAt));
  acc.lo ^= add(read64(input, at2), read64(input, at2 + 8));
  acc.hi = add(acc.hi, mix16(input, at2, secretAt + 16));
  acc.hi ^= add(read64(input, at1), read64(input, at1 + 8));
}

function finish(acc: U128, len: number): U128 {
  const lo = add(acc.lo, acc.hi);
  const hi = add(add(mul(acc.lo, P64_1), mul(acc.hi, P64_4)), mul(BigInt(len), P64_2));
  return { lo: avalanche(lo), hi: neg(avalanche(hi)) };
}

function upTo128(input: Uint8Array, len: number): U128 {
  const acc = { lo: mul(BigInt(len), P64_1), hi: 0n };
  if (len > 32) {
    if (len > 64) {
      if (len > 96) mix32(acc, input, 48, len - 64, 96);
      mix32(acc, input, 32, len - 48, 64);
    }
    mix32(acc, input, 16, len - 32, 32);
  }
  mix32(acc, input, 0, len - 16, 0);
  return finish(acc, len);
}

function upTo240(input: Uint8Array, len: number): U128 {
  const acc = { lo: mul(BigInt(len), P64_1), hi: 0n };
  for (let i = 0; i < 4; i++) mix32(acc, input, 32 * i, 32 * i + 16, 32 * i);
  acc.lo = avalanche(acc.lo);
  acc.hi = avalanche(acc.hi);
  const rounds = Math.floor(len / 32);
  for (let i = 4; i < rounds; i++) mix32(acc, input, 32 * i, 32 * i + 16, 3 + 32 * (i - 4));
  mix32(acc, input, len - 16, len - 32, 136 - 17 - 16);
  return finish(acc, len);
}

function accumulate512(acc: bigint[], input: Uint8Array, at: number, secretAt: number): void {
  for (let i = 0; i < 8; i++) {
    const value = read64(input, at + 8 * i);
    const key = value ^ read64(SECRET, secretAt + 8 * i);
    acc[i ^ 1] = add(acc[i ^ 1]!, value);
    acc[i] = add(acc[i]!, (key & M32) * (key >> 32n));
  }
}

function scramble(acc: bigint[]): void {
  for (let i = 0; i < 8; i++) {
    let a = acc[i]!;
    a ^= a >> 47n;
    a ^= read64(SECRET, SECRET.length - STRIPE + 8 * i);
    acc[i] = mul(a, P32_1);
  }
}

function mergeAccs(acc: bigint[], secretAt: number, start: bigint): bigint {
  let result = start;
  for (let i = 0; i < 4; i++) result = add(result, fold64(acc[2 * i]! ^ read64(SECRET, secretAt + 16 * i), acc[2 * i + 1]! ^ read64(SECRET, secretAt + 16 * i + 8)));
  return avalanche(result);
}

function long(input: Uint8Array, len: number): U128 {
  const acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
  const stripesPerBlock = BLOCK / STRIPE;
  const blocks = Math.floor((len - 1) / BLOCK);
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < stripesPerBlock; s++) accumulate512(acc, input, n * BLOCK + s * STRIPE, s * 8);
    scramble(acc);
  }
  const stripes = Math.floor((len - 1 - BLOCK * blocks) / STRIPE);
  for (let s = 0; s < stripes; s++) accumulate512(acc, input, blocks * BLOCK + s * STRIPE, s * 8);
  accumulate512(acc, input, len - STRIPE, SECRET.length - STRIPE - 7);
  return {
    lo: mergeAccs(acc, 11, mul(BigInt(len), P64_1)),
    hi: mergeAccs(acc, SECRET.length - STRIPE - 11, ~mul(BigInt(len), P64_2) & M64),
  };
}
