// dump --summary: one line per table with the facts a bring-up looks at first (each table's
// declaration says which).
import type { Fields } from '../layout/schema.js';
import { type TableEntry, type TableSet, type EfiPart, resolveLinks } from '../model/tableset.js';
import { decodeEfiPart, systemTableCrc, guidName, memoryTypeName } from '../efi/tables.js';
import { hasChecksumFault, defOf } from '../tables/registry.js';
import { hex } from '../layout/diagnostics.js';
import { shown } from './escape.js';
import { quote } from './text.js';
import { amlSummary } from '../aml/set.js';

/** One line per table (and EFI structure) after a line naming the input; what a line quotes (an
 * OEM ID, a device name, the file name) is shown as escapes. */
export function summaryLines(set: TableSet, entries: TableEntry[]): string[] {
  const links = resolveLinks(set);
  const lines = entries.map((e) => {
    const t = e.table;
    const h = (t.fields.header as Fields | undefined) ?? t.fields;
    const addr = e.address === undefined ? '-'.padEnd(18) : hex(e.address, 16);
    const oem = typeof h.oem_id === 'string' ? quote(h.oem_id) : ''; // as dump shows it
    const ck = hasChecksumFault(t) ? 'CHECKSUM BAD' : 'checksum ok';
    const facts = defOf(t).summary?.(e, set, links) ?? (defOf(t).tailIsAml ? amlSummary(e, set) : '');
    return `${t.signature.padEnd(4)}  ${addr}  ${String(e.bytes.length).padStart(6)} B  ${oem.padEnd(8)}  ${ck}  ${facts}`.trimEnd();
  });
  const efi = (set.efi ?? []).map(
    (p) => `EFI   ${p.address === undefined ? '-'.padEnd(18) : hex(p.address, 16)}  ${String(p.bytes.length).padStart(6)} B  ${efiFacts(p)}`,
  );
  return [`${set.origin}: ${set.kind}, ${entries.length} table(s)${efi.length ? `, ${efi.length} EFI structure(s)` : ''}`, ...lines, ...efi].map(shown);
}

const range = (start: bigint, size: bigint) => `${hex(start)}+${hex(size)}`;

/** The facts of an EFI structure a bring-up looks at: what the system table points at, what each
 * configuration entry names, the memory map's ranges by type. */
function efiFacts(p: EfiPart): string {
  const { node } = decodeEfiPart(p.kind, p.bytes);
  const f = node.fields;
  switch (p.kind) {
    case 'system-table': {
      const rev = Number(f.revision ?? 0);
      return (
        `system table "${String(f.signature)}" rev ${rev >> 16}.${(rev & 0xffff).toString().padStart(2, '0')}, ` +
        `${f.number_of_table_entries} configuration entr${f.number_of_table_entries === 1n ? 'y' : 'ies'} at ` +
        `${hex(BigInt(f.configuration_table as bigint))}, CRC-32 ${systemTableCrc(p.bytes) === f.crc32 ? 'ok' : 'BAD'}`
      );
    }
    case 'configuration-table':
      return (
        `configuration table: ` +
        `${(node.items ?? []).map((e) => `${guidName(e.fields.vendor_guid as Uint8Array)} → ${hex(BigInt(e.fields.vendor_table as bigint))}`).join(', ')}`
      );
    case 'memory-map': {
      const ds = node.items ?? [];
      const shown = ds
        .slice(0, 6)
        .map(
          (d) =>
            `${memoryTypeName(Number(d.fields.type))} ${range(BigInt(d.fields.physical_start as bigint), BigInt(d.fields.number_of_pages as bigint) * 4096n)}`,
        );
      return `memory map: ${ds.length} descriptor(s): ${shown.join(', ')}${ds.length > 6 ? ', …' : ''}`;
    }
  }
}
