/**
 * Request bodies in application/vnd.kubernetes.protobuf, which client-go's typed clients (kubectl create secret,
 * kubectl create namespace, ...) send for core kinds. Decodes the k8s envelope (magic "k8s\0" + runtime.Unknown)
 * and the few core/v1 messages served here into the JSON form; responses stay JSON, which those clients accept.
 * Field numbers are those of k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1 generated.proto.
 */
import { badRequest } from './status-errors.ts';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = [name: string, kind: FieldKind];
type FieldKind = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'strings' | 'stringMap' | 'bytesMap' | Schema | { repeated: Schema };
interface Schema {
  [num: number]: Field;
}

/** Optional (*int64) fields where an explicit 0 means something. */
const POINTER_INTS = new Set(['gracePeriodSeconds', 'deletionGracePeriodSeconds']);

const TIME: Schema = { 1: ['seconds', 'int'], 2: ['nanos', 'int'] };
const OWNER_REFERENCE: Schema = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', 'stringMap'],
  12: ['annotations', 'stringMap'],
  13: ['ownerReferences', { repeated: OWNER_REFERENCE }],
  14: ['finalizers', 'strings'],
};
const OBJECT_REFERENCE: Schema = {
  1: ['kind', 'string'],
  2: ['namespace', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['fieldPath', 'string'],
};

const KINDS: Record<string, Schema> = {
  Secret: { 1: ['metadata', OBJECT_META], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'stringMap'], 5: ['immutable', 'bool'] },
  ConfigMap: { 1: ['metadata', OBJECT_META], 2: ['data', 'stringMap'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  Namespace: { 1: ['metadata', OBJECT_META], 2: ['spec', { 1: ['finalizers', 'strings'] }], 3: ['status', { 1: ['phase', 'string'] }] },
  Event: {
    1: ['metadata', OBJECT_META],
    2: ['involvedObject', OBJECT_REFERENCE],
    3: ['reason', 'string'],
    4: ['message', 'string'],
    5: ['source', { 1: ['component', 'string'], 2: ['host', 'string'] }],
    6: ['firstTimestamp', 'time'],
    7: ['lastTimestamp', 'time'],
    8: ['count', 'int'],
    9: ['type', 'string'],
    12: ['action', 'string'],
    14: ['reportingComponent', 'string'],
    15: ['reportingInstance', 'string'],
  },
  DeleteOptions: { 1: ['gracePeriodSeconds', 'int'], 2: ['preconditions', { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] }], 4: ['propagationPolicy', 'string'], 5: ['dryRun', 'strings'] },
};
const UNKNOWN: Schema = { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'bytes'] };

interface WireField {
  num: number;
  wire: number;
  value: bigint | Buffer;
}

function* fields(buf: Buffer): Generator<WireField> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw badRequest('protobuf: truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const num = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { num, wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      yield { num, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
}

function mapEntry(buf: Buffer): [string, Buffer] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const f of fields(buf)) {
    if (f.num === 1) key = (f.value as Buffer).toString('utf8');
    if (f.num === 2) value = f.value as Buffer;
  }
  return [key, value];
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, any> {
  const out: Record<string, any> = {};
  for (const f of fields(buf)) {
    const spec = schema[f.num];
    if (!spec) continue;
    const [name, kind] = spec;
    const bytes = f.value as Buffer;
    switch (kind) {
      case 'string':
        // gogo-protobuf writes Go zero values; JSON (omitempty) would not carry them.
        if (bytes.length) out[name] = bytes.toString('utf8');
        break;
      case 'bytes':
        out[name] = bytes;
        break;
      case 'int': {
        const n = Number(BigInt.asIntN(64, f.value as bigint));
        if (n !== 0 || POINTER_INTS.has(name)) out[name] = n;
        break;
      }
      case 'bool':
        out[name] = (f.value as bigint) !== 0n;
        break;
      case 'time': {
        const t = decodeMessage(bytes, TIME);
        if (t.seconds === undefined && t.nanos === undefined) break;
        out[name] = new Date((t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      }
      case 'strings':
        (out[name] ??= []).push(bytes.toString('utf8'));
        break;
      case 'stringMap':
      case 'bytesMap': {
        const [k, v] = mapEntry(bytes);
        (out[name] ??= {})[k] = kind === 'stringMap' ? v.toString('utf8') : v.toString('base64');
        break;
      }
      default:
        if ('repeated' in kind) (out[name] ??= []).push(decodeMessage(bytes, kind.repeated as Schema));
        else out[name] = decodeMessage(bytes, kind as Schema);
    }
  }
  return out;
}

/** The JSON object a protobuf request body stands for. */
export function decodeProtobuf(body: Buffer): Record<string, any> {
  if (!body.subarray(0, 4).equals(MAGIC)) throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  const unknown = decodeMessage(body.subarray(4), UNKNOWN);
  const kind: string = unknown.typeMeta?.kind ?? '';
  const schema = KINDS[kind];
  if (!schema) throw badRequest(`protobuf decoding of ${kind || 'this kind'} is not supported by this test server; send JSON`);
  return { apiVersion: unknown.typeMeta?.apiVersion, kind, ...decodeMessage(unknown.raw ?? Buffer.alloc(0), schema) };
}
