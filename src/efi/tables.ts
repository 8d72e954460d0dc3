// EFI system table, configuration table and memory descriptors as dom0 receives them from Xen
// (UEFI 2.x; docs/consumers.md §7). Declared with the same layout engine as the ACPI tables.
import { layout, ascii, bytes, u32, u64, type Bit, type FieldsOf, valueNames } from '../layout/schema.js';
import { type ContainerDef, type FieldName, type Node, EMPTY, encodeNode, decodeNode, fieldAt, rawField } from '../layout/codec.js';
import { type Finding, hex } from '../layout/diagnostics.js';
import { guidText } from '../layout/values.js';

export const EFI_SYSTEM_TABLE_SIGNATURE = 'IBI SYST';
/** 2.50, as Xen reports it */
export const EFI_REVISION = (2 << 16) | 50;
/** The firmware vendor; the system table points at it written as UCS-2 with a NUL (ucs2()) */
export const FIRMWARE_VENDOR = 'Xen';
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
  tailLabel: "Vendor string and configuration table (Xen's blob)",
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
  name: 'entry',
  label: 'EFI Configuration Table entry',
  layout: layout('efi_config', [bytes('vendor_guid', 'Vendor GUID', 16, { show: 'guid' }), u64('vendor_table', 'Vendor Table')]),
} satisfies ContainerDef;

/** EFI_MEMORY_TYPE (UEFI 2.10 §7.2.1). */
const MEMORY_TYPES = valueNames(
  {
    0: 'Reserved',
    1: 'LoaderCode',
    2: 'LoaderData',
    3: 'BootServicesCode',
    4: 'BootServicesData',
    5: 'RuntimeServicesCode',
    6: 'RuntimeServicesData',
    7: 'Conventional',
    8: 'Unusable',
    9: 'ACPIReclaim',
    10: 'ACPIMemoryNVS',
    11: 'MemoryMappedIO',
    12: 'MemoryMappedIOPortSpace',
    13: 'PalCode',
    14: 'Persistent',
    15: 'Unaccepted',
  },
  'Unknown Memory Type',
);

/** A memory type's name ("Conventional"), or its number. */
export const memoryTypeName = (t: number): string => MEMORY_TYPES.names[t] ?? `type ${t}`;

/** The memory attribute bits (UEFI 2.10 §7.2.3). */
const MEMORY_ATTRIBUTES: Bit[] = [
  { name: 'uc', label: 'Uncacheable (UC)', bit: 0 },
  { name: 'wc', label: 'Write Combining (WC)', bit: 1 },
  { name: 'wt', label: 'Write Through (WT)', bit: 2 },
  { name: 'wb', label: 'Write Back (WB)', bit: 3 },
  { name: 'uce', label: 'Uncacheable, exported (UCE)', bit: 4 },
  { name: 'wp', label: 'Write Protected (WP)', bit: 12 },
  { name: 'rp', label: 'Read Protected (RP)', bit: 13 },
  { name: 'xp', label: 'Execute Protected (XP)', bit: 14 },
  { name: 'nv', label: 'Non-volatile (NV)', bit: 15 },
  { name: 'more_reliable', label: 'More Reliable', bit: 16 },
  { name: 'ro', label: 'Read Only (RO)', bit: 17 },
  { name: 'sp', label: 'Specific Purpose (SP)', bit: 18 },
  { name: 'cpu_crypto', label: 'CPU Crypto', bit: 19 },
  { name: 'runtime', label: 'Runtime', bit: 63 },
];

export const memoryDescriptor = {
  name: 'descriptor',
  label: 'EFI Memory Descriptor',
  layout: layout('efi_memory_descriptor', [
    u32('type', 'Type', { enum: MEMORY_TYPES }),
    u32('pad', 'Padding'),
    u64('physical_start', 'Physical Start'),
    u64('virtual_start', 'Virtual Start'),
    u64('number_of_pages', 'Number of Pages'),
    u64('attribute', 'Attribute', { bits: MEMORY_ATTRIBUTES }),
  ]),
} satisfies ContainerDef;

/** The sizes of the fixed system table, a configuration table entry and a version 1 memory
 * descriptor: their declarations'. */
export const EFI_SYSTAB_SIZE = systemTable.layout.size;
export const EFI_CONFIG_ENTRY_SIZE = configEntry.layout.size;
export const EFI_MEMORY_DESC_SIZE = memoryDescriptor.layout.size;

/** The configuration table: entries one after another (as many as the system table counts). */
export const configTable = {
  name: 'EFI_CONFIG',
  label: 'EFI Configuration Table',
  layout: layout('efi_config_table', []),
  parts: [{ key: 'items', label: 'Entries', kind: 'records', record: configEntry }],
} satisfies ContainerDef;

/** The memory map: 40-byte version 1 descriptors one after another. */
export const memoryMap = {
  name: 'EFI_MMAP',
  label: 'EFI Memory Map',
  layout: layout('efi_memory_map', []),
  parts: [{ key: 'items', label: 'Descriptors', kind: 'records', record: memoryDescriptor }],
} satisfies ContainerDef;

/** The EFI structures dom0 is handed besides the ACPI tables, as dump shows them. */
export const EFI_PARTS = {
  'system-table': systemTable as ContainerDef,
  'configuration-table': configTable as ContainerDef,
  'memory-map': memoryMap as ContainerDef,
} as const;
export type EfiKind = keyof typeof EFI_PARTS;

/** Configuration table GUIDs a firmware or Xen hands over, by their bytes in memory order. */
const KNOWN_CONFIG_GUIDS = new Map<string, string>([
  [Buffer.from(ACPI_20_TABLE_GUID).toString('hex'), 'ACPI 2.0'],
  ['302d9deb882dd3119a160090273fc14d', 'ACPI 1.0'],
  ['312d9deb882dd3119a160090273fc14d', 'SMBIOS'],
  ['4415fdf294972c4a992ee5bbcf20e394', 'SMBIOS 3'],
  ['d521b6b19cf1a541830bd9152c69aae0', 'device tree'],
]);

/** What a configuration table GUID names ("ACPI 2.0"), or the GUID. */
export function guidName(g: Uint8Array): string {
  return KNOWN_CONFIG_GUIDS.get(Buffer.from(g).toString('hex')) ?? guidText(g);
}

/** Which EFI structure a blob is, by its content, or undefined: a system table by its signature; a
 * configuration table when its first entry names a GUID firmware hands over; a memory map when
 * every 40-byte descriptor has a known type, a page-aligned start, pages, no wrap past 2^64 and a
 * cacheability attribute (nothing else of that size looks so). */
export function efiKindOf(b: Uint8Array): EfiKind | undefined {
  if (b.length >= EFI_SYSTAB_SIZE && Buffer.from(b.buffer, b.byteOffset, 8).toString('latin1') === EFI_SYSTEM_TABLE_SIGNATURE) return 'system-table';
  if (b.length && b.length % EFI_CONFIG_ENTRY_SIZE === 0 && KNOWN_CONFIG_GUIDS.has(Buffer.from(b.subarray(0, 16)).toString('hex')))
    return 'configuration-table';
  if (!b.length || b.length % EFI_MEMORY_DESC_SIZE) return undefined;
  const read = (at: number, name: FieldName<typeof memoryDescriptor.layout>) => BigInt(rawField(memoryDescriptor, b, at, name) ?? 0);
  for (let at = 0; at < b.length; at += EFI_MEMORY_DESC_SIZE) {
    const start = read(at, 'physical_start');
    const pages = read(at, 'number_of_pages');
    if (read(at, 'type') > 15n || start % EFI_PAGE_SIZE || pages === 0n || start + pages * EFI_PAGE_SIZE > 1n << 64n) return undefined;
    if ((read(at, 'attribute') & 0x1fn) === 0n) return undefined;
  }
  return 'memory-map';
}

/** A blob decoded as the EFI structure it is: the system table its fixed 120 bytes (the rest kept
 * as its tail), the others their whole entries (a part entry kept as the tail). */
export function decodeEfiPart(kind: EfiKind, b: Uint8Array): { node: Node; findings: Finding[] } {
  const def = EFI_PARTS[kind];
  const findings: Finding[] = [];
  const node = decodeNode(def, { buf: b, revision: 0, table: def.name, findings }, 0, b.length, def.name);
  return { node, findings };
}

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

/** One range of the memory map the build writes: a descriptor's own fields (its padding and
 * virtual start are 0). */
export type MemoryRange = Pick<FieldsOf<typeof memoryDescriptor.layout>, 'type' | 'physical_start' | 'number_of_pages' | 'attribute'>;

export function buildMemoryMap(entries: MemoryRange[]): Uint8Array {
  const out = new Uint8Array(entries.length * EFI_MEMORY_DESC_SIZE);
  entries.forEach((e, i) => out.set(encodeNode(memoryDescriptor, { fields: { ...e, pad: 0, virtual_start: 0n }, tail: EMPTY }), i * EFI_MEMORY_DESC_SIZE));
  return out;
}

/** A range as the build's manifest and change log show it. */
export function memoryRangeJson(e: MemoryRange): { type: string; start: string; pages: number; attribute: string } {
  return {
    type: e.type === EFI_CONVENTIONAL_MEMORY ? 'Conventional' : 'ACPIReclaim',
    start: hex(e.physical_start),
    pages: Number(e.number_of_pages),
    attribute: hex(e.attribute),
  };
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
