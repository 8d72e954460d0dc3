// EFI system table, configuration table and memory descriptors as dom0 receives them from Xen
// (UEFI 2.x; docs/consumers.md §7). Declared with the same layout engine as the ACPI tables.
import { layout, ascii, bytes, u32, u64 } from '../layout/schema.js';
import { type ContainerDef, EMPTY, encodeNode, decodeNode, fieldAt } from '../layout/codec.js';

export const EFI_SYSTEM_TABLE_SIGNATURE = 'IBI SYST';
/** 2.50, as Xen reports it */
export const EFI_REVISION = (2 << 16) | 50;
export const EFI_SYSTAB_SIZE = 120;
export const EFI_CONFIG_ENTRY_SIZE = 24;
/** The firmware vendor; the system table points at it written as UCS-2 with a NUL (ucs2()) */
export const FIRMWARE_VENDOR = 'Xen';
export const EFI_MEMORY_DESC_SIZE = 40;
export const EFI_MEMORY_DESC_VERSION = 1;

export const EFI_CONVENTIONAL_MEMORY = 7;
export const EFI_ACPI_RECLAIM_MEMORY = 9;
export const EFI_MEMORY_WB = 0x8n;
export const EFI_PAGE_SIZE = 4096n;
/** The least Conventional RAM dom0 can boot in: the EFI map is the only RAM Linux sees under Xen
 * (efi-init.c reserve_regions() removes all memory first), and an arm64 kernel image with its
 * initramfs and early allocations (a distribution's is some 30-60 MiB) needs this much to come up. */
export const MIN_DOM0_RAM = 64n << 20n;

/** 8868e871-e4f1-11d3-bc22-0080c73c8881, in memory order */
export const ACPI_20_TABLE_GUID = Uint8Array.of(0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11, 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81);

export const systemTable = {
  name: 'EFI_SYSTAB',
  label: 'EFI System Table',
  layout: layout('efi_systab', [
    ascii('signature', 'Signature', 8),
    u32('revision', 'Revision'),
    u32('header_size', 'Header Size', { derive: 'length' }),
    u32('crc32', 'CRC32', { derive: 'crc32' }),
    u32('reserved', 'Reserved'),
    u64('firmware_vendor', 'Firmware Vendor'),
    u32('firmware_revision', 'Firmware Revision'),
    u32('reserved2', 'Reserved'),
    u64('con_in_handle', 'ConIn Handle'),
    u64('con_in', 'ConIn'),
    u64('con_out_handle', 'ConOut Handle'),
    u64('con_out', 'ConOut'),
    u64('stderr_handle', 'StdErr Handle'),
    u64('stderr', 'StdErr'),
    u64('runtime_services', 'Runtime Services'),
    u64('boot_services', 'Boot Services'),
    u64('number_of_table_entries', 'Number of Table Entries'),
    u64('configuration_table', 'Configuration Table'),
  ]),
} satisfies ContainerDef;

export const configEntry = {
  name: 'EFI_CONFIG',
  label: 'EFI Configuration Table entry',
  layout: layout('efi_config', [bytes('vendor_guid', 'Vendor GUID', 16), u64('vendor_table', 'Vendor Table')]),
} satisfies ContainerDef;

export const memoryDescriptor = {
  name: 'EFI_MEMORY_DESCRIPTOR',
  label: 'EFI Memory Descriptor',
  layout: layout('efi_memory_descriptor', [
    u32('type', 'Type'),
    u32('pad', 'Padding'),
    u64('physical_start', 'Physical Start'),
    u64('virtual_start', 'Virtual Start'),
    u64('number_of_pages', 'Number of Pages'),
    u64('attribute', 'Attribute'),
  ]),
} satisfies ContainerDef;

/** The offset of a field inside a declared EFI structure. */
export const efiOffset = (def: ContainerDef, field: string): number => fieldAt(def.layout, field)!.offset;

const ucs2 = (s: string) => new Uint8Array(Buffer.from(s + '\0', 'utf16le'));

/**
 * The system table blob Xen builds at `at`: the 120-byte table, the vendor string, then one
 * configuration entry (ACPI 2.0 GUID → RSDP). HeaderSize is the whole blob (152), as in Xen, and
 * the CRC-32 covers HeaderSize bytes with the CRC field zero.
 */
export function buildSystemTable(at: bigint, rsdp: bigint): Uint8Array {
  const vendor = ucs2(FIRMWARE_VENDOR);
  const vendorAt = at + BigInt(EFI_SYSTAB_SIZE);
  const configAt = vendorAt + BigInt(vendor.length);
  const config = encodeNode(configEntry, { fields: { vendor_guid: ACPI_20_TABLE_GUID, vendor_table: rsdp }, tail: EMPTY });
  // the vendor string and the entry follow the table inside HeaderSize: the engine derives HeaderSize
  // (the length) and the CRC-32 over all of it
  return encodeNode(systemTable, {
    fields: {
      signature: EFI_SYSTEM_TABLE_SIGNATURE,
      revision: EFI_REVISION,
      header_size: 0,
      crc32: 0,
      reserved: 0,
      firmware_vendor: vendorAt,
      firmware_revision: 1,
      reserved2: 0,
      con_in_handle: 0n,
      con_in: 0n,
      con_out_handle: 0n,
      con_out: 0n,
      stderr_handle: 0n,
      stderr: 0n,
      runtime_services: 0n,
      boot_services: 0n,
      number_of_table_entries: 1n,
      configuration_table: configAt,
    },
    tail: Uint8Array.from([...vendor, ...config]),
  });
}

export interface MemoryRange {
  type: number;
  physicalStart: bigint;
  pages: bigint;
  attribute: bigint;
}

export function buildMemoryMap(entries: MemoryRange[]): Uint8Array {
  const out = new Uint8Array(entries.length * EFI_MEMORY_DESC_SIZE);
  entries.forEach((e, i) => {
    out.set(
      encodeNode(memoryDescriptor, {
        fields: { type: e.type, pad: 0, physical_start: e.physicalStart, virtual_start: 0n, number_of_pages: e.pages, attribute: e.attribute },
        tail: EMPTY,
      }),
      i * EFI_MEMORY_DESC_SIZE,
    );
  });
  return out;
}

/** CRC-32 of a system table blob with its CRC field taken as zero (to verify one). */
export function systemTableCrc(blob: Uint8Array): number {
  // the CRC the engine derives for these HeaderSize bytes (the declared one is not kept: no fault)
  if (blob.length < EFI_SYSTAB_SIZE) return -1;
  const size = Math.min(blob.length, Buffer.from(blob.buffer, blob.byteOffset, blob.length).readUInt32LE(efiOffset(systemTable, 'header_size')));
  if (size < efiOffset(systemTable, 'crc32') + 4) return -1; // a HeaderSize that does not even cover the CRC: nothing verifies
  const node = decodeNode(systemTable, { buf: blob.subarray(0, size), revision: 0, table: systemTable.name, findings: [] }, 0, size, systemTable.name);
  return Buffer.from(encodeNode(systemTable, node)).readUInt32LE(efiOffset(systemTable, 'crc32'));
}
