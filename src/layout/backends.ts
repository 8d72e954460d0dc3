// Decoders and encoders generated from a Layout, cached per (layout, number of present fields).
// Decoding is compiled by binary-parser; encoding goes through restructure with our own types for
// what restructure lacks or gets lossy (u64 as bigint, raw bytes kept verbatim, latin1 text).
import { Parser } from 'binary-parser';
import * as r from 'restructure';
import type { Field, Fields, Layout } from './schema.js';
import { Refusal } from './diagnostics.js';

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/** A formatter a generated parser calls for a field binary-parser has no type for (u24, u48) or
 * whose value we keep otherwise (bytes copied out, latin1 text). A fresh function per field: the
 * generated code names them imports[0], imports[1], … in the order the fields come, depth first. */
type Formatter = (b: unknown) => unknown;
const FORMATTERS: Partial<Record<Field['kind'], (size: number) => Formatter>> = {
  u24: (size) => (b) => Buffer.from(b as Uint8Array).readUIntLE(0, size),
  u48: (size) => (b) => Buffer.from(b as Uint8Array).readUIntLE(0, size),
  bytes: () => (b) => new Uint8Array(b as Uint8Array),
  ascii: () => (b) => latin1(b as Uint8Array),
};

/** The formatters of a layout's first k fields, in the order its generated code calls them. */
function formattersOf(l: Layout, k: number, out: Formatter[] = []): Formatter[] {
  for (let i = 0; i < k; i++) {
    const f = l.fields[i];
    if (f.kind === 'struct') formattersOf(f.struct!, f.struct!.fields.length, out);
    else {
      const make = FORMATTERS[f.kind];
      if (make) out.push(make(f.size));
    }
  }
  return out;
}

/** binary-parser's description of a layout's first k fields, each formatter taken in turn from `fmt`. */
function parserFor(l: Layout, k: number, fmt: Iterator<Formatter>): Parser {
  let p = new Parser().endianness('little').useContextVars(false);
  for (let i = 0; i < k; i++) {
    const f = l.fields[i];
    switch (f.kind) {
      case 'u8':
        p = p.uint8(f.name);
        break;
      case 'u16':
        p = p.uint16le(f.name);
        break;
      case 'u32':
        p = p.uint32le(f.name);
        break;
      case 'u32be':
        p = p.uint32be(f.name);
        break;
      case 'u64':
        p = p.uint64le(f.name);
        break;
      case 'u24':
      case 'u48':
      case 'bytes':
      case 'ascii':
        p = p.buffer(f.name, { length: f.size, formatter: fmt.next().value as Formatter });
        break;
      case 'struct':
        p = p.nest(f.name, { type: parserFor(f.struct!, f.struct!.fields.length, fmt) });
        break;
    }
  }
  return p;
}

/**
 * binary-parser 2.x gives every top-level result $parent/$root properties and deletes them before
 * returning, which leaves each decoded object in V8's slow dictionary mode: the 1024-GICC MADT
 * decodes at ~265 MB/s with them and ~395 MB/s without (2026-12-03). We use no context variables,
 * so those four lines of its generated code (getCode(), its public output) are left out; a version
 * that words them otherwise fails here rather than silently slowing down.
 */
const CONTEXT_LINES = ['vars.$parent = null;', 'vars.$root = vars;', 'delete vars.$parent;', 'delete vars.$root;'];

/** The source of the function body that decodes a layout's first k fields (with `array`, a buffer
 * of back-to-back such records into `items`), from binary-parser's generated code. */
export function parserSource(l: Layout, k: number, array: boolean): string {
  const one = parserFor(l, k, formattersOf(l, k)[Symbol.iterator]());
  const p = array ? new Parser().endianness('little').useContextVars(false).array('items', { type: one, readUntil: 'eof' }) : one;
  let code = p.getCode();
  for (const line of CONTEXT_LINES) {
    if (!code.includes(line)) throw new Error(`binary-parser's generated code lacks "${line}": review parserSource for this version`);
    code = code.replace(line, '');
  }
  return code;
}

/** The decoding function for a layout's first k fields: binary-parser's code, compiled once. */
function compiled(l: Layout, k: number, array: boolean): (buf: Uint8Array) => unknown {
  const make = new Function('imports', 'TextDecoder', `return function (buffer) { ${parserSource(l, k, array)} };`);
  return make(formattersOf(l, k), TextDecoder) as (buf: Uint8Array) => unknown;
}

/** u64 as bigint, little-endian. */
export const U64: r.Type = {
  size: () => 8,
  decode: (s) => {
    const v = s.view.getBigUint64(s.pos, true);
    s.pos += 8;
    return v;
  },
  encode: (s, v) => {
    s.view.setBigUint64(s.pos, BigInt((v as bigint | number | undefined) ?? 0n), true);
    s.pos += 8;
  },
};

/** u48 as a number (below 2^53), little-endian. */
const U48: r.Type = {
  size: () => 6,
  decode: (s) => {
    const v = Buffer.from(s.buffer).readUIntLE(s.pos, 6);
    s.pos += 6;
    return v;
  },
  encode: (s, v) => {
    Buffer.from(s.buffer.buffer, s.buffer.byteOffset, s.buffer.length).writeUIntLE(Number(v ?? 0), s.pos, 6);
    s.pos += 6;
  },
};

/** Exactly `n` bytes written as given: reserved bytes are never zeroed behind the caller's back.
 * (Only an encoder's encode() reaches it, after checkValues refused any value but n bytes.) */
function rawBytes(n: number): r.Type {
  return {
    size: () => n,
    decode: (s) => s.readBuffer(n),
    encode: (s, v) => s.writeBuffer((v as Uint8Array | undefined) ?? new Uint8Array(n)),
  };
}

/** Fixed-width latin1 text, NUL-padded when shorter. (Only an encoder's encode() reaches it, after
 * checkValues refused text longer than n or outside latin1.) */
function latin1Text(n: number): r.Type {
  return {
    size: () => n,
    decode: (s) => latin1(s.readBuffer(n)),
    encode: (s, v) => {
      const str = (v as string | undefined) ?? '';
      const out = new Uint8Array(n);
      for (let i = 0; i < str.length; i++) out[i] = str.charCodeAt(i) & 0xff;
      s.writeBuffer(out);
    },
  };
}

function structFor(l: Layout, k: number): r.Struct {
  const spec: Record<string, r.Type> = {};
  for (let i = 0; i < k; i++) {
    const f = l.fields[i];
    switch (f.kind) {
      case 'u8':
        spec[f.name] = r.uint8;
        break;
      case 'u16':
        spec[f.name] = r.uint16le;
        break;
      case 'u32':
        spec[f.name] = r.uint32le;
        break;
      case 'u32be':
        spec[f.name] = r.uint32be;
        break;
      case 'u64':
        spec[f.name] = U64;
        break;
      case 'u24':
        spec[f.name] = r.uint24le;
        break;
      case 'u48':
        spec[f.name] = U48;
        break;
      case 'bytes':
        spec[f.name] = rawBytes(f.size);
        break;
      case 'ascii':
        spec[f.name] = latin1Text(f.size);
        break;
      case 'struct':
        spec[f.name] = encoderFor(f.struct!, f.struct!.fields.length).struct;
        break;
    }
  }
  return new r.Struct(spec);
}

export interface Decoder {
  decode(buf: Uint8Array): Fields;
}
export interface ArrayDecoder {
  /** decode buf as back-to-back records of the layout's first k fields (buf.length a multiple of their size) */
  decode(buf: Uint8Array): Fields[];
}
export interface Encoder {
  struct: r.Struct;
  size: number;
  /** `where` names the container in a refusal (its label) */
  encode(values: Fields, where?: string): Uint8Array;
}

/** A builder memoised per (layout, number of present fields): each backend is generated once. */
function perLayout<T>(make: (l: Layout, k: number) => T): (l: Layout, k: number) => T {
  const cache = new WeakMap<Layout, T[]>();
  return (l, k) => {
    let byK = cache.get(l);
    if (!byK) cache.set(l, (byK = []));
    return (byK[k] ??= make(l, k));
  };
}

export const decoderFor = perLayout<Decoder>((l, k) => {
  const parse = compiled(l, k, false);
  return { decode: (buf) => parse(buf) as Fields };
});

/** One binary-parser call for a run of same-layout records (1024 GICCs decode in one call). */
export const arrayDecoderFor = perLayout<ArrayDecoder>((l, k) => {
  const parse = compiled(l, k, true);
  return { decode: (buf) => (parse(buf) as { items: Fields[] }).items };
});

export const encoderFor = perLayout<Encoder>((l, k) => {
  const struct = structFor(l, k);
  const size = l.offsets[k];
  return {
    struct,
    size,
    encode: (values, where = l.name) => {
      checkValues(l, k, values, where);
      const out = new Uint8Array(size);
      struct.encode(new r.EncodeStream(out), values);
      return out;
    },
  };
});

/** A value a caller gave that its field cannot hold (a string for a number, 300 in a u8, NaN, a
 * byte array of the wrong length): the encoder would write something else, silently. */
export class EncodeError extends Refusal {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** Refuses, naming the field, any of the first k values its field cannot hold as given. */
function checkValues(l: Layout, k: number, values: Fields, where: string, prefix = ''): void {
  for (let i = 0; i < k; i++) {
    const f = l.fields[i];
    const v = values[f.name];
    if (v === undefined) continue; // zero, or derived when the rest is encoded
    const fault = valueFault(f, v);
    if (fault) throw new EncodeError(`${where}: field ${prefix}${f.name}: ${valueText(v)} ${fault}`);
    if (f.kind === 'struct') checkValues(f.struct!, f.struct!.fields.length, v as Fields, where, `${prefix}${f.name}.`);
  }
}

function valueFault(f: Field, v: unknown): string | undefined {
  switch (f.kind) {
    case 'bytes':
      return v instanceof Uint8Array ? (v.length === f.size ? undefined : `is not the field's ${f.size}`) : `is not bytes`;
    case 'ascii':
      return typeof v !== 'string' ? 'is not text' : v.length > f.size || /[^\x00-\xff]/.test(v) ? `is not ${f.size} latin1 characters or fewer` : undefined;
    case 'struct':
      return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) ? undefined : 'is not a structure';
    default: {
      const bits = BigInt(f.kind === 'u32be' ? 32 : f.size * 8);
      const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
      return n === undefined || n < 0n || n >> bits !== 0n ? `is not an unsigned ${bits}-bit integer` : undefined;
    }
  }
}

const valueText = (v: unknown) =>
  typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `${v.length} bytes` : typeof v === 'string' ? JSON.stringify(v) : String(v);
