// check --fix: the input with every checksum made right (tables and both RSDP checksums), written
// in the input's own form to a new location, atomically. The input itself is never touched.
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { relative, resolve, basename } from 'node:path';
import { encodeTable, withoutFaults, hasChecksumFault } from '../tables/registry.js';
import { allEntries, tableFileNames, type TableEntry, type TableSet } from '../model/tableset.js';
import { formatAcpidumpSet } from './acpidump.js';
import { OutputError, writeFileAtomic, writeFolderAtomic, type WriteOptions } from './output.js';

export interface FixResult {
  fixed: TableEntry[];
  set: TableSet;
}

/** The set with corrected checksums (entries whose bytes changed are listed in `fixed`). */
export function fixChecksums(set: TableSet): FixResult {
  const fixed: TableEntry[] = [];
  const fix = (e: TableEntry): TableEntry => {
    if (!hasChecksumFault(e.table)) return e;
    const table = withoutFaults(e.table);
    const out = { ...e, table, bytes: encodeTable(table) };
    fixed.push(out);
    return out;
  };
  return { fixed, set: { ...set, rsdp: set.rsdp && fix(set.rsdp), tables: set.tables.map(fix) } };
}

/** Write `set` (read from `input`) in the input's form to `out`; the input is one of the paths the
 * output must keep apart from. A memory capture is copied and patched where its tables are, never
 * read whole. */
export function writeFixed(input: string, set: TableSet, out: string, opts: WriteOptions = {}): void {
  const o = { ...opts, inputs: [input, set.origin, ...(opts.inputs ?? [])] };
  switch (set.kind) {
    case 'acpidump':
      writeFileAtomic(out, formatAcpidumpSet(set), o);
      return;
    case 'table':
      writeFileAtomic(out, allEntries(set)[0].bytes, o);
      return;
    case 'image': {
      const lost = allEntries(set).find((e) => e.fileOffset === undefined);
      if (lost) throw new OutputError(out, `${out}: ${lost.table.signature} at ${lost.source} is not in the capture's file bytes: nothing to patch`);
      writeFileAtomic(
        out,
        (fd) => {
          copyInto(input, fd);
          for (const e of allEntries(set)) writeSync(fd, e.bytes, 0, e.bytes.length, e.fileOffset!);
        },
        o,
      );
      return;
    }
    case 'binaries': {
      // keep the input's file names (and its dynamic/ folder)
      const files = new Map(allEntries(set).map((e) => [relative(resolve(input), resolve(e.source)) || basename(e.source), e.bytes] as const));
      writeFolderAtomic(out, files, o);
      return;
    }
    case 'build': {
      const names = tableFileNames(set);
      writeFolderAtomic(out, new Map(allEntries(set).map((e) => [names.get(e)!, e.bytes] as const)), o);
      return;
    }
  }
}

/** The input's bytes into an open file, 1 MiB at a time (a capture may be gigabytes). Chunks of
 * zeros are not written: the file is sized first, so they stay holes and a sparse core stays sparse. */
function copyInto(input: string, fd: number): void {
  const from = openSync(input, 'r');
  try {
    ftruncateSync(fd, fstatSync(from).size);
    const buf = Buffer.allocUnsafe(1 << 20);
    const zeros = Buffer.alloc(buf.length);
    for (let n, at = 0; (n = readSync(from, buf, 0, buf.length, at)) > 0; at += n) {
      const chunk = buf.subarray(0, n);
      if (chunk.equals(zeros.subarray(0, n))) continue;
      for (let done = 0; done < n;) done += writeSync(fd, chunk, done, n - done, at + done);
    }
  } finally {
    closeSync(from);
  }
}
