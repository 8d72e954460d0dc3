// Physical memory as a capture holds it: a raw image (a file or a buffer whose byte 0 sits at a base
// address) or an ELF core (PT_LOAD segments at their physical addresses). Nothing is read whole:
// tables are read at their addresses with positioned reads, and the RSDP scan walks the capture in
// fixed-size chunks, so a capture of any size is read in bounded memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { hex } from '../layout/diagnostics.js';
import { createRequire } from 'node:module';
import { searchBuffer } from './wordsearch.js';

/** Where a capture's bytes come from: positioned reads of a file, or a buffer. */
export interface Source {
  /** Fill `into` from byte `offset` of the source; returns how many bytes were there. */
  read(into: Uint8Array, offset: number): number;
  readonly size: number;
  /** the file descriptor of a file source (a read-ahead thread reads through it) */
  readonly fd?: number;
  /** all the bytes, when the source owns them (a stream's, read once): read whole without a copy */
  readonly bytes?: Uint8Array;
  close(): void;
}

/** A buffer as a source; `owned` when nothing else holds it (a stream's bytes), so a reader that
 * reads it whole may keep it instead of a copy. */
export function bufferSource(b: Uint8Array, owned = false): Source {
  return {
    size: b.length,
    bytes: owned ? b : undefined,
    read(into, offset) {
      const n = Math.max(0, Math.min(into.length, b.length - offset));
      into.set(b.subarray(offset, offset + n));
      return n;
    },
    close() {},
  };
}

export function fileSource(path: string): Source {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    fd,
    read(into, offset) {
      let done = 0;
      while (done < into.length && offset + done < size) {
        const n = readSync(fd, into, done, into.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
    close: () => closeSync(fd),
  };
}

/** A run of physical memory: `size` bytes at `start`, the first `fileSize` of them at `fileOffset`
 * of the source (an ELF segment's memory size may exceed its file size: the rest reads as zero). */
export interface Segment {
  start: bigint;
  size: bigint;
  fileOffset: number;
  fileSize: number;
}

export interface Memory {
  readonly segments: readonly Segment[];
  /** "the image 0x…..0x…", "the core's PT_LOAD segments (…)": where an address must lie */
  readonly where: string;
  /** The bytes at [addr, addr + len) when one segment holds them all. */
  read(addr: bigint, len: number): Uint8Array | undefined;
  /** The bytes every segment holds in the file (its zero tail cannot hold a signature, and a
   * malformed core may declare exabytes of it), in chunks of at most `size` bytes, each followed by `overlap` bytes of the next
   * (a signature across a boundary is seen once, in the chunk where it starts); `own` is the chunk's
   * length without the overlap. Each chunk is 8-byte aligned in physical address when its segment is.
   * The buffer is reused (and is one that findWord searches at full speed): copy what you keep.
   * The chunk size and whether a thread reads ahead are chosen here by the capture's size (see
   * DIRECT_CHUNK, AHEAD_CHUNK, READ_AHEAD_FROM); `how` overrides them (tests). */
  chunks(overlap: number, how?: ChunkPlan): Iterable<{ addr: bigint; bytes: Uint8Array; own: number }>;
  close(): void;
}

export function memoryOf(source: Source, segments: Segment[], where: string): Memory {
  const sorted = [...segments].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const holding = (addr: bigint, len: number) => sorted.find((s) => addr >= s.start && addr + BigInt(len) <= s.start + s.size);
  /** Fill `into` with the segment's bytes from `at` (relative to its start); zero past its file part. */
  const fill = (s: Segment, at: number, into: Uint8Array): void => {
    const inFile = Math.max(0, Math.min(into.length, s.fileSize - at));
    const got = inFile ? source.read(into.subarray(0, inFile), s.fileOffset + at) : 0;
    into.fill(0, got); // a file shorter than its headers say, and the zero tail of a segment
  };
  return {
    segments: sorted,
    where,
    read(addr, len) {
      const s = holding(addr, len);
      if (!s) return undefined;
      const out = new Uint8Array(len);
      fill(s, Number(addr - s.start), out);
      return out;
    },
    *chunks(overlap, how = {}) {
      const total = sorted.reduce((n, seg) => n + seg.fileSize, 0);
      if (source.fd !== undefined && (how.readAhead ?? total >= READ_AHEAD_FROM)) {
        const ahead = readAhead(source.fd, sorted, how.size ?? AHEAD_CHUNK, overlap, fill);
        if (ahead) {
          yield* ahead;
          return;
        }
      }
      const size = how.size ?? DIRECT_CHUNK;
      // no larger than the largest file part: a 4 KiB image gets a 4 KiB buffer, not the whole chunk
      const buf = searchBuffer(
        Math.min(
          size + overlap,
          sorted.reduce((m, seg) => Math.max(m, seg.fileSize), 0),
        ),
      );
      try {
        for (const [seg, at, n] of planOf(sorted, size, overlap)) {
          const view = buf.bytes.subarray(0, n);
          fill(seg, at, view);
          yield { addr: seg.start + BigInt(at), bytes: view, own: Math.min(size, n) };
        }
      } finally {
        buf.release();
      }
    },
    close: () => source.close(),
  };
}

/** The chunks to read, in order: [segment, offset in it, length], over each segment's file part. */
function* planOf(segments: readonly Segment[], size: number, overlap: number): Generator<[Segment, number, number]> {
  for (const seg of segments) for (let at = 0; at < seg.fileSize; at += size) yield [seg, at, Math.min(size + overlap, seg.fileSize - at)];
}

/** How a walk over a capture's chunks reads: the chunk size, and whether a thread reads ahead. */
export interface ChunkPlan {
  size?: number;
  readAhead?: boolean;
}

// Chunk sizes and the ring, as measured on the 8 GiB sparse and 512 MiB dense images of `npm run
// bench` (AMD EPYC, 1 MiB of L2 per core; docs/perf.md):
/** Read and searched by one thread: a chunk that stays in the core's L2 cache between the read that
 * fills it and the search (1 and 4 MiB searched slower). */
const DIRECT_CHUNK = 512 << 10;
/** Captures this large are read ahead by a worker thread while the caller searches (below it, the
 * thread's start-up, some 30 ms, costs more than the overlap saves). */
const READ_AHEAD_FROM = 2 ** 30;
/** Read ahead: fewer, larger reads (each hand-over between the threads costs a wake-up; 512 KiB
 * chunks gained little over one thread, 8 MiB ones fell out of the last-level cache). */
const AHEAD_CHUNK = 4 << 20;
/** Chunks in the ring between the thread and the caller: three keep both busy (more spread the ring
 * past the cache, and RSS with it). */
const SLOTS = 3;

// The read-ahead thread fills the slots of a ring in shared WebAssembly memory (which the search
// reads at full speed) with the planned chunks, in order. control[0] counts chunks filled,
// control[1] chunks the caller is done with, control[2] asks the thread to stop, control[3] is the
// thread's state: 0 not started, 1 running, 2 failed (the caller then reads the rest itself).
/** What the read-ahead thread is given. */
interface ReaderData {
  fd: number;
  segments: [fileOffset: number, fileSize: number][];
  size: number;
  overlap: number;
  stride: number;
  slots: number;
  ring: ArrayBufferLike;
  control: ArrayBufferLike;
}

/** The read-ahead thread's code. It runs in the thread as the source of this function (compiled and
 * linted with the rest): it must use nothing but its argument and `require`. */
function readerThread(w: ReaderData): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the thread is CommonJS code evaluated from this function's text
  const { readSync } = require('node:fs') as typeof import('node:fs');
  const control = new Int32Array(w.control);
  const ring = new Uint8Array(w.ring);
  Atomics.store(control, 3, 1);
  try {
    let i = 0;
    for (const [fileOffset, fileSize] of w.segments)
      for (let at = 0; at < fileSize; at += w.size, i++) {
        for (let done; (done = Atomics.load(control, 1)) + w.slots <= i;) {
          if (Atomics.load(control, 2) !== 0) return;
          Atomics.wait(control, 1, done);
        }
        if (Atomics.load(control, 2) !== 0) return;
        const len = Math.min(w.size + w.overlap, fileSize - at);
        const view = ring.subarray((i % w.slots) * w.stride, (i % w.slots) * w.stride + len);
        let got = 0;
        while (got < len) {
          const n = readSync(w.fd, view, got, len - got, fileOffset + at + got);
          if (n === 0) break;
          got += n;
        }
        view.fill(0, got);
        Atomics.add(control, 0, 1);
        Atomics.notify(control, 0);
      }
  } catch {
    Atomics.store(control, 3, 2);
    Atomics.notify(control, 0);
  }
}
const READER = `(${readerThread.toString()})(require('node:worker_threads').workerData);`;

/** How long the caller waits for the thread to start before reading without it. */
const START_TIMEOUT_MS = 5000;

/** The chunks of every segment's file part, read by a worker thread into a shared ring ahead of the
 * caller; undefined where there is no shared memory to search. Should the thread not start or
 * fail (an unusual embedding, a read error), the caller reads the rest itself into a buffer of its
 * own: the same bytes either way, and no wait without end. */
function readAhead(
  fd: number,
  segments: readonly Segment[],
  size: number,
  overlap: number,
  direct: (seg: Segment, at: number, into: Uint8Array) => void,
): Iterable<{ addr: bigint; bytes: Uint8Array; own: number }> | undefined {
  const stride = Math.ceil((size + overlap) / 8) * 8;
  const ring = searchBuffer(SLOTS * stride, true);
  if (!ring) return undefined;
  return (function* () {
    const control = new Int32Array(new SharedArrayBuffer(4 * 4));
    let worker: { terminate(): Promise<number> } | undefined;
    try {
      // loaded here, not at start-up: node:worker_threads costs some 2 ms of every run that reads no capture
      const { Worker } = createRequire(process.execPath)('node:worker_threads') as typeof import('node:worker_threads');
      const w = new Worker(READER, {
        eval: true,
        execArgv: [], // the thread's code is CommonJS whatever flags this process runs with (--input-type=module)
        stdout: true,
        stderr: true,
        workerData: {
          fd,
          segments: segments.map((s) => [s.fileOffset, s.fileSize]),
          size,
          overlap,
          stride,
          slots: SLOTS,
          ring: ring.bytes.buffer,
          control: control.buffer,
        } satisfies ReaderData,
      });
      w.unref();
      worker = w;
    } catch {
      Atomics.store(control, 3, 2); // no thread (a resource limit, an embedding without workers): read alone
    }
    let alone: { bytes: Uint8Array; release(): void } | undefined; // the caller's own buffer, once the thread is out of the picture
    try {
      let i = 0;
      for (const [seg, at, n] of planOf(segments, size, overlap)) {
        if (!alone) {
          const started = Date.now();
          for (let filled; (filled = Atomics.load(control, 0)) <= i;) {
            const state = Atomics.load(control, 3);
            if (state === 2 || (state === 0 && Date.now() - started > START_TIMEOUT_MS)) {
              Atomics.store(control, 2, 1);
              alone = searchBuffer(size + overlap);
              break;
            }
            Atomics.wait(control, 0, filled, 200);
          }
        }
        const slot = alone?.bytes ?? ring.bytes.subarray((i % SLOTS) * stride);
        const bytes = slot.subarray(0, n);
        if (alone) direct(seg, at, bytes);
        yield { addr: seg.start + BigInt(at), bytes, own: Math.min(size, n) };
        i++;
        Atomics.store(control, 1, i);
        Atomics.notify(control, 1);
      }
    } finally {
      // stopped early (the RSDP found) or done: the thread ends at its next look at control[2]
      Atomics.store(control, 2, 1);
      Atomics.notify(control, 1);
      void worker?.terminate();
      alone?.release();
    }
  })();
}

/** A raw image: the whole source at `base`. */
export function rawImage(source: Source, base: bigint): Memory {
  const end = base + BigInt(source.size);
  return memoryOf(source, [{ start: base, size: BigInt(source.size), fileOffset: 0, fileSize: source.size }], `the image ${hex(base)}..${hex(end)}`);
}
