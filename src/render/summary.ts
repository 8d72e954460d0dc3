// dump --summary: one line per table with the facts a bring-up looks at first (each table's
// declaration says which).
import type { Fields } from '../layout/schema.js';
import { type TableEntry, type TableSet, resolveLinks } from '../model/tableset.js';
import { hasChecksumFault, defOf } from '../tables/registry.js';
import { hex } from '../layout/diagnostics.js';

export function summaryLines(set: TableSet, entries: TableEntry[]): string[] {
  const links = resolveLinks(set);
  const lines = entries.map((e) => {
    const t = e.table;
    const h = (t.fields.header as Fields | undefined) ?? t.fields;
    const addr = e.address === undefined ? '-'.padEnd(18) : hex(e.address, 16);
    const oem = typeof h.oem_id === 'string' ? `"${h.oem_id}"` : '';
    const ck = hasChecksumFault(t) ? 'CHECKSUM BAD' : 'checksum ok';
    return `${t.signature.padEnd(4)}  ${addr}  ${String(e.bytes.length).padStart(6)} B  ${oem.padEnd(8)}  ${ck}  ${defOf(t).summary?.(e, set, links) ?? ''}`.trimEnd();
  });
  return [`${set.origin}: ${set.kind}, ${entries.length} table(s)`, ...lines];
}
