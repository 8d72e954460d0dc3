// What the readers take in whole, and how much of it at most. A memory capture is never read whole
// (memory.ts reads it in chunks and at addresses); everything else that is read whole — a table
// file, acpidump text, a stream, a baseline or a manifest — has a limit, checked against what is
// really there (a file's size, the bytes a stream gave) before the bytes are taken in, and a
// refusal names the input and the limit. Streams (standard input, a pipe, a FIFO, a shell's
// /dev/fd/N, a character device) can be read only once and have no size: they are read to their
// end, once, into a buffer that grows as bytes come, and refused as soon as they pass their limit.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MiB = 1 << 20;

/** The largest table read (a file of its own, a file in a folder, a table in a capture). The
 * largest real tables, DSDTs of large servers, are a few MiB; a table's length field could claim
 * 4 GiB. */
export const MAX_TABLE = 64 * MiB;

/** The largest acpidump text read. Real acpidump text is some MiB, tens at most (4.4 bytes of text
 * per byte of table: 64 MiB of text is 14.5 MiB of tables, more than any firmware's ACPI region).
 * Measured with the server sample repeated, on the 2-core development machine: 64 MiB of it (8,400
 * tables) dumps in about 2 s and 400 MB; 250 MiB took 30 s and 2.5 GB. */
export const MAX_TEXT = 64 * MiB;

/** The most a stream that is not text or a table is read to (a memory capture given on a pipe: it
 * has to be held in memory whole, as it cannot be read at an offset). A large capture is given as
 * a file, which is read in chunks. */
export const MAX_STREAM = 256 * MiB;

/** The largest JSON document read (a --baseline file, a build output's manifest.json): a baseline
 * entry is some 100 bytes, so this holds more than half a million accepted findings. */
export const MAX_JSON = 64 * MiB;

/** A size in words: "64 MiB", or bytes when it is not a whole number of MiB. */
export const sizeText = (n: number): string => (n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`);

/** How many bytes are looked at before a stream's limit is chosen by its content (as much as the
 * readers sniff a file's head). */
export const STREAM_HEAD = 8192;

/** A stream's bytes, or how far it was read before it passed its limit. */
export type StreamBytes = { bytes: Uint8Array; over?: undefined } | { bytes?: undefined; over: { limit: number } };

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The pieces a stream is read into: from 64 KiB, each twice the last, up to 4 MiB. */
const FIRST_PIECE = 64 << 10;
const LAST_PIECE = 4 << 20;

/**
 * Reads a descriptor to its end, once, in bounded memory: at most `limitOf(head)` bytes, where
 * `head` is its first STREAM_HEAD bytes (all of it when shorter), so the limit can follow what the
 * stream is. A stream that goes on past its limit is not read further (/dev/zero ends there, having
 * taken the limit in memory and no more). The bytes come in pieces, joined at the end (a stream of
 * n bytes holds 2 n for that moment; one piece is returned as it is). A descriptor a parent left
 * non-blocking is waited on.
 */
export function readStream(fd: number, limitOf: (head: Uint8Array) => number): StreamBytes {
  const pieces: Uint8Array[] = [];
  let piece = new Uint8Array(Math.max(FIRST_PIECE, STREAM_HEAD)); // the first piece holds the head
  let used = 0; // of the current piece
  let total = 0; // before the current piece
  let limit: number | undefined;
  for (;;) {
    if (limit === undefined && total + used >= STREAM_HEAD) limit = limitOf(piece.subarray(0, STREAM_HEAD));
    if (limit !== undefined && total + used > limit) return { over: { limit } };
    if (used === piece.length) {
      pieces.push(piece);
      total += used;
      // one byte past the limit is enough to know the stream passes it
      piece = new Uint8Array(Math.min(piece.length * 2, LAST_PIECE, limit! + 1 - total));
      used = 0;
    }
    let n: number;
    try {
      n = readSync(fd, piece, used, piece.length - used, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (n === 0) break;
    used += n;
  }
  limit ??= limitOf(piece.subarray(0, used));
  if (total + used > limit) return { over: { limit } };
  if (!pieces.length) return { bytes: piece.subarray(0, used) };
  const bytes = new Uint8Array(total + used);
  let at = 0;
  for (const p of [...pieces, piece.subarray(0, used)]) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes };
}

/** A path's bytes, whole, at most `limit` of them: a regular file by its size first (nothing is read
 * when it is larger), anything else (a FIFO, /dev/fd/N, /dev/zero) as a stream. Throws Node's
 * error, with its code, for a path that cannot be opened. */
export function readBounded(path: string, limit: number): StreamBytes {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > limit) return { over: { limit } };
    return readStream(fd, () => limit);
  } finally {
    closeSync(fd);
  }
}
