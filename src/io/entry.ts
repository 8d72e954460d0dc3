// One decoded blob as a TableEntry, with the source attached to every finding.
import { decodeTable } from '../tables/registry.js';
import type { Finding } from '../layout/diagnostics.js';
import type { TableEntry } from '../model/tableset.js';

/** Decode one blob into an entry; findings get the source attached. */
export function entryFrom(bytes: Uint8Array, source: string, address: bigint | undefined, findings: Finding[]): TableEntry | undefined {
  const r = decodeTable(bytes);
  for (const f of r.findings) findings.push({ ...f, file: f.file ?? source });
  if (!r.table) return undefined;
  return { table: r.table, bytes: bytes.subarray(0, r.length), address, source };
}
