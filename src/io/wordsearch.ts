// Searching bytes for one 8-byte word at 8-byte steps (a root pointer's signature in a memory
// capture of many GiB). The search runs a small WebAssembly SIMD loop over buffers that live in
// WebAssembly memory (searchBuffer): it compares 256 bytes per turn, 16 lanes of two words, and
// keeps pace with reading the file from the page cache (measured in docs/perf.md). Any other
// buffer, or an engine without WebAssembly SIMD (node --jitless), takes the JavaScript path:
// Float64Array.prototype.indexOf over aligned words, or a byte search filtered to the steps.

/** The loop, assembled below: f(start, end, word) → the first offset p = start + 8k with
 * p + 8 ≤ end whose 8 bytes equal `word` (little-endian), or -1. Offsets are in the memory
 * imported as e.m. */
function kernel(shared: boolean): Uint8Array<ArrayBuffer> {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      const b = n & 0x7f;
      n >>>= 7;
      out.push(n ? b | 0x80 : b);
    } while (n);
    return out;
  };
  const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  // opcodes (WebAssembly core 2.0, §5.4), SIMD ones behind the 0xfd prefix
  const [block, loop, end, br, brIf, ret, ifEmpty] = [[0x02, 0x40], [0x03, 0x40], [0x0b], [0x0c], [0x0d], [0x0f], [0x04, 0x40]];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  /** i32.const n, n in signed LEB128 */
  const i32 = (n: number): number[] => {
    const out = [0x41];
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
      out.push(b | 0x80);
    }
  };
  const [add, gtU, i64Eq] = [[0x6a], [0x4b], [0x51]];
  const i64Load = [0x29, 3, 0]; // align 8, offset 0
  const v128Load = (offset: number) => [0xfd, 0x00, 3, ...uleb(offset)]; // align hint 8: unaligned loads are allowed
  const [splat, v64Eq, vOr, anyTrue] = [
    [0xfd, 0x12],
    [0xfd, 0xd6, 0x01],
    [0xfd, 0x50],
    [0xfd, 0x53],
  ];
  const [P, E, W, V] = [0, 1, 2, 3]; // params start, end, word; local v128 (the word in both lanes)
  const LANES = 16;
  const TURN = 16 * LANES;
  const plus = (n: number) => [...get(P), ...i32(n), ...add];
  const compares = Array.from({ length: LANES }, (_, k) => [...get(P), ...v128Load(16 * k), ...get(V), ...v64Eq, ...(k ? vOr : [])]).flat();
  /** A loop over `step`-byte blocks from P: leaves (to after it) when P + step passes E, else runs
   * `test` on the block at P and moves P on. */
  const steps = (step: number, test: number[]) => [
    ...block,
    ...loop,
    ...plus(step),
    ...get(E),
    ...gtU,
    ...brIf,
    1,
    ...test,
    ...plus(step),
    ...set(P),
    ...br,
    0,
    ...end,
    ...end,
  ];
  const body = [
    ...[1, 1, 0x7b], // one local of type v128
    ...get(W),
    ...splat,
    ...set(V),
    // whole turns, leaving the loop early when a turn holds the word somewhere
    ...steps(TURN, [...compares, ...anyTrue, ...brIf, 1]),
    // one word at a time: the turn that holds it, or the last words before the end
    ...steps(8, [...get(P), ...i64Load, ...get(W), ...i64Eq, ...ifEmpty, ...get(P), ...ret, ...end]),
    ...i32(-1),
    ...end,
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7e, 1, 0x7f]), // type: (i32, i32, i64) → i32
    // import memory e.m: at least one page; shared ones declare the largest maximum there is
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, ...(shared ? [0x03, 0x01, ...uleb(65536)] : [0x00, 0x01])]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('f'), 0x00, 0]), // export function 0 as f
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

type Kernel = (start: number, end: number, word: bigint) => number;

/** The compiled loop for plain and for shared memory; null where this engine has no WebAssembly SIMD. */
const compiled = new Map<boolean, WebAssembly.Module | null>();
function kernelModule(shared: boolean): WebAssembly.Module | null {
  let m = compiled.get(shared);
  if (m === undefined) {
    try {
      const bytes = kernel(shared);
      m = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      m = null;
    }
    compiled.set(shared, m);
  }
  return m;
}

/** The loop bound to each WebAssembly memory that searchBuffer made. */
const kernels = new WeakMap<ArrayBufferLike, Kernel>();
const PAGE = 65536;
/** One plain buffer kept between uses (a fleet of captures read one after another reuses it, rather
 * than reserving a fresh WebAssembly memory each time). */
let idle: Uint8Array | undefined;

/**
 * A buffer of `size` bytes that findWord searches at full speed (WebAssembly memory; plain memory
 * where this engine has no WebAssembly SIMD). Hand a plain one back through `release` when done: it
 * may then serve the next caller. A shared one (a SharedArrayBuffer another thread fills; undefined
 * where WebAssembly SIMD or shared memory is missing) is never reused: a thread may still be
 * writing into it.
 */
export function searchBuffer(size: number): { bytes: Uint8Array; release(): void };
export function searchBuffer(size: number, shared: true): { bytes: Uint8Array; release(): void } | undefined;
export function searchBuffer(size: number, shared = false): { bytes: Uint8Array; release(): void } | undefined {
  if (!shared && idle && idle.buffer.byteLength >= size) {
    const bytes = new Uint8Array(idle.buffer, 0, size);
    idle = undefined;
    return { bytes, release: () => keep(bytes) };
  }
  const m = kernelModule(shared);
  if (!m) return shared ? undefined : { bytes: new Uint8Array(size), release() {} };
  const pages = Math.max(1, Math.ceil(size / PAGE));
  const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared } : { initial: pages });
  const { f } = new WebAssembly.Instance(m, { e: { m: memory } }).exports as { f: Kernel };
  kernels.set(memory.buffer, f);
  const bytes = new Uint8Array(memory.buffer, 0, size);
  return { bytes, release: () => shared || keep(bytes) };
}

const keep = (bytes: Uint8Array) => {
  if (!idle || idle.buffer.byteLength < bytes.buffer.byteLength) idle = bytes;
};

/** The first offset i ≥ from that is a multiple of 8 (counted from the start of `hay`) where the
 * 8 bytes of `word` sit, or -1. */
export function findWord(hay: Uint8Array, word: Uint8Array, from = 0): number {
  const start = Math.ceil(Math.max(0, from) / 8) * 8;
  if (start + 8 > hay.length) return -1;
  const run = kernels.get(hay.buffer);
  if (run) {
    const at = run(hay.byteOffset + start, hay.byteOffset + hay.length, asI64(word));
    return at < 0 ? -1 : at - hay.byteOffset;
  }
  const asDouble = new Float64Array(Uint8Array.from(word.subarray(0, 8)).buffer)[0];
  // equality of doubles is equality of bits except for NaN (never equal) and ±0 (equal to each other)
  if (hay.byteOffset % 8 === 0 && asDouble === asDouble && asDouble !== 0) {
    const i = new Float64Array(hay.buffer, hay.byteOffset, hay.length >> 3).indexOf(asDouble, start / 8);
    return i < 0 ? -1 : i * 8;
  }
  const buf = Buffer.from(hay.buffer, hay.byteOffset, hay.length);
  const needle = word.subarray(0, 8);
  for (let at = buf.indexOf(needle, start); at >= 0; at = buf.indexOf(needle, at + 1)) if (at % 8 === 0) return at;
  return -1;
}

/** The word as the loop's i64 parameter (little-endian, signed). */
const asI64 = (b: Uint8Array): bigint => Buffer.from(b.buffer, b.byteOffset, 8).readBigInt64LE(0);

/** Whether searchBuffer hands out WebAssembly memory here (false under node --jitless, say). */
export const fastWordSearch = (): boolean => kernelModule(false) !== null;
