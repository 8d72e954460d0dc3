// Pieces shared by many tables: the 36-byte ACPI header (ACPI 6.5 §5.2.6) and the
// Generic Address Structure (§5.2.3.2).
import { layout, ascii, u8, u32, u64, struct, valueNames, type Bit, type Field, type FieldOptions, type FieldsOf, type Gated } from '../layout/schema.js';
import type { HostRange } from '../model/rules.js';
import { fieldAt } from '../layout/node.js';

export const acpiHeader = layout('header', [
  ascii('signature', 'Signature', 4, { show: 'signature' }),
  u32('length', 'Table Length', { derive: 'length' }),
  u8('revision', 'Revision'),
  u8('checksum', 'Checksum', { derive: 'checksum' }),
  ascii('oem_id', 'Oem ID', 6),
  ascii('oem_table_id', 'Oem Table ID', 8),
  u32('oem_revision', 'Oem Revision'),
  ascii('asl_compiler_id', 'Asl Compiler ID', 4),
  u32('asl_compiler_revision', 'Asl Compiler Revision'),
]);

/** The header as the first field of a table layout; dump prints its fields without a heading. */
export const headerField = () => struct('header', '', acpiHeader);

/** A decoded table's header, typed by its declaration (undefined for a table without one: the RSDP). */
export const headerOf = (t: { fields: Record<string, unknown> }): Partial<FieldsOf<typeof acpiHeader>> | undefined =>
  t.fields.header as Partial<FieldsOf<typeof acpiHeader>> | undefined;

/** A decoded table's header revision (the registry's tableRevision() knows where each table keeps its revision). */
export const headerRevision = (t: { fields: Record<string, unknown> }): number => Number(headerOf(t)?.revision ?? 0);

/** Where the header's checksum byte is in a table (the offset its declaration gives it). */
export const HEADER_CHECKSUM_AT = fieldAt(acpiHeader, 'checksum')!.offset;

/** Address space IDs as ACPICA's AcpiUtGetRegionName() names them (iasl prints its names). */
export const SPACE_IDS = valueNames(
  {
    0x00: 'SystemMemory',
    0x01: 'SystemIO',
    0x02: 'PCI_Config',
    0x03: 'EmbeddedControl',
    0x04: 'SMBus',
    0x05: 'SystemCMOS',
    0x06: 'PCIBARTarget',
    0x07: 'IPMI',
    0x08: 'GeneralPurposeIo',
    0x09: 'GenericSerialBus',
    0x0a: 'PCC',
    0x0b: 'PlatformRtMechanism',
    0x7e: 'DataTable',
    0x7f: 'FunctionalFixedHW',
  },
  (v) => (v >= 0x80 ? 'UserDefinedRegion' : 'InvalidSpaceId'),
);

export const ACCESS_WIDTHS = valueNames(
  {
    0: 'Undefined/Legacy',
    1: 'Byte Access:8',
    2: 'Word Access:16',
    3: 'DWord Access:32',
    4: 'QWord Access:64',
  },
  'Unknown Width Encoding',
);

export const gas = layout('gas', [
  u8('space_id', 'Space ID', { enum: SPACE_IDS }),
  u8('bit_width', 'Bit Width'),
  u8('bit_offset', 'Bit Offset'),
  u8('access_width', 'Encoded Access Width', { enum: ACCESS_WIDTHS }),
  u64('address', 'Address'),
]);

export function gasField<N extends string>(
  name: N,
  label: string,
  opts: FieldOptions & { optional: true },
): Field<N, 'struct'> & { struct: typeof gas } & Gated;
export function gasField<N extends string>(name: N, label: string, opts?: FieldOptions): Field<N, 'struct'> & { struct: typeof gas };
export function gasField<N extends string>(name: N, label: string, opts?: FieldOptions): Field<N, 'struct'> & { struct: typeof gas } {
  return struct(name, label, gas, { title: 'Generic Address Structure', ...opts });
}

/** Arch-timer interrupt flags (GTDT timers). */
export const TIMER_FLAG_BITS: Bit[] = [
  { name: 'trigger_mode', label: 'Trigger Mode', bit: 0 },
  { name: 'polarity', label: 'Polarity', bit: 1 },
  { name: 'always_on', label: 'Always On', bit: 2 },
];

/** A u64 id field (FADT HypervisorId) as the text its bytes spell, trailing NULs dropped. */
export function u64Text(v: bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b.toString('latin1').replace(/\0+$/, '');
}

/** A range at `address` of `size` bytes, unless the address is 0 or all ones (none). */
/** What a region is besides where: who claims it, which device, memory or unused (HostRange). */
export type RangeFacts = Omit<HostRange, 'base' | 'size' | 'what'>;

/** The serial port kind, which the SPCR and the DBG2 may both describe (HostRange.device). */
export const SERIAL_PORT = 'serial port';

export function rangeAt(address: unknown, size: bigint, what: string | (() => string), facts: RangeFacts = {}): HostRange[] {
  if (address === undefined || address === 0 || address === 0n) return []; // most GICC frames of a GICv3
  const a = BigInt(address as bigint | number);
  return a === 0xffffffffffffffffn ? [] : [{ base: a, size, what: typeof what === 'string' ? what : what(), ...facts }];
}

/** The range a Generic Address Structure addresses in system memory (space 0), `size` bytes or its width. */
export function gasRange(g: unknown, what: string, size?: bigint, facts: RangeFacts = {}): HostRange[] {
  const f = g as Partial<FieldsOf<typeof gas>> | undefined;
  if (!f || Number(f.space_id) !== 0) return [];
  return rangeAt(f.address, size ?? BigInt(Math.max(1, Math.ceil(Number(f.bit_width ?? 0) / 8))), what, facts);
}
