// Resource templates (ACPI 6.5 §6.4): a buffer that is a sequence of small and large resource
// descriptors ending with an End Tag, read into typed descriptors, and written as the ASL macros
// `iasl -d` prints (IRQ, Memory32Fixed, DWordMemory, Interrupt, GpioInt, I2cSerialBusV2, …).
//
// Each descriptor is declared once, as data (DESCRIPTORS): its tag, its fixed fields (offset, width,
// bits, the keywords its flag bits are written with), the variable parts after them (a resource
// source, a pin table, vendor data, …) and its macro's arguments in ASL order. Generic code reads
// the bytes by the declaration, writes them back as iasl's resource compiler lays them out
// (descriptor lengths, part offsets and the End Tag checksum are its own), and prints the macro.
// A template is printed as macros only when every descriptor written back that way gives the bytes
// it was read from — so what is printed compiles back to the same bytes; anything else (reserved
// bits set, parts in another order, a descriptor iasl does not know) keeps the byte list.
//
// Facts checked against ACPICA R09_25_20: source/include/amlresrc.h (layouts), source/compiler/
// aslrestype1.c, aslrestype2*.c (what the compiler writes: End Tag checksum 0, a ResourceSourceIndex
// byte only when given, GPIO/pin parts in the order pins, source, label, vendor data, the serial bus
// vendor data before the source), aslresources.y (the macros' grammar: GpioInt takes one pin) and
// source/components/utilities/utresrc.c, disassembler/dmresrc.c (which buffers iasl -d reads as
// templates: more than 2 bytes, declared size equal to the byte count, lengths valid per type,
// ending with an End Tag).

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

type Kw = Readonly<Record<number, string>>;

interface FieldDef {
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
type Part =
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

interface Placed {
  name: string;
  kind: 'pins' | 'string' | 'bytes';
  /** the field holding its offset, and for vendor data the one holding its length */
  offset: string;
  length?: string;
}

/** One argument of the macro: a field (as a keyword or hex integer), or a part. */
type ArgSpec =
  | string
  /** a field printed as hex with a comment, a line of its own (`0x03F8, // Range Minimum`) */
  | { row: string; comment: string };

interface DescDef {
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

const f = (name: string, at: number, size: 1 | 2 | 4 | 8, more: Partial<FieldDef> = {}): FieldDef => ({ name, at, size, ...more });
const bit = (name: string, at: number, size: 1 | 2, shift: number, bits: number, kw?: Kw, more: Partial<FieldDef> = {}): FieldDef => ({
  name,
  at,
  size,
  shift,
  bits,
  ...(kw ? { kw } : {}),
  ...more,
});

const USAGE: Kw = { 0: 'ResourceProducer', 1: 'ResourceConsumer' };
const DECODE: Kw = { 0: 'PosDecode', 1: 'SubDecode' };
const MIN_FIXED: Kw = { 0: 'MinNotFixed', 1: 'MinFixed' };
const MAX_FIXED: Kw = { 0: 'MaxNotFixed', 1: 'MaxFixed' };
const RW: Kw = { 0: 'ReadOnly', 1: 'ReadWrite' };
const CACHE: Kw = { 0: 'NonCacheable', 1: 'Cacheable', 2: 'WriteCombining', 3: 'Prefetchable' };
const MTP: Kw = { 0: 'AddressRangeMemory', 1: 'AddressRangeReserved', 2: 'AddressRangeACPI', 3: 'AddressRangeNVS' };
const TTP: Kw = { 0: 'TypeStatic', 1: 'TypeTranslation' };
const TRS: Kw = { 0: 'DenseTranslation', 1: 'SparseTranslation' };
const ISA: Kw = { 1: 'NonISAOnlyRanges', 2: 'ISAOnlyRanges', 3: 'EntireRange' };
const SHARE: Kw = { 0: 'Exclusive', 1: 'Shared', 2: 'ExclusiveAndWake', 3: 'SharedAndWake' };
const SHARED: Kw = { 0: 'Exclusive', 1: 'Shared' };
const EDGE: Kw = { 0: 'Level', 1: 'Edge' };
const ACTIVE_LOW: Kw = { 0: 'ActiveHigh', 1: 'ActiveLow' };
const POLARITY: Kw = { 0: 'ActiveHigh', 1: 'ActiveLow', 2: 'ActiveBoth' };
const PULL: Kw = { 0: 'PullDefault', 1: 'PullUp', 2: 'PullDown', 3: 'PullNone' };
const IO_RESTRICT: Kw = { 0: 'IoRestrictionNone', 1: 'IoRestrictionInputOnly', 2: 'IoRestrictionOutputOnly', 3: 'IoRestrictionNoneAndPreserve' };
const INITIATED: Kw = { 0: 'ControllerInitiated', 1: 'DeviceInitiated' };
/** ACPI 6.5 §6.4.3.7 Generic Register address spaces, as the Register macro names them */
const SPACE: Kw = {
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
function addressFields(size: 2 | 4 | 8, extended = false): FieldDef[] {
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
const ROWS = [
  { row: 'granularity', comment: 'Granularity' },
  { row: 'min', comment: 'Range Minimum' },
  { row: 'max', comment: 'Range Maximum' },
  { row: 'translation', comment: 'Translation Offset' },
  { row: 'length', comment: 'Length' },
];
const MEMORY_FLAGS = [
  bit('readWrite', 5, 1, 0, 1, RW),
  bit('cache', 5, 1, 1, 2, CACHE),
  bit('rangeType', 5, 1, 3, 2, MTP),
  bit('translationType', 5, 1, 5, 1, TTP),
];
const IO_FLAGS = [bit('isaRanges', 5, 1, 0, 2, ISA), bit('translationType', 5, 1, 4, 1, TTP), bit('translationSparse', 5, 1, 5, 1, TRS)];

/** The address descriptors of one width: Memory, IO, BusNumber (Word only) and Space. */
function addressDescs(prefix: 'Word' | 'DWord' | 'QWord' | 'Extended', tag: number, width: 2 | 4 | 8): DescDef[] {
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
const PINS: Placed = { name: 'pins', kind: 'pins', offset: 'pinTableOffset' };
const SOURCE: Placed = { name: 'source', kind: 'string', offset: 'sourceOffset' };
const LABEL: Placed = { name: 'label', kind: 'string', offset: 'labelOffset' };
const VENDOR: Placed = { name: 'vendorData', kind: 'bytes', offset: 'vendorOffset', length: 'vendorLength' };
const derived = (name: string, at: number): FieldDef => f(name, at, 2, { derived: true });

/** A serial bus descriptor's common fields (§6.4.3.8.2), its type-specific ones after them. */
const serial = (macro: string, type: number, revision: number, typeFields: FieldDef[], size: number, lines: ArgSpec[][]): DescDef => ({
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

const I2C_FIELDS = [bit('addressing10Bit', 7, 2, 0, 1, { 0: 'AddressingMode7Bit', 1: 'AddressingMode10Bit' }), f('speed', 12, 4), f('address', 16, 2)];
const SPI_FIELDS = [
  bit('wireMode', 7, 2, 0, 1, { 0: 'FourWireMode', 1: 'ThreeWireMode' }),
  bit('devicePolarity', 7, 2, 1, 1, { 0: 'PolarityLow', 1: 'PolarityHigh' }),
  f('speed', 12, 4),
  f('dataBitLength', 16, 1),
  f('clockPhase', 17, 1, { kw: { 0: 'ClockPhaseFirst', 1: 'ClockPhaseSecond' } }),
  f('clockPolarity', 18, 1, { kw: { 0: 'ClockPolarityLow', 1: 'ClockPolarityHigh' } }),
  f('deviceSelection', 19, 2),
];
const UART_FIELDS = [
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
const serialBus = (v2: boolean): DescDef[] => {
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

/** Every descriptor iasl 20200925 writes with a macro, ACPI 6.5 §6.4.2 (small) and §6.4.3 (large). */
export const DESCRIPTORS: readonly DescDef[] = [
  // §6.4.2.1 IRQ: the 3-byte form with its flags, the 2-byte form without
  {
    macro: 'IRQ',
    tag: 0x04,
    large: false,
    size: 4,
    exact: true,
    fields: [f('interrupts', 1, 2, { mask: true }), bit('mode', 3, 1, 0, 1, EDGE), bit('polarity', 3, 1, 3, 1, ACTIVE_LOW), bit('sharing', 3, 1, 4, 2, SHARE)],
    lines: [['mode', 'polarity', 'sharing', 'name']],
    list: 'irqs',
  },
  { macro: 'IRQNoFlags', tag: 0x04, large: false, size: 3, exact: true, fields: [f('interrupts', 1, 2, { mask: true })], lines: [['name']], list: 'irqs' },
  // §6.4.2.2 DMA
  {
    macro: 'DMA',
    tag: 0x05,
    large: false,
    size: 3,
    fields: [
      f('channels', 1, 1, { mask: true }),
      bit('transferSize', 2, 1, 0, 2, { 0: 'Transfer8', 1: 'Transfer8_16', 2: 'Transfer16' }),
      bit('busMaster', 2, 1, 2, 1, { 0: 'NotBusMaster', 1: 'BusMaster' }),
      bit('speed', 2, 1, 5, 2, { 0: 'Compatibility', 1: 'TypeA', 2: 'TypeB', 3: 'TypeF' }),
    ],
    lines: [['speed', 'busMaster', 'transferSize', 'name']],
    list: 'irqs',
  },
  // §6.4.2.3-4 dependent functions: the descriptors after a start belong to it
  {
    macro: 'StartDependentFn',
    tag: 0x06,
    large: false,
    size: 2,
    exact: true,
    fields: [f('compatibility', 1, 1, { shift: 0, bits: 2 }), f('performance', 1, 1, { shift: 2, bits: 2 })],
    lines: [['compatibility', 'performance']],
    list: 'dependent',
  },
  { macro: 'StartDependentFnNoPri', tag: 0x06, large: false, size: 1, exact: true, fields: [], lines: [[]], list: 'dependent' },
  { macro: 'EndDependentFn', tag: 0x07, large: false, size: 1, fields: [], lines: [[]] },
  // §6.4.2.5-6 I/O ports
  {
    macro: 'IO',
    tag: 0x08,
    large: false,
    size: 8,
    fields: [bit('decode16', 1, 1, 0, 1, { 0: 'Decode10', 1: 'Decode16' }), f('min', 2, 2), f('max', 4, 2), f('alignment', 6, 1), f('length', 7, 1)],
    lines: [
      ['decode16'],
      { row: 'min', comment: 'Range Minimum' },
      { row: 'max', comment: 'Range Maximum' },
      { row: 'alignment', comment: 'Alignment' },
      { row: 'length', comment: 'Length' },
      ['name'],
    ].map((l) => (Array.isArray(l) ? l : [l])),
  },
  {
    macro: 'FixedIO',
    tag: 0x09,
    large: false,
    size: 4,
    fields: [f('base', 1, 2), f('length', 3, 1)],
    lines: [[], [{ row: 'base', comment: 'Address' }], [{ row: 'length', comment: 'Length' }], ['name']],
  },
  // §6.4.2.7 Fixed DMA
  {
    macro: 'FixedDMA',
    tag: 0x0a,
    large: false,
    size: 6,
    fields: [
      f('requestLine', 1, 2),
      f('channel', 3, 2),
      f('width', 5, 1, { kw: { 0: 'Width8bit', 1: 'Width16bit', 2: 'Width32bit', 3: 'Width64bit', 4: 'Width128bit', 5: 'Width256bit' } }),
    ],
    lines: [['requestLine', 'channel', 'width', 'name']],
  },
  // §6.4.2.8 vendor-defined (small)
  { macro: 'VendorShort', tag: 0x0e, large: false, size: 1, fields: [], part: { t: 'data' }, lines: [['name']], list: 'data' },
  // §6.4.3.1-4 memory ranges
  {
    macro: 'Memory24',
    tag: 0x81,
    large: true,
    size: 12,
    fields: [bit('readWrite', 3, 1, 0, 1, RW), f('min', 4, 2), f('max', 6, 2), f('alignment', 8, 2), f('length', 10, 2)],
    lines: [
      ['readWrite'],
      [{ row: 'min', comment: 'Range Minimum' }],
      [{ row: 'max', comment: 'Range Maximum' }],
      [{ row: 'alignment', comment: 'Alignment' }],
      [{ row: 'length', comment: 'Length' }],
      ['name'],
    ],
  },
  {
    macro: 'Memory32',
    tag: 0x85,
    large: true,
    size: 20,
    fields: [bit('readWrite', 3, 1, 0, 1, RW), f('min', 4, 4), f('max', 8, 4), f('alignment', 12, 4), f('length', 16, 4)],
    lines: [
      ['readWrite'],
      [{ row: 'min', comment: 'Range Minimum' }],
      [{ row: 'max', comment: 'Range Maximum' }],
      [{ row: 'alignment', comment: 'Alignment' }],
      [{ row: 'length', comment: 'Length' }],
      ['name'],
    ],
  },
  {
    macro: 'Memory32Fixed',
    tag: 0x86,
    large: true,
    size: 12,
    fields: [bit('readWrite', 3, 1, 0, 1, RW), f('base', 4, 4), f('length', 8, 4)],
    lines: [['readWrite'], [{ row: 'base', comment: 'Address Base' }], [{ row: 'length', comment: 'Address Length' }], ['name']],
  },
  // §6.4.3.7 Generic Register
  {
    macro: 'Register',
    tag: 0x82,
    large: true,
    size: 15,
    fields: [f('space', 3, 1, { kw: SPACE, hex: true }), f('bitWidth', 4, 1), f('bitOffset', 5, 1), f('accessSize', 6, 1), f('address', 7, 8)],
    lines: [
      ['space'],
      [{ row: 'bitWidth', comment: 'Bit Width' }],
      [{ row: 'bitOffset', comment: 'Bit Offset' }],
      [{ row: 'address', comment: 'Address' }],
      [{ row: 'accessSize', comment: 'Access Size' }],
      ['name'],
    ],
  },
  // §6.4.3.2 vendor-defined (large)
  { macro: 'VendorLong', tag: 0x84, large: true, size: 3, fields: [], part: { t: 'data' }, lines: [['name']], list: 'data' },
  // §6.4.3.5 address space descriptors
  ...addressDescs('QWord', 0x8a, 8),
  ...addressDescs('DWord', 0x87, 4),
  ...addressDescs('Word', 0x88, 2),
  ...addressDescs('Extended', 0x8b, 8),
  // §6.4.3.6 Extended Interrupt
  {
    macro: 'Interrupt',
    tag: 0x89,
    large: true,
    size: 5,
    fields: [
      bit('usage', 3, 1, 0, 1, USAGE),
      bit('mode', 3, 1, 1, 1, EDGE),
      bit('polarity', 3, 1, 2, 1, ACTIVE_LOW),
      bit('sharing', 3, 1, 3, 2, SHARE),
      f('count', 4, 1, { derived: true }),
    ],
    part: { t: 'interrupts' },
    lines: [['usage', 'mode', 'polarity', 'sharing', 'source', 'name']],
    list: 'interrupts',
  },
  // §6.4.3.8.1 GPIO connections
  {
    macro: 'GpioInt',
    tag: 0x8c,
    large: true,
    size: 23,
    when: { connectionType: 0 },
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      f('connectionType', 4, 1),
      bit('usage', 5, 2, 0, 1, USAGE),
      bit('mode', 7, 2, 0, 1, EDGE),
      bit('polarity', 7, 2, 1, 2, POLARITY),
      bit('sharing', 7, 2, 3, 2, SHARE),
      f('pinConfig', 9, 1, { kw: PULL, hex: true }),
      f('driveStrength', 10, 2, { fixed: 0 }),
      f('debounceTimeout', 12, 2),
      derived('pinTableOffset', 14),
      f('sourceIndex', 16, 1),
      derived('sourceOffset', 17),
      derived('vendorOffset', 19),
      derived('vendorLength', 21),
    ],
    part: { t: 'placed', parts: [PINS, SOURCE, VENDOR] },
    lines: [['mode', 'polarity', 'sharing', 'pinConfig', 'debounceTimeout'], ['source', 'sourceIndex', 'usage', 'name'], ['vendorData']],
    list: 'pins',
  },
  {
    macro: 'GpioIo',
    tag: 0x8c,
    large: true,
    size: 23,
    when: { connectionType: 1 },
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      f('connectionType', 4, 1),
      bit('usage', 5, 2, 0, 1, USAGE),
      bit('ioRestriction', 7, 2, 0, 2, IO_RESTRICT),
      bit('sharing', 7, 2, 3, 2, SHARE),
      f('pinConfig', 9, 1, { kw: PULL, hex: true }),
      f('driveStrength', 10, 2),
      f('debounceTimeout', 12, 2),
      derived('pinTableOffset', 14),
      f('sourceIndex', 16, 1),
      derived('sourceOffset', 17),
      derived('vendorOffset', 19),
      derived('vendorLength', 21),
    ],
    part: { t: 'placed', parts: [PINS, SOURCE, VENDOR] },
    lines: [['sharing', 'pinConfig', 'debounceTimeout', 'driveStrength', 'ioRestriction'], ['source', 'sourceIndex', 'usage', 'name'], ['vendorData']],
    list: 'pins',
  },
  // §6.4.3.8.2 serial bus connections (CSI-2, type 4, is newer than iasl 20200925)
  ...serialBus(true),
  ...serialBus(false),
  // §6.4.3.9-13 pin function, configuration and groups
  {
    macro: 'PinFunction',
    tag: 0x8d,
    large: true,
    size: 18,
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      bit('sharing', 4, 2, 0, 1, SHARED),
      // iasl takes the usage but writes no bit: the descriptor is a consumer
      bit('usage', 4, 2, 1, 1, { 0: 'ResourceConsumer' }),
      f('pinConfig', 6, 1, { kw: PULL, hex: true }),
      f('functionNumber', 7, 2),
      derived('pinTableOffset', 9),
      f('sourceIndex', 11, 1),
      derived('sourceOffset', 12),
      derived('vendorOffset', 14),
      derived('vendorLength', 16),
    ],
    part: { t: 'placed', parts: [PINS, SOURCE, VENDOR] },
    lines: [
      ['sharing', 'pinConfig', 'functionNumber', 'source', 'sourceIndex'],
      ['usage', 'name', 'vendorData'],
    ],
    list: 'pins',
  },
  {
    macro: 'PinConfig',
    tag: 0x8f,
    large: true,
    size: 20,
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      bit('sharing', 4, 2, 0, 1, SHARED),
      bit('usage', 4, 2, 1, 1, USAGE),
      f('configType', 6, 1),
      f('configValue', 7, 4),
      derived('pinTableOffset', 11),
      f('sourceIndex', 13, 1),
      derived('sourceOffset', 14),
      derived('vendorOffset', 16),
      derived('vendorLength', 18),
    ],
    part: { t: 'placed', parts: [PINS, SOURCE, VENDOR] },
    lines: [['sharing', 'configType', 'configValue'], ['source', 'sourceIndex', 'usage', 'name'], ['vendorData']],
    list: 'pins',
  },
  {
    macro: 'PinGroup',
    tag: 0x90,
    large: true,
    size: 14,
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      bit('usage', 4, 2, 0, 1, USAGE),
      derived('pinTableOffset', 6),
      derived('labelOffset', 8),
      derived('vendorOffset', 10),
      derived('vendorLength', 12),
    ],
    part: { t: 'placed', parts: [PINS, LABEL, VENDOR] },
    lines: [['label', 'usage', 'name', 'vendorData']],
    list: 'pins',
  },
  {
    macro: 'PinGroupFunction',
    tag: 0x91,
    large: true,
    size: 17,
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      bit('sharing', 4, 2, 0, 1, SHARED),
      bit('usage', 4, 2, 1, 1, USAGE),
      f('functionNumber', 6, 2),
      f('sourceIndex', 8, 1),
      derived('sourceOffset', 9),
      derived('labelOffset', 11),
      derived('vendorOffset', 13),
      derived('vendorLength', 15),
    ],
    part: { t: 'placed', parts: [SOURCE, LABEL, VENDOR] },
    lines: [
      ['sharing', 'functionNumber', 'source', 'sourceIndex'],
      ['label', 'usage', 'name', 'vendorData'],
    ],
  },
  {
    macro: 'PinGroupConfig',
    tag: 0x92,
    large: true,
    size: 20,
    fields: [
      f('revision', 3, 1, { fixed: 1 }),
      bit('sharing', 4, 2, 0, 1, SHARED),
      bit('usage', 4, 2, 1, 1, USAGE),
      f('configType', 6, 1),
      f('configValue', 7, 4),
      f('sourceIndex', 11, 1),
      derived('sourceOffset', 12),
      derived('labelOffset', 14),
      derived('vendorOffset', 16),
      derived('vendorLength', 18),
    ],
    part: { t: 'placed', parts: [SOURCE, LABEL, VENDOR] },
    lines: [
      ['sharing', 'configType', 'configValue'],
      ['source', 'sourceIndex', 'label', 'usage', 'name', 'vendorData'],
    ],
  },
];

/** The End Tag (§6.4.2.9): small type 0x0F, one byte (a checksum; iasl writes 0). */
const END_TYPE = 0x0f;

/**
 * The resource lengths ACPICA accepts per type (utresrc.c AcpiUtValidateResource): small types by
 * their type, large ones by their tag; [min, max] of the length after the header.
 */
const SMALL_LENGTHS: Readonly<Record<number, readonly [number, number]>> = {
  0x04: [2, 3],
  0x05: [2, 2],
  0x06: [0, 1],
  0x07: [0, 0],
  0x08: [7, 7],
  0x09: [3, 3],
  0x0a: [5, 5],
  0x0e: [0, 7],
  0x0f: [1, 1],
};
const LARGE_MIN: Readonly<Record<number, number>> = {
  0x81: 9,
  0x82: 12,
  0x84: 0,
  0x85: 17,
  0x86: 9,
  0x87: 23,
  0x88: 13,
  0x89: 6,
  0x8a: 43,
  0x8b: 53,
  0x8c: 20,
  0x8d: 15,
  0x8e: 9,
  0x8f: 17,
  0x90: 11,
  0x91: 14,
  0x92: 17,
};
/** the large types whose length is fixed */
const LARGE_FIXED = new Set([0x81, 0x82, 0x85, 0x86, 0x8b]);

// ---------------------------------------------------------------------------------------------
// Reading

const le = (b: Uint8Array, at: number, size: number): number | bigint => {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] ?? 0);
  return size < 8 ? Number(v) : v;
};

/** A NUL-terminated string of printable ASCII filling exactly [from, to), or undefined. */
function cString(b: Uint8Array, from: number, to: number): string | undefined {
  if (to - from < 2 || b[to - 1] !== 0) return undefined;
  let s = '';
  for (let i = from; i < to - 1; i++) {
    if (b[i] < 0x20 || b[i] > 0x7e) return undefined;
    s += String.fromCharCode(b[i]);
  }
  return s;
}

const bitsOf = (mask: number): number[] => Array.from({ length: 16 }, (_x, i) => i).filter((i) => mask & (1 << i));

/** The declaration a descriptor is read by (its tag, its length for the small ones whose length
 * picks the macro, and its `when` fields), or undefined for one iasl has no macro for. */
function defFor(d: Uint8Array, tag: number, large: boolean): DescDef | undefined {
  for (const def of DESCRIPTORS) {
    if (def.tag !== tag || def.large !== large) continue;
    if (def.exact && d.length !== def.size) continue;
    if (d.length < def.size) continue;
    const ok = Object.entries(def.when ?? {}).every(([name, v]) => {
      const fd = def.fields.find((x) => x.name === name)!;
      return readField(d, fd) === v;
    });
    if (ok) return def;
  }
  return undefined;
}

function readField(d: Uint8Array, fd: FieldDef): number | bigint {
  const v = le(d, fd.at, fd.size);
  if (fd.shift === undefined || typeof v === 'bigint') return v;
  return (v >>> fd.shift) & ((1 << fd.bits!) - 1);
}

/** A descriptor's typed fields (by its declaration), or undefined when its parts do not fit. */
function readDescriptor(d: Uint8Array, def: DescDef): Record<string, ResourceFieldValue> | undefined {
  const out: Record<string, ResourceFieldValue> = {};
  for (const fd of def.fields) {
    const v = readField(d, fd);
    out[fd.name] = fd.mask ? bitsOf(Number(v)) : v;
  }
  const part = def.part;
  if (!part) return d.length === def.size ? out : undefined;
  switch (part.t) {
    case 'data':
      out.data = d.slice(def.size);
      return out;
    case 'source':
    case 'interrupts': {
      let at = def.size;
      if (part.t === 'interrupts') {
        const count = d[4];
        if (def.size + 4 * count > d.length) return undefined;
        out.interrupts = Array.from({ length: count }, (_x, i) => Number(le(d, def.size + 4 * i, 4)));
        at += 4 * count;
      }
      if (at < d.length) out.sourceIndex = d[at];
      if (at + 1 < d.length) {
        const s = cString(d, at + 1, d.length);
        out.source = s ?? d.slice(at + 1);
      }
      return out;
    }
    case 'placed': {
      const starts = part.parts.map((p) => Number(out[p.offset]));
      for (const [i, p] of part.parts.entries()) {
        const from = starts[i];
        const to = p.length !== undefined ? from + Number(out[p.length]) : starts.reduce((m, s) => (s > from && s < m ? s : m), d.length);
        if (from < def.size || to > d.length || to < from) return undefined;
        if (p.kind === 'pins') {
          if ((to - from) % 2) return undefined;
          out[p.name] = Array.from({ length: (to - from) / 2 }, (_x, k) => Number(le(d, from + 2 * k, 2)));
        } else if (p.kind === 'string') out[p.name] = cString(d, from, to) ?? d.slice(from, to);
        else out[p.name] = d.slice(from, to);
      }
      return out;
    }
    case 'serial': {
      const end = 12 + Number(out.typeDataLength);
      if (end < def.size || end > d.length) return undefined;
      out.vendorData = d.slice(def.size, end);
      out.source = cString(d, end, d.length) ?? d.slice(end);
      return out;
    }
  }
}

/** What reading a byte sequence as descriptors found. */
interface Walk {
  descriptors: ResourceDescriptor[];
  /** each descriptor's declaration (undefined: no macro) */
  defs: (DescDef | undefined)[];
  /** the End Tag's offset, when one ended the walk */
  end?: number;
}

/** Reads descriptors from the start of `b` until an End Tag or the end of the bytes; undefined when
 * a descriptor's type is unknown or its length is not one its type has or runs past the bytes. */
function walk(b: Uint8Array): Walk | undefined {
  const descriptors: ResourceDescriptor[] = [];
  const defs: (DescDef | undefined)[] = [];
  let at = 0;
  while (at < b.length) {
    const tag = b[at];
    const large = (tag & 0x80) !== 0;
    let len: number;
    let head: number;
    if (large) {
      if (at + 3 > b.length) return undefined;
      len = b[at + 1] | (b[at + 2] << 8);
      head = 3;
      const min = LARGE_MIN[tag];
      if (min === undefined) {
        // a large type newer than iasl's: kept as bytes when its length fits
        if (tag < 0x93) return undefined;
      } else if (LARGE_FIXED.has(tag) ? len !== min : len < min) return undefined;
    } else {
      const type = (tag >> 3) & 0x0f;
      len = tag & 7;
      head = 1;
      const range = SMALL_LENGTHS[type];
      if (!range || len < range[0] || len > range[1]) return undefined;
      if (type === END_TYPE) return { descriptors, defs, end: at };
    }
    if (at + head + len > b.length) return undefined;
    const d = b.subarray(at, at + head + len);
    const type = large ? tag : (tag >> 3) & 0x0f;
    const def = defFor(d, type, large);
    const fields = def ? readDescriptor(d, def) : undefined;
    if (def && !fields) return undefined;
    if (large && tag === 0x8e && (d[5] === 0 || d[5] > 4)) return undefined; // no serial bus type ACPI 6.5 defines
    descriptors.push({ type: def?.macro ?? 'Unknown', offset: at, length: d.length, fields: fields ?? { tag, data: d.slice(head) } });
    defs.push(fields ? def : undefined);
    at += d.length;
  }
  return { descriptors, defs };
}

/**
 * A buffer's bytes read as a resource template, or undefined when they are not one: more than two
 * bytes (iasl -d reads no shorter buffer as one), every descriptor of a known type and a length its
 * type allows, and an End Tag as the last two bytes. Never throws.
 */
export function decodeResourceTemplate(bytes: Uint8Array): ResourceTemplate | undefined {
  if (bytes.length <= 2) return undefined;
  const w = walk(bytes);
  if (!w || w.end !== bytes.length - 2) return undefined;
  return { descriptors: w.descriptors, checksum: bytes[bytes.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Writing back as iasl's resource compiler does

function putField(d: Uint8Array, fd: FieldDef, value: number | bigint): void {
  let v = BigInt(value);
  if (fd.shift !== undefined) {
    v = (v & ((1n << BigInt(fd.bits!)) - 1n)) << BigInt(fd.shift);
    v |= BigInt(le(d, fd.at, fd.size));
  }
  for (let i = 0; i < fd.size; i++) d[fd.at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

const strBytes = (s: ResourceFieldValue | undefined): number[] =>
  typeof s === 'string' ? [...Array.from(s, (c) => c.charCodeAt(0)), 0] : s instanceof Uint8Array ? Array.from(s) : [];

/** The bytes iasl's compiler writes for a descriptor's fields: the header, the derived lengths and
 * offsets and the constant fields its own, the parts in its order. */
function writeDescriptor(def: DescDef, fields: Record<string, ResourceFieldValue>): Uint8Array {
  const tail: number[] = [];
  const add = (xs: ArrayLike<number>) => {
    for (let i = 0; i < xs.length; i++) tail.push(xs[i]);
  };
  const derivedVals: Record<string, number> = {};
  const part = def.part;
  if (part?.t === 'data') add(fields.data as Uint8Array);
  if (part?.t === 'interrupts') {
    const list = fields.interrupts as number[];
    derivedVals.count = list.length;
    for (const x of list) tail.push(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
  }
  if ((part?.t === 'source' || part?.t === 'interrupts') && fields.sourceIndex !== undefined) {
    tail.push(Number(fields.sourceIndex));
    add(strBytes(fields.source));
  }
  if (part?.t === 'placed') {
    for (const p of part.parts) {
      derivedVals[p.offset] = def.size + tail.length;
      const v = fields[p.name];
      const bytes = p.kind === 'pins' ? (v as number[]).flatMap((x) => [x & 0xff, (x >> 8) & 0xff]) : strBytes(v);
      if (p.length) derivedVals[p.length] = bytes.length;
      add(bytes);
    }
  }
  if (part?.t === 'serial') {
    const vendor = fields.vendorData as Uint8Array;
    derivedVals.typeDataLength = def.size - 12 + vendor.length;
    add(vendor);
    add(strBytes(fields.source));
  }
  const d = new Uint8Array(def.size + tail.length);
  d.set(tail, def.size);
  if (def.large) {
    d[0] = def.tag;
    d[1] = (d.length - 3) & 0xff;
    d[2] = (d.length - 3) >> 8;
  } else d[0] = (def.tag << 3) | (d.length - 1);
  for (const fd of def.fields) {
    const v = fd.fixed ?? (fd.derived ? derivedVals[fd.name] : fd.mask ? (fields[fd.name] as number[]).reduce((m, i) => m | (1 << i), 0) : fields[fd.name]);
    putField(d, fd, v as number | bigint);
  }
  return d;
}

/** Whether a descriptor's macro can say its fields: every keyword field holds a value with a
 * keyword, strings are printable and not empty, and the parts the macro needs are there. */
function sayable(def: DescDef, fields: Record<string, ResourceFieldValue>): boolean {
  for (const fd of def.fields) if (fd.kw && !fd.hex && fd.kw[Number(fields[fd.name])] === undefined) return false;
  for (const [name, min] of Object.entries(def.atLeast ?? {})) if (Number(fields[name]) < min) return false;
  for (const name of ['source', 'label']) if (name in fields && typeof fields[name] !== 'string') return false;
  const part = def.part;
  if (part?.t === 'placed' || part?.t === 'serial') {
    // the macros' ResourceSource (and label) are required and written with their NUL
    if (part.t === 'serial' || part.parts.includes(SOURCE)) if (!fields.source) return false;
    if (part.t === 'placed' && part.parts.includes(LABEL) && !fields.label) return false;
    if (part.t === 'placed' && part.parts.includes(PINS)) {
      const pins = fields.pins as number[];
      // GpioInt's grammar takes one pin (aslresources.y GpioIntTerm)
      if (!pins.length || (def.macro === 'GpioInt' && pins.length !== 1)) return false;
    }
  }
  if (part?.t === 'interrupts' && !(fields.interrupts as number[]).length) return false;
  if (part?.t === 'data' && !(fields.data as Uint8Array).length) return false;
  return true;
}

/** Whether the walk's descriptors all print as macros that compile back to their bytes, in a
 * well-formed dependent-function structure. */
function printable(b: Uint8Array, w: Walk): boolean {
  let inDependent = false;
  let sawEnd = false;
  for (const [i, d] of w.descriptors.entries()) {
    const def = w.defs[i];
    if (!def || !sayable(def, d.fields)) return false;
    const again = writeDescriptor(def, d.fields);
    const orig = b.subarray(d.offset, d.offset + d.length);
    if (again.length !== orig.length || again.some((x, k) => x !== orig[k])) return false;
    if (def.list === 'dependent') {
      if (sawEnd) return false;
      inDependent = true;
    } else if (def.macro === 'EndDependentFn') {
      if (!inDependent) return false;
      inDependent = false;
      sawEnd = true;
    }
  }
  return !inDependent;
}

// ---------------------------------------------------------------------------------------------
// Printing

const hexN = (v: number | bigint, digits: number) => '0x' + BigInt(v).toString(16).toUpperCase().padStart(digits, '0');
const pad = (n: number) => '    '.repeat(n);

/** A string as ASL writes it (backslashes and quotes escaped; the strings here are printable). */
const aslStr = (s: string) => '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';

function byteRows(bytes: Uint8Array, indent: number): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8)
    lines.push(pad(indent) + Array.from(bytes.subarray(i, i + 8), (x) => hexN(x, 2)).join(', ') + (i + 8 < bytes.length ? ',' : ''));
  return lines.join('\n');
}

/** One argument's text. */
function argText(def: DescDef, fields: Record<string, ResourceFieldValue>, name: string, indent: number): string {
  if (name === 'name') return '';
  if (name === 'source' && (def.part?.t === 'source' || def.part?.t === 'interrupts')) {
    // the optional pair as iasl -d writes it: ",", "0xNN," or `0xNN, "…"`
    if (fields.sourceIndex === undefined) return ',';
    return hexN(Number(fields.sourceIndex), 2) + ',' + (fields.source !== undefined ? ' ' + aslStr(fields.source as string) : '');
  }
  if (name === 'vendorData') {
    const v = fields.vendorData as Uint8Array;
    if (!v.length) return '';
    return `RawDataBuffer (${hexN(v.length, 2)})  // Vendor Data\n${pad(indent)}{\n${byteRows(v, indent + 1)}\n${pad(indent)}}`;
  }
  const v = fields[name];
  if (typeof v === 'string') return aslStr(v);
  const fd = def.fields.find((x) => x.name === name)!;
  const kw = fd.kw?.[Number(v)];
  if (kw !== undefined) return kw;
  return hexN(v as number | bigint, fd.size * 2);
}

/** A descriptor's macro, its first line at `indent` (no leading pad), and its list after it. */
function macroText(def: DescDef, fields: Record<string, ResourceFieldValue>, indent: number): string {
  const inner = indent + 1;
  let out = `${def.macro} (`;
  def.lines.forEach((line, i) => {
    const last = i + 1 === def.lines.length;
    if (i) out += pad(inner);
    const rows = line.filter((a): a is { row: string; comment: string } => typeof a !== 'string');
    if (rows.length) {
      const r = rows[0];
      out += `${argText(def, fields, r.row, inner)},`.padEnd(20) + `// ${r.comment}\n`;
      return;
    }
    // vendor data after other arguments goes on a line of its own, as iasl -d puts it
    const text = (line as string[])
      .map((a, k) => {
        const t = argText(def, fields, a, inner);
        return k === 0 ? t : a === 'vendorData' ? (t ? `,\n${pad(inner)}${t}` : ',') : `, ${t}`;
      })
      .join('');
    out += text + (last ? ')' : i === 0 && !line.length ? '\n' : ',\n');
  });
  switch (def.list) {
    case 'irqs':
      out += `\n${pad(inner)}{${((fields.interrupts ?? fields.channels) as number[]).join(',')}}`;
      break;
    case 'interrupts':
      out += `\n${pad(indent)}{\n${(fields.interrupts as number[]).map((x) => `${pad(inner)}${hexN(x, 8)},\n`).join('')}${pad(indent)}}`;
      break;
    case 'pins':
      out += `\n${pad(inner)}{   // Pin list\n${(fields.pins as number[]).map((x) => pad(inner + 1) + hexN(x, 4)).join(',\n')}\n${pad(inner)}}`;
      break;
    case 'data':
      out += `\n${pad(indent)}{\n${byteRows(fields.data as Uint8Array, inner)}\n${pad(indent)}}`;
      break;
  }
  return out;
}

/**
 * A buffer's bytes as the body of `ResourceTemplate ()`, one macro a line at `indent` (each line
 * ends with a newline), or undefined when they are no template whose macros compile back to them.
 */
export function templateAsl(bytes: Uint8Array, indent: number): string | undefined {
  if (bytes.length <= 2) return undefined;
  const w = walk(bytes);
  if (!w || w.end !== bytes.length - 2 || bytes[bytes.length - 1] !== 0 || !printable(bytes, w)) return undefined;
  let out = '';
  let dep = 0;
  for (const [i, d] of w.descriptors.entries()) {
    const def = w.defs[i]!;
    if (dep && (def.list === 'dependent' || def.macro === 'EndDependentFn')) {
      out += `${pad(indent)}}\n`;
      dep = 0;
    }
    out += pad(indent + dep) + macroText(def, d.fields, indent + dep) + '\n';
    if (def.list === 'dependent') {
      out += `${pad(indent)}{\n`;
      dep = 1;
    }
  }
  return out;
}

/** A Connection's buffer (one descriptor, no End Tag, as iasl compiles `Connection (macro)`) as
 * the macro at `indent`, or undefined when it is not one the macro writes back. */
export function connectionAsl(bytes: Uint8Array, indent: number): string | undefined {
  const w = walk(bytes);
  if (!w || w.end !== undefined || w.descriptors.length !== 1 || w.defs[0]?.list === 'dependent' || !printable(bytes, w)) return undefined;
  return macroText(w.defs[0]!, w.descriptors[0].fields, indent);
}
