// The EFI structures dom0 receives, written and read back through their declarations.
import { describe, expect, it } from 'vitest';
import {
  buildSystemTable,
  buildMemoryMap,
  systemTableCrc,
  efiOffset,
  systemTable,
  configEntry,
  memoryDescriptor,
  ACPI_20_TABLE_GUID,
  EFI_SYSTAB_SIZE,
  EFI_MEMORY_DESC_SIZE,
  EFI_CONVENTIONAL_MEMORY,
  EFI_ACPI_RECLAIM_MEMORY,
  EFI_MEMORY_WB,
} from '../../src/efi/tables.js';
import { decodeNode, encodeNode, readAt } from '../../src/layout/codec.js';

describe('EFI system table', () => {
  const at = 0x380003c0n;
  const blob = buildSystemTable(at, 0x38000398n);
  const st = readAt(systemTable, blob, 0);

  it('is the 120-byte table, "Xen" in UCS-2 and one configuration entry; HeaderSize covers them all', () => {
    expect(st.signature).toBe('IBI SYST');
    expect(st.header_size).toBe(EFI_SYSTAB_SIZE + 8 + 24);
    expect(blob.length).toBe(st.header_size);
    expect(Buffer.from(blob.subarray(EFI_SYSTAB_SIZE, EFI_SYSTAB_SIZE + 8)).toString('utf16le')).toBe('Xen\0');
    expect(st.firmware_vendor).toBe(at + BigInt(EFI_SYSTAB_SIZE));
    expect(st.number_of_table_entries).toBe(1n);
  });

  it('its configuration entry points the ACPI 2.0 GUID at the RSDP', () => {
    const e = readAt(configEntry, blob, Number(st.configuration_table - at));
    expect(Buffer.from(e.vendor_guid).equals(Buffer.from(ACPI_20_TABLE_GUID))).toBe(true);
    expect(e.vendor_table).toBe(0x38000398n);
  });

  it('its CRC-32 verifies over HeaderSize bytes with the field zero, and a changed byte breaks it', () => {
    expect(systemTableCrc(blob)).toBe(st.crc32);
    expect(efiOffset(systemTable, 'crc32')).toBe(16);
    const bad = Uint8Array.from(blob);
    bad[130] ^= 1;
    expect(systemTableCrc(bad)).not.toBe(st.crc32);
  });
});

describe('the engine derives HeaderSize and the CRC-32', () => {
  it('re-encoding a decoded table gives the same bytes; a recorded fault keeps the declared CRC', () => {
    const blob = buildSystemTable(0x1000n, 0x2000n);
    const node = decodeNode(systemTable, { buf: blob, revision: 0, table: 'EFI', findings: [] }, 0, blob.length, 'EFI');
    expect(Buffer.from(encodeNode(systemTable, node)).equals(Buffer.from(blob))).toBe(true);
    // a changed vendor string changes the derived CRC; HeaderSize follows the length
    const longer = encodeNode(systemTable, { ...node, tail: Uint8Array.from([...node.tail, 0, 0, 0, 0]) });
    const st = readAt(systemTable, longer, 0);
    expect(st.header_size).toBe(blob.length + 4);
    expect(st.crc32).toBe(systemTableCrc(longer));
    const kept = encodeNode(systemTable, { ...node, faults: { crc32: 0x12345678 } });
    expect(readAt(systemTable, kept, 0).crc32).toBe(0x12345678);
  });
});

describe('EFI memory map', () => {
  it('one 40-byte descriptor per range, read back field by field', () => {
    const ranges = [
      { type: EFI_CONVENTIONAL_MEMORY, physical_start: 0x40000000n, number_of_pages: 0x20000n, attribute: EFI_MEMORY_WB },
      { type: EFI_ACPI_RECLAIM_MEMORY, physical_start: 0x38000000n, number_of_pages: 1n, attribute: EFI_MEMORY_WB },
    ];
    const map = buildMemoryMap(ranges);
    expect(map.length).toBe(2 * EFI_MEMORY_DESC_SIZE);
    const back = ranges.map((_, i) => readAt(memoryDescriptor, map, i * EFI_MEMORY_DESC_SIZE));
    expect(back.map((d) => [d.type, d.physical_start, d.number_of_pages, d.attribute])).toEqual(
      ranges.map((r) => [r.type, r.physical_start, r.number_of_pages, r.attribute]),
    );
  });
});
