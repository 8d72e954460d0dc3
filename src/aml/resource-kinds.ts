// Resource templates (ACPI 6.5 §6.4), the vocabulary their declarations are written in: the typed
// descriptor a template reads into, a field's and a part's declaration, the macro arguments, the
// flag keywords and the helpers that build the declarations (resource-descriptors.ts holds them).

/** A decoded field's value: an integer (bigint for 64-bit fields), a string, a list, or bytes. */
export type ResourceFieldValue = number | bigint | string | number[] | Uint8Array;

/** One descriptor of a template, its fields named as ACPI and iasl name them (`base`, `min`, …). */
export interface ResourceDescriptor {
  /** the ASL macro that writes it (`Memory32Fixed`, `DWordMemory`, …); a descriptor no macro of
   * iasl 20200925 writes is `Unknown` (its bytes kept, the template printed as bytes) */
  type: string;
  /** where it starts in the buffer, and its length in bytes (header included) */
  offset: number;
  length: number;
  fields: Record<string, ResourceFieldValue>;
}

export interface ResourceTemplate {
  /** the descriptors before the End Tag */
  descriptors: ResourceDescriptor[];
  /** the End Tag's checksum byte */
  checksum: number;
}

// ---------------------------------------------------------------------------------------------
// Declarations

export type Kw = Readonly<Record<number, string>>;

export interface FieldDef {
  name: string;
  /** byte offset in the descriptor, width in bytes */
  at: number;
  size: 1 | 2 | 4 | 8;
  /** a bit field of that integer: its first bit and width */
  shift?: number;
  bits?: number;
  /** the keywords its values are written with (a value without one cannot be printed, unless `hex`) */
  kw?: Kw;
  /** a value the macro cannot say otherwise: any keyword-less value is written as a hex byte */
  hex?: true;
  /** what iasl's compiler always writes there (a revision, a type) */
  fixed?: number;
  /** an IRQ/DMA mask: read as the list of the bits set */
  mask?: true;
  /** written by the compiler from the layout (an offset or length of a part) */
  derived?: true;
}

/** What follows the fixed fields. */
export type Part =
  /** a ResourceSourceIndex byte and a ResourceSource string, both optional, to the end */
  | { t: 'source' }
  /** the rest of the descriptor as bytes (vendor data) */
  | { t: 'data' }
  /** a count byte (field `count`) and that many dwords: the extended interrupt list */
  | { t: 'interrupts' }
  /** parts placed by offsets (from the descriptor's start) the fixed fields hold, in the order
   * iasl's compiler lays them out */
  | { t: 'placed'; parts: readonly Placed[] }
  /** a serial bus descriptor: vendor data to the type data's end, then the ResourceSource */
  | { t: 'serial' };

export interface Placed {
  name: string;
  kind: 'pins' | 'string' | 'bytes';
  /** the field holding its offset, and for vendor data the one holding its length */
  offset: string;
  length?: string;
}

/** One argument of the macro: a field (as a keyword or hex integer), or a part. */
export type ArgSpec =
  | string
  /** a field printed as hex with a comment, a line of its own (`0x03F8, // Range Minimum`) */
  | { row: string; comment: string };

export interface DescDef {
  macro: string;
  /** small: the type (bits 6:3 of the tag); large: the tag byte */
  tag: number;
  large: boolean;
  /** the fixed part's length (header included) */
  size: number;
  /** small descriptors whose length picks the macro: this one is for exactly this length */
  exact?: boolean;
  /** the descriptor's other fields that pick this declaration (address resource type, serial bus type) */
  when?: Readonly<Record<string, number>>;
  /** the lowest values of fields the macro takes (iasl's *Space macros take the vendor types 0xC0-0xFF
   * only, aslrestype2*.c: a Word memory range or a DWord bus number range has no macro) */
  atLeast?: Readonly<Record<string, number>>;
  fields: readonly FieldDef[];
  part?: Part;
  /** the macro's arguments, line by line as iasl -d breaks them */
  lines: readonly (readonly ArgSpec[])[];
  /** the list in braces after the macro */
  list?: 'irqs' | 'interrupts' | 'pins' | 'data' | 'dependent';
}

export const f = (name: string, at: number, size: 1 | 2 | 4 | 8, more: Partial<FieldDef> = {}): FieldDef => ({ name, at, size, ...more });
export const bit = (name: string, at: number, size: 1 | 2, shift: number, bits: number, kw?: Kw, more: Partial<FieldDef> = {}): FieldDef => ({
  name,
  at,
  size,
  shift,
  bits,
  ...(kw ? { kw } : {}),
  ...more,
});

export const USAGE: Kw = { 0: 'ResourceProducer', 1: 'ResourceConsumer' };
export const DECODE: Kw = { 0: 'PosDecode', 1: 'SubDecode' };
export const MIN_FIXED: Kw = { 0: 'MinNotFixed', 1: 'MinFixed' };
export const MAX_FIXED: Kw = { 0: 'MaxNotFixed', 1: 'MaxFixed' };
export const RW: Kw = { 0: 'ReadOnly', 1: 'ReadWrite' };
export const CACHE: Kw = { 0: 'NonCacheable', 1: 'Cacheable', 2: 'WriteCombining', 3: 'Prefetchable' };
export const MTP: Kw = { 0: 'AddressRangeMemory', 1: 'AddressRangeReserved', 2: 'AddressRangeACPI', 3: 'AddressRangeNVS' };
export const TTP: Kw = { 0: 'TypeStatic', 1: 'TypeTranslation' };
export const TRS: Kw = { 0: 'DenseTranslation', 1: 'SparseTranslation' };
export const ISA: Kw = { 1: 'NonISAOnlyRanges', 2: 'ISAOnlyRanges', 3: 'EntireRange' };
export const SHARE: Kw = { 0: 'Exclusive', 1: 'Shared', 2: 'ExclusiveAndWake', 3: 'SharedAndWake' };
export const SHARED: Kw = { 0: 'Exclusive', 1: 'Shared' };
export const EDGE: Kw = { 0: 'Level', 1: 'Edge' };
export const ACTIVE_LOW: Kw = { 0: 'ActiveHigh', 1: 'ActiveLow' };
export const POLARITY: Kw = { 0: 'ActiveHigh', 1: 'ActiveLow', 2: 'ActiveBoth' };
export const PULL: Kw = { 0: 'PullDefault', 1: 'PullUp', 2: 'PullDown', 3: 'PullNone' };
export const IO_RESTRICT: Kw = { 0: 'IoRestrictionNone', 1: 'IoRestrictionInputOnly', 2: 'IoRestrictionOutputOnly', 3: 'IoRestrictionNoneAndPreserve' };
export const INITIATED: Kw = { 0: 'ControllerInitiated', 1: 'DeviceInitiated' };
/** ACPI 6.5 §6.4.3.7 Generic Register address spaces, as the Register macro names them; the same
 * keywords as an OperationRegion's RegionSpace (§19.6.100) */
export const SPACE: Kw = {
  0: 'SystemMemory',
  1: 'SystemIO',
  2: 'PCI_Config',
  3: 'EmbeddedControl',
  4: 'SMBus',
  5: 'SystemCMOS',
  6: 'PciBarTarget',
  7: 'IPMI',
  8: 'GeneralPurposeIo',
  9: 'GenericSerialBus',
  10: 'PCC',
  0x7f: 'FFixedHW',
};

/** The fixed fields of a large address descriptor (§6.4.3.5.1-4) whose numbers are `size` bytes wide. */
export function addressFields(size: 2 | 4 | 8, extended = false): FieldDef[] {
  const at = extended ? 8 : 6;
  return [
    f('resourceType', 3, 1),
    bit('usage', 4, 1, 0, 1, USAGE),
    bit('decode', 4, 1, 1, 1, DECODE),
    bit('minFixed', 4, 1, 2, 1, MIN_FIXED),
    bit('maxFixed', 4, 1, 3, 1, MAX_FIXED),
    ...(extended ? [f('revision', 6, 1, { fixed: 1 }), f('reserved', 7, 1, { fixed: 0 })] : []),
    ...['granularity', 'min', 'max', 'translation', 'length'].map((n, i) => f(n, at + i * size, size)),
    ...(extended ? [f('typeSpecificAttributes', 48, 8)] : []),
  ];
}
export const ROWS = [
  { row: 'granularity', comment: 'Granularity' },
  { row: 'min', comment: 'Range Minimum' },
  { row: 'max', comment: 'Range Maximum' },
  { row: 'translation', comment: 'Translation Offset' },
  { row: 'length', comment: 'Length' },
];
export const MEMORY_FLAGS = [
  bit('readWrite', 5, 1, 0, 1, RW),
  bit('cache', 5, 1, 1, 2, CACHE),
  bit('rangeType', 5, 1, 3, 2, MTP),
  bit('translationType', 5, 1, 5, 1, TTP),
];
export const IO_FLAGS = [bit('isaRanges', 5, 1, 0, 2, ISA), bit('translationType', 5, 1, 4, 1, TTP), bit('translationSparse', 5, 1, 5, 1, TRS)];

/** The address descriptors of one width: Memory, IO, BusNumber (Word only) and Space. */
export function addressDescs(prefix: 'Word' | 'DWord' | 'QWord' | 'Extended', tag: number, width: 2 | 4 | 8): DescDef[] {
  const ext = prefix === 'Extended';
  const size = ext ? 56 : 6 + 5 * width;
  const part: Part | undefined = ext ? undefined : { t: 'source' };
  const rows = ext ? [...ROWS, { row: 'typeSpecificAttributes', comment: 'Type-Specific Attributes' }] : ROWS;
  const src = ext ? [] : ['source'];
  const base = addressFields(width, ext);
  const out: DescDef[] = [];
  if (prefix !== 'Word')
    out.push(
      {
        macro: `${prefix}Memory`,
        tag,
        large: true,
        size,
        when: { resourceType: 0 },
        fields: [...base, ...MEMORY_FLAGS],
        ...(part ? { part } : {}),
        lines: [['usage', 'decode', 'minFixed', 'maxFixed', 'cache', 'readWrite'], ...rows.map((r) => [r]), [...src, 'name', 'rangeType', 'translationType']],
      },
      {
        macro: `${prefix}IO`,
        tag,
        large: true,
        size,
        when: { resourceType: 1 },
        fields: [...base, ...IO_FLAGS],
        ...(part ? { part } : {}),
        lines: [['usage', 'minFixed', 'maxFixed', 'decode', 'isaRanges'], ...rows.map((r) => [r]), [...src, 'name', 'translationType', 'translationSparse']],
      },
    );
  else
    out.push(
      {
        macro: 'WordIO',
        tag,
        large: true,
        size,
        when: { resourceType: 1 },
        fields: [...base, ...IO_FLAGS],
        part: { t: 'source' },
        lines: [['usage', 'minFixed', 'maxFixed', 'decode', 'isaRanges'], ...rows.map((r) => [r]), [...src, 'name', 'translationType', 'translationSparse']],
      },
      {
        macro: 'WordBusNumber',
        tag,
        large: true,
        size,
        when: { resourceType: 2 },
        fields: [...base, f('typeSpecificFlags', 5, 1, { fixed: 0 })],
        part: { t: 'source' },
        lines: [['usage', 'minFixed', 'maxFixed', 'decode'], ...rows.map((r) => [r]), [...src, 'name']],
      },
    );
  out.push({
    macro: `${prefix}Space`,
    tag,
    large: true,
    size,
    atLeast: { resourceType: 0xc0 },
    fields: [...base, f('typeSpecificFlags', 5, 1)],
    ...(part ? { part } : {}),
    lines: [['resourceType', 'usage', 'decode', 'minFixed', 'maxFixed', 'typeSpecificFlags'], ...rows.map((r) => [r]), [...src, 'name']],
  });
  return out;
}

/** GPIO and pin descriptors' parts: a pin table, the ResourceSource, a label, vendor data. */
export const PINS: Placed = { name: 'pins', kind: 'pins', offset: 'pinTableOffset' };
export const SOURCE: Placed = { name: 'source', kind: 'string', offset: 'sourceOffset' };
export const LABEL: Placed = { name: 'label', kind: 'string', offset: 'labelOffset' };
export const VENDOR: Placed = { name: 'vendorData', kind: 'bytes', offset: 'vendorOffset', length: 'vendorLength' };
export const derived = (name: string, at: number): FieldDef => f(name, at, 2, { derived: true });

/** A serial bus descriptor's common fields (§6.4.3.8.2), its type-specific ones after them. */
export const serial = (macro: string, type: number, revision: number, typeFields: FieldDef[], size: number, lines: ArgSpec[][]): DescDef => ({
  macro,
  tag: 0x8e,
  large: true,
  size,
  when: { busType: type, revision },
  fields: [
    f('revision', 3, 1),
    f('sourceIndex', 4, 1),
    f('busType', 5, 1),
    bit('mode', 6, 1, 0, 1, INITIATED),
    bit('usage', 6, 1, 1, 1, USAGE),
    ...(revision >= 2 ? [bit('shared', 6, 1, 2, 1, SHARED)] : []),
    f('typeRevision', 9, 1, { fixed: 1 }),
    derived('typeDataLength', 10),
    ...typeFields,
  ],
  part: { t: 'serial' },
  lines,
});

export const I2C_FIELDS = [bit('addressing10Bit', 7, 2, 0, 1, { 0: 'AddressingMode7Bit', 1: 'AddressingMode10Bit' }), f('speed', 12, 4), f('address', 16, 2)];
export const SPI_FIELDS = [
  bit('wireMode', 7, 2, 0, 1, { 0: 'FourWireMode', 1: 'ThreeWireMode' }),
  bit('devicePolarity', 7, 2, 1, 1, { 0: 'PolarityLow', 1: 'PolarityHigh' }),
  f('speed', 12, 4),
  f('dataBitLength', 16, 1),
  f('clockPhase', 17, 1, { kw: { 0: 'ClockPhaseFirst', 1: 'ClockPhaseSecond' } }),
  f('clockPolarity', 18, 1, { kw: { 0: 'ClockPolarityLow', 1: 'ClockPolarityHigh' } }),
  f('deviceSelection', 19, 2),
];
export const UART_FIELDS = [
  bit('flowControl', 7, 2, 0, 2, { 0: 'FlowControlNone', 1: 'FlowControlHardware', 2: 'FlowControlXON' }),
  bit('stopBits', 7, 2, 2, 2, { 0: 'StopBitsZero', 1: 'StopBitsOne', 2: 'StopBitsOnePlusHalf', 3: 'StopBitsTwo' }),
  bit('dataBits', 7, 2, 4, 3, { 0: 'DataBitsFive', 1: 'DataBitsSix', 2: 'DataBitsSeven', 3: 'DataBitsEight', 4: 'DataBitsNine' }),
  bit('bigEndian', 7, 2, 7, 1, { 0: 'LittleEndian', 1: 'BigEndian' }),
  f('baudRate', 12, 4),
  f('rxFifo', 16, 2),
  f('txFifo', 18, 2),
  f('parity', 20, 1, { kw: { 0: 'ParityTypeNone', 1: 'ParityTypeEven', 2: 'ParityTypeOdd', 3: 'ParityTypeMark', 4: 'ParityTypeSpace' } }),
  f('linesEnabled', 21, 1),
];
export const serialBus = (v2: boolean): DescDef[] => {
  const s = v2 ? 'V2' : '';
  const end = v2 ? ['sourceIndex', 'usage', 'name', 'shared'] : ['sourceIndex', 'usage', 'name'];
  const rev = v2 ? 2 : 1;
  return [
    serial(`I2cSerialBus${s}`, 1, rev, I2C_FIELDS, 18, [['address', 'mode', 'speed'], ['addressing10Bit', 'source'], end, ['vendorData']]),
    serial(`SpiSerialBus${s}`, 2, rev, SPI_FIELDS, 21, [
      ['deviceSelection', 'devicePolarity', 'wireMode', 'dataBitLength'],
      ['mode', 'speed', 'clockPolarity'],
      ['clockPhase', 'source'],
      end,
      ['vendorData'],
    ]),
    serial(`UartSerialBus${s}`, 3, rev, UART_FIELDS, 22, [
      ['baudRate', 'dataBits', 'stopBits'],
      ['linesEnabled', 'bigEndian', 'parity', 'flowControl'],
      ['rxFifo', 'txFifo', 'source'],
      end,
      ['vendorData'],
    ]),
  ];
};
