// check --fix: the input with every checksum made right (tables and both RSDP checksums), written
// in the input's own form to a new location, atomically. The input itself is never touched.
import { readFileSync } from 'node:fs';
import { relative, resolve, basename } from 'node:path';
import { encodeTable, withoutFaults, hasChecksumFault } from '../tables/registry.js';
import { allEntries, tableFileNames, type TableEntry, type TableSet } from '../model/tableset.js';
import { formatAcpidumpSet } from './acpidump.js';
import { writeFileAtomic, writeFolderAtomic } from './output.js';

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

export function writeFixed(input: string, set: TableSet, out: string, opts: { force?: boolean; imageBase?: bigint } = {}): void {
  switch (set.kind) {
    case 'acpidump':
      writeFileAtomic(out, formatAcpidumpSet(set), opts);
      return;
    case 'table':
      writeFileAtomic(out, allEntries(set)[0].bytes, opts);
      return;
    case 'image': {
      const img = new Uint8Array(readFileSync(input));
      const base = opts.imageBase ?? 0n;
      for (const e of allEntries(set)) img.set(e.bytes, Number(e.address! - base));
      writeFileAtomic(out, img, opts);
      return;
    }
    case 'binaries': {
      // keep the input's file names (and its dynamic/ folder)
      const files = new Map(allEntries(set).map((e) => [relative(resolve(input), resolve(e.source)) || basename(e.source), e.bytes] as const));
      writeFolderAtomic(out, files, opts);
      return;
    }
    case 'build': {
      const names = tableFileNames(set);
      writeFolderAtomic(out, new Map(allEntries(set).map((e) => [names.get(e)!, e.bytes] as const)), opts);
      return;
    }
  }
}
