// Physical memory as a capture holds it: a raw image (a file or a buffer whose byte 0 sits at a base
// address) or an ELF core (PT_LOAD segments at their physical addresses). Nothing is read whole:
// tables are read at their addresses with positioned reads, and the RSDP scan walks the capture in
// fixed-size chunks, so a capture of any size is read in bounded memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { hex } from '../layout/diagnostics.js';
import { searchBuffer } from '../layout/wordsearch.js';

/** Where a capture's bytes come from: positioned reads of a file, or a buffer. */
export interface Source {
  /** Fill `into` from byte `offset` of the source; returns how many bytes were there. */
  read(into: Uint8Array, offset: number): number;
  readonly size: number;
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
   * The buffer is reused (and is one that findWord searches at full speed): copy what you keep. */
  chunks(size: number, overlap: number): Iterable<{ addr: bigint; bytes: Uint8Array; own: number }>;
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
    *chunks(size, overlap) {
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

/** A raw image: the whole source at `base`. */
export function rawImage(source: Source, base: bigint): Memory {
  const end = base + BigInt(source.size);
  return memoryOf(source, [{ start: base, size: BigInt(source.size), fileOffset: 0, fileSize: source.size }], `the image ${hex(base)}..${hex(end)}`);
}
