// Physical memory as a capture holds it: a raw image (a file or a buffer whose byte 0 sits at a base
// address) or an ELF core (PT_LOAD segments at their physical addresses). Nothing is read whole:
// tables are read at their addresses with positioned reads, and the RSDP scan walks the capture in
// fixed-size chunks, so a capture of any size is read in bounded memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker, MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { hex } from '../layout/diagnostics.js';

/** Where a capture's bytes come from: positioned reads of a file, or a buffer. */
export interface Source {
  /** Fill `into` from byte `offset` of the source; returns how many bytes were there. */
  read(into: Uint8Array, offset: number): number;
  readonly size: number;
  /** the file descriptor of a file source (a read-ahead thread reads through it) */
  readonly fd?: number;
  close(): void;
}

export function bufferSource(b: Uint8Array): Source {
  return {
    size: b.length,
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
   * The buffer is reused: copy what you keep. */
  chunks(size: number, overlap: number, readAheadFrom?: number): Iterable<{ addr: bigint; bytes: Uint8Array; own: number }>;
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
    *chunks(size, overlap, readAheadFrom = READ_AHEAD_FROM) {
      const total = sorted.reduce((n, seg) => n + seg.fileSize, 0);
      if (source.fd !== undefined && total >= readAheadFrom) {
        yield* readAhead(source.fd, sorted, size, overlap, fill);
        return;
      }
      // no larger than the largest file part: a 4 KiB image gets a 4 KiB buffer, not 4 MiB
      const buf = new Uint8Array(
        Math.min(
          size + overlap,
          sorted.reduce((m, seg) => Math.max(m, seg.fileSize), 0),
        ),
      );
      for (const [seg, at, n] of planOf(sorted, size, overlap)) {
        const view = buf.subarray(0, n);
        fill(seg, at, view);
        yield { addr: seg.start + BigInt(at), bytes: view, own: Math.min(size, n) };
      }
    },
    close: () => source.close(),
  };
}

/** The chunks to read, in order: [segment, offset in it, length], over each segment's file part. */
function* planOf(segments: readonly Segment[], size: number, overlap: number): Generator<[Segment, number, number]> {
  for (const seg of segments) for (let at = 0; at < seg.fileSize; at += size) yield [seg, at, Math.min(size + overlap, seg.fileSize - at)];
}

/** Captures this large are read ahead by a worker thread while the caller searches the last chunk
 * (below it, the thread's start-up, some 30 ms, costs more than the overlap saves). */
const READ_AHEAD_FROM = 2 ** 30;

// The read-ahead thread: reads the planned chunks into buffers of its own and hands each over to
// the caller (transferred, not copied: a search of a plain ArrayBuffer runs twice as fast as of a
// shared one), which hands it back when done; three buffers circulate. control[0] counts chunks
// sent, control[1] buffers returned, control[2] asks the thread to stop, control[3] is the thread's
// state: 0 not started, 1 running, 2 failed (the caller then reads the rest itself).
const READER = `
const { workerData: w, receiveMessageOnPort } = require('node:worker_threads');
const { readSync } = require('node:fs');
const control = new Int32Array(w.control);
Atomics.store(control, 3, 1);
try {
  const free = [new ArrayBuffer(w.stride), new ArrayBuffer(w.stride), new ArrayBuffer(w.stride)];
  let returned = 0;
  const plan = function* () {
    for (const [fileOffset, fileSize] of w.segments)
      for (let at = 0; at < fileSize; at += w.size) yield [fileOffset + at, Math.min(w.stride, fileSize - at)];
  };
  for (const [offset, len] of plan()) {
    if (Atomics.load(control, 2) !== 0) break;
    while (!free.length) {
      const seen = Atomics.load(control, 1);
      if (seen > returned) {
        for (let m; (m = receiveMessageOnPort(w.back)); returned++) free.push(m.message);
      } else if (Atomics.load(control, 2) === 0) Atomics.wait(control, 1, seen);
      else break;
    }
    if (!free.length) break;
    const buf = free.pop();
    const view = new Uint8Array(buf, 0, len);
    let done = 0;
    while (done < len) {
      const n = readSync(w.fd, view, done, len - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    view.fill(0, done);
    w.out.postMessage({ buf, len }, [buf]);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  }
} catch {
  Atomics.store(control, 3, 2);
  Atomics.notify(control, 0);
}`;

/** How long the caller waits for the thread to start before reading without it. */
const START_TIMEOUT_MS = 5000;

/** The chunks of every segment's file part, read by a worker thread ahead of the caller. Should
 * the thread not start or fail (an unusual embedding, a read error), the caller reads the rest
 * itself through `direct`: the same bytes either way, and no wait without end. */
function* readAhead(
  fd: number,
  segments: readonly Segment[],
  size: number,
  overlap: number,
  direct: (seg: Segment, at: number, into: Uint8Array) => void,
): Generator<{ addr: bigint; bytes: Uint8Array; own: number }> {
  const control = new Int32Array(new SharedArrayBuffer(4 * 4));
  const out = new MessageChannel();
  const back = new MessageChannel();
  const worker = new Worker(READER, {
    eval: true,
    execArgv: [], // the thread's code is CommonJS whatever flags this process runs with (--input-type=module)
    stdout: true,
    stderr: true,
    workerData: {
      fd,
      segments: segments.map((s) => [s.fileOffset, s.fileSize]),
      size,
      stride: size + overlap,
      control: control.buffer,
      out: out.port1,
      back: back.port2,
    },
    transferList: [out.port1, back.port2],
  });
  worker.unref();
  let alone: Uint8Array | undefined; // the caller's own buffer, once the thread is out of the picture
  try {
    let i = 0;
    for (const [seg, at, n] of planOf(segments, size, overlap)) {
      if (!alone) {
        const started = Date.now();
        for (let sent; (sent = Atomics.load(control, 0)) <= i;) {
          const state = Atomics.load(control, 3);
          if (state === 2 || (state === 0 && Date.now() - started > START_TIMEOUT_MS)) {
            alone = new Uint8Array(size + overlap);
            break;
          }
          Atomics.wait(control, 0, sent, 200);
        }
      }
      if (alone) {
        const view = alone.subarray(0, n);
        direct(seg, at, view);
        yield { addr: seg.start + BigInt(at), bytes: view, own: Math.min(size, n) };
        continue;
      }
      i++;
      const { buf, len } = receiveMessageOnPort(out.port2)!.message as { buf: ArrayBuffer; len: number };
      yield { addr: seg.start + BigInt(at), bytes: new Uint8Array(buf, 0, len), own: Math.min(size, len) };
      back.port1.postMessage(buf, [buf]);
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  } finally {
    // stopped early (the RSDP found) or done: the thread ends at its next look at control[2]
    Atomics.store(control, 2, 1);
    Atomics.notify(control, 1);
    out.port2.close();
    back.port1.close();
    void worker.terminate();
  }
}

/** A raw image: the whole source at `base`. */
export function rawImage(source: Source, base: bigint): Memory {
  const end = base + BigInt(source.size);
  return memoryOf(source, [{ start: base, size: BigInt(source.size), fileOffset: 0, fileSize: source.size }], `the image ${hex(base)}..${hex(end)}`);
}
