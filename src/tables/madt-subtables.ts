// The MADT's subtables, ACPI 6.5 §5.2.12 (the table and its rules are in madt.ts, Xen's own boot
// checks in madt-xen.ts): GICC (76/80/82 bytes: ACPI 5.1 / 6.0-6.3 / 6.5; longer ones keep their
// extra bytes raw), GICD, GIC MSI frame, GICR, GIC ITS, and the x86/Itanium types 0-10 as iasl reads
// them; any other type is kept raw. Also what the rules share: the GIC a MADT describes, and typed
// paths into its subtables.
import { layout, u8, u16, u24, u32, u64, bytes, type Bit, type Field, type Layout, valueNames } from '../layout/schema.js';
import { container, family, type Node, type FieldPath, type FieldName, fieldsOf, fieldPath } from '../layout/codec.js';
import { type RuleContext, type TableDef } from '../model/rules.js';
import { GICR_SIZE } from '../model/gic.js';

export const MADT_TYPES = valueNames(
  {
    0x00: 'Processor Local APIC',
    0x01: 'I/O APIC',
    0x02: 'Interrupt Source Override',
    0x03: 'NMI Source',
    0x04: 'Local APIC NMI',
    0x05: 'Local APIC Address Override',
    0x06: 'I/O SAPIC',
    0x07: 'Local SAPIC',
    0x08: 'Platform Interrupt Sources',
    0x09: 'Processor Local x2APIC',
    0x0a: 'Local x2APIC NMI',
    0x0b: 'Generic Interrupt Controller',
    0x0c: 'Generic Interrupt Distributor',
    0x0d: 'Generic MSI Frame',
    0x0e: 'Generic Interrupt Redistributor',
    0x0f: 'Generic Interrupt Translator',
    0x10: 'Multiprocessor Wakeup',
    0x11: 'CORE Programmable Interrupt Controller',
    0x12: 'Legacy I/O Programmable Interrupt Controller',
    0x13: 'HyperTransport Programmable Interrupt Controller',
    0x14: 'Extend I/O Programmable Interrupt Controller',
    0x15: 'MSI Programmable Interrupt Controller',
    0x16: 'Bridge I/O Programmable Interrupt Controller',
    0x17: 'Low Pin Count Programmable Interrupt Controller',
    0x18: 'RISC-V Hart Local Interrupt Controller',
  },
  'Unknown Subtable Type',
);

export const MADT_GICC = 0x0b;
export const MADT_GICD = 0x0c;
export const MADT_MSI_FRAME = 0x0d;
export const MADT_GICR = 0x0e;
export const MADT_ITS = 0x0f;

export const GICC_ENABLED = 0x1;
/** the GICC flag (MADT revision 6 and later) of a CPU the OS may bring online later */
export const GICC_ONLINE_CAPABLE = 0x8;
/** GICC lengths: ACPI 5.1, 6.0-6.3 (6.5 adds TRBE: 82) */
export const GICC_LEN_V5 = 76;
export const GICC_LEN_V6 = 80;

const typeField = () => u8('type', 'Subtable Type', { enum: MADT_TYPES });
const lengthField = () => u8('length', 'Length', { derive: 'length' });

const GICC_FLAGS: Bit[] = [
  { name: 'enabled', label: 'Processor Enabled', bit: 0 },
  { name: 'performance_interrupt_mode', label: 'Performance Interrupt Trigger Mode', bit: 1 },
  { name: 'vgic_interrupt_mode', label: 'Virtual GIC Interrupt Trigger Mode', bit: 2 },
  { name: 'online_capable', label: 'Online Capable', bit: 3, minRevision: 6 },
  { name: 'gicr_non_coherent', label: 'GICR Non-Coherent', bit: 4, minRevision: 7 },
];

export const gicc = container({
  name: 'gicc',
  label: 'Generic Interrupt Controller',
  // by UID when both sides' UIDs are unique (a build rewrites MPIDRs and keeps UIDs), else by MPIDR
  key: [{ uid: 'uid' }, { mpidr: 'arm_mpidr' }],
  minLength: GICC_LEN_V5,
  layout: layout('gicc', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved'),
    u32('cpu_interface_number', 'CPU Interface Number'),
    u32('uid', 'Processor UID'),
    u32('flags', 'Flags', { bits: GICC_FLAGS }),
    u32('parking_version', 'Parking Protocol Version'),
    u32('performance_interrupt', 'Performance Interrupt'),
    u64('parked_address', 'Parked Address'),
    u64('base_address', 'Base Address'),
    u64('gicv_base_address', 'Virtual GIC Base Address'),
    u64('gich_base_address', 'Hypervisor GIC Base Address'),
    u32('vgic_interrupt', 'Virtual GIC Interrupt'),
    u64('gicr_base_address', 'Redistributor Base Address'),
    u64('arm_mpidr', 'ARM MPIDR'),
    u8('efficiency_class', 'Efficiency Class', { optional: true }),
    u8('reserved2', 'Reserved', { optional: true }),
    u16('spe_interrupt', 'SPE Overflow Interrupt', { optional: true }),
    u16('trbe_interrupt', 'TRBE Interrupt', { optional: true }),
  ]),
}) satisfies TableDef;

/** the MADT revision of the 82-byte GICC (ACPI 6.5), whose bytes 80-81 are the TRBE interrupt */
export const MADT_REVISION_TRBE = 6;
/** The MADT revision that defines each per-CPU field placed in what an older GICC calls reserved
 * (ACPI 6.3, MADT revision 5: the SPE overflow interrupt in bytes 78-79; ACPI 6.5, revision 6: the
 * TRBE interrupt in bytes 80-81). Below it those bytes are no field: an 82-byte GICC rebuilt from
 * iasl's disassembly of an 80-byte one holds the next subtable's header there (`0B 50`). Linux reads
 * them by GICC length alone (arm_pmu_acpi.c ACPI_MADT_GICC_SPE/_TRBE); the rules read them only
 * where the table's revision defines them, and MADT_GICC_REVISION says when the length outruns it. */
export const GICC_PER_CPU = [
  { field: 'spe_interrupt', name: 'SPE', revision: 5 },
  { field: 'trbe_interrupt', name: 'TRBE', revision: MADT_REVISION_TRBE },
] as const satisfies readonly { field: FieldName<typeof gicc.layout>; name: string; revision: number }[];

/** A per-CPU GICC field, when the GICC holds it and the MADT's revision defines it. */
export function giccPerCpu(madtRevision: number, g: Node, p: (typeof GICC_PER_CPU)[number]): number | undefined {
  return madtRevision >= p.revision ? fieldsOf(gicc, g)[p.field] : undefined;
}

export const gicd = {
  name: 'gicd',
  label: 'Generic Interrupt Distributor',
  minLength: 24,
  layout: layout('gicd', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved'),
    u32('gic_id', 'Local GIC Hardware ID'),
    u64('base_address', 'Base Address'),
    u32('global_irq_base', 'Interrupt Base'),
    u8('version', 'Version'),
    bytes('reserved2', 'Reserved', 3, { show: 'number' }),
  ]),
} satisfies TableDef;

export const msiFrame = {
  name: 'msi_frame',
  label: 'Generic MSI Frame',
  minLength: 24,
  layout: layout('msi_frame', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved'),
    u32('msi_frame_id', 'MSI Frame ID'),
    u64('base_address', 'Base Address'),
    u32('flags', 'Flags', { bits: [{ name: 'spi_select', label: 'Select SPI', bit: 0 }] }),
    u16('spi_count', 'SPI Count'),
    u16('spi_base', 'SPI Base'),
  ]),
} satisfies TableDef;

export const gicr = {
  name: 'gicr',
  label: 'Generic Interrupt Redistributor',
  minLength: 16,
  layout: layout('gicr', [
    typeField(),
    lengthField(),
    u8('flags', 'Flags', { bits: [{ name: 'non_coherent', label: 'GICR Non-Coherent', bit: 0 }] }),
    u8('reserved', 'Reserved'),
    u64('base_address', 'Base Address'),
    u32('length_region', 'Length'),
  ]),
} satisfies TableDef;

export const its = {
  name: 'its',
  label: 'Generic Interrupt Translator',
  minLength: 20,
  layout: layout('its', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved'),
    u32('translation_id', 'Translation ID'),
    u64('base_address', 'Base Address'),
    u32('reserved2', 'Reserved'),
  ]),
} satisfies TableDef;

// The x86 and Itanium interrupt controllers (§5.2.12.2-12). An Arm MADT has none, but a table
// may carry them (iasl's own template does): read as iasl reads them. Their 16-bit MPS INTI flags
// keep polarity in bits 0-1 and the trigger mode in bits 2-3.
const INTI_FLAGS: Bit[] = [
  { name: 'polarity', label: 'Polarity', bit: 0, width: 2 },
  { name: 'trigger_mode', label: 'Trigger Mode', bit: 2, width: 2 },
];
const ENABLED: Bit = { name: 'enabled', label: 'Processor Enabled', bit: 0 };
const x86 = <const F extends readonly Field[]>(type: number, name: string, fields: F, parts?: TableDef['parts']) =>
  ({ name, label: MADT_TYPES.names[type], layout: layout(name, [typeField(), lengthField(), ...fields]), parts }) satisfies TableDef;

const x86Subtables = {
  [0x00]: x86(0x00, 'local_apic', [
    u8('processor_id', 'Processor ID'),
    u8('apic_id', 'Local Apic ID'),
    u32('flags', 'Flags', { bits: [ENABLED, { name: 'online_capable', label: 'Runtime Online Capable', bit: 1 }] }),
  ]),
  [0x01]: x86(0x01, 'io_apic', [u8('io_apic_id', 'I/O Apic ID'), u8('reserved', 'Reserved'), u32('address', 'Address'), u32('global_irq_base', 'Interrupt')]),
  [0x02]: x86(0x02, 'interrupt_override', [
    u8('bus', 'Bus'),
    u8('source_irq', 'Source'),
    u32('global_irq', 'Interrupt'),
    u16('flags', 'Flags', { bits: INTI_FLAGS }),
  ]),
  [0x03]: x86(0x03, 'nmi_source', [u16('flags', 'Flags', { bits: INTI_FLAGS }), u32('global_irq', 'Interrupt')]),
  [0x04]: x86(0x04, 'local_apic_nmi', [u8('processor_id', 'Processor ID'), u16('flags', 'Flags', { bits: INTI_FLAGS }), u8('lint', 'Interrupt Input LINT')]),
  [0x05]: x86(0x05, 'local_apic_override', [u16('reserved', 'Reserved'), u64('address', 'APIC Address')]),
  [0x06]: x86(0x06, 'io_sapic', [
    u8('io_sapic_id', 'I/O Sapic ID'),
    u8('reserved', 'Reserved'),
    u32('global_irq_base', 'Interrupt Base'),
    u64('address', 'Address'),
  ]),
  [0x07]: x86(
    0x07,
    'local_sapic',
    [
      u8('processor_id', 'Processor ID'),
      u8('sapic_id', 'Local Sapic ID'),
      u8('sapic_eid', 'Local Sapic EID'),
      u24('reserved', 'Reserved'),
      u32('flags', 'Flags', { bits: [ENABLED] }),
      u32('uid', 'Processor UID'),
    ],
    [{ key: 'uid_string', label: 'Processor UID String', kind: 'string' }],
  ),
  [0x08]: x86(0x08, 'interrupt_source', [
    u16('flags', 'Flags', { bits: INTI_FLAGS }),
    u8('interrupt_type', 'InterruptType'),
    u8('processor_id', 'Processor ID'),
    u8('processor_eid', 'Processor EID'),
    u8('io_sapic_vector', 'I/O Sapic Vector'),
    u32('global_irq', 'Interrupt'),
    u32('source_flags', 'Flags', { bits: [{ name: 'cpei_override', label: 'CPEI Override', bit: 0 }] }),
  ]),
  [0x09]: x86(0x09, 'local_x2apic', [
    u16('reserved', 'Reserved'),
    u32('x2apic_id', 'Processor x2Apic ID'),
    u32('flags', 'Flags', { bits: [ENABLED] }),
    u32('uid', 'Processor UID'),
  ]),
  [0x0a]: x86(0x0a, 'local_x2apic_nmi', [
    u16('flags', 'Flags', { bits: INTI_FLAGS }),
    u32('uid', 'Processor UID'),
    u8('lint', 'Interrupt Input LINT'),
    u24('reserved', 'Reserved'),
  ]),
};

export const madtFamily = family({
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  byType: { ...x86Subtables, [MADT_GICC]: gicc, [MADT_GICD]: gicd, [MADT_MSI_FRAME]: msiFrame, [MADT_GICR]: gicr, [MADT_ITS]: its },
  unknown: {
    name: 'subtable',
    label: 'Unknown Subtable',
    tailLabel: 'Subtable data (not decoded)',
    layout: layout('madt_unknown', [typeField(), lengthField()]),
  },
});

export interface GicInfo {
  version: 2 | 3;
  gicd?: Node;
  giccs: Node[];
  enabled: Node[];
  /** GICR subtables (GICv3 redistributor regions) */
  gicrs: Node[];
}

/** What the MADT's subtables describe: the GICD's version when it says 2 or ≥ 3; when it says 0
 * (ACPI 5.1 firmware), GICv3 if there are redistributors (GICR subtables or GICC GICR bases). */
export function gicInfo(items: Node[]): GicInfo {
  const of = (t: number) => items.filter((s) => s.fields.type === t);
  const gicdNode = of(MADT_GICD)[0];
  const giccs = of(MADT_GICC);
  const gicrs = of(MADT_GICR);
  const v = gicdNode ? Number(fieldsOf(gicd, gicdNode).version) : 0;
  const hasGicr = gicrs.length > 0 || giccs.some((g) => BigInt(fieldsOf(gicc, g).gicr_base_address ?? 0n) !== 0n);
  const version = v >= 3 ? 3 : v === 2 ? 2 : hasGicr ? 3 : 2;
  return { version, gicd: gicdNode, giccs, gicrs, enabled: giccs.filter((g) => Number(fieldsOf(gicc, g).flags) & GICC_ENABLED) };
}

export const MPIDR_HWID_MASK = 0xff00ffffffn;
export const mpidrOf = (g: Node): bigint => BigInt(fieldsOf(gicc, g).arm_mpidr ?? 0n);
export const enabledGicc = (g: Node) => (Number(fieldsOf(gicc, g).flags) & GICC_ENABLED) !== 0;
/** An MPIDR with bits outside Aff3..Aff0: Linux skips that CPU ("skipping CPU entry with invalid MPIDR"). */
export const invalidMpidr = (g: Node) => (mpidrOf(g) & ~MPIDR_HWID_MASK) !== 0n;

/** The redistributor regions Linux's GICv3 driver maps: the GICR subtables when there are any, else
 * one region per enabled GICC at its GICR base (gic_acpi_collect_gicr_base()). */
export function redistributorRegions(gic: GicInfo): { base: bigint; size: bigint; item: Node }[] {
  if (gic.gicrs.length)
    return gic.gicrs.map((g) => ({ base: BigInt(fieldsOf(gicr, g).base_address ?? 0n), size: BigInt(fieldsOf(gicr, g).length_region ?? 0), item: g }));
  return gic.enabled.map((g) => ({ base: BigInt(fieldsOf(gicc, g).gicr_base_address ?? 0n), size: GICR_SIZE, item: g }));
}

/** How many redistributors regions hold at least: one per RD_base + SGI_base pair (128 KiB; a
 * GICv4 redistributor with virtual LPIs takes 256 KiB, so fewer fit). */
export const redistributorsIn = (regions: { size: bigint }[]): bigint => regions.reduce((n, r) => n + r.size / GICR_SIZE, 0n);

/** The first of xs that is bad, its index and how many are. */
export function firstOf<T>(xs: T[], bad: (x: T) => boolean): [T, number, number] | undefined {
  const hits = xs.map((x, i) => [x, i] as const).filter(([x]) => bad(x));
  return hits.length ? [hits[0][0], hits[0][1], hits.length] : undefined;
}

/** The path of a field of the MADT's `i`th subtable of a kind, "APIC.gicc[3].flags", typed from its declaration. */
export const itemPath = <L extends Layout>(def: { name: string; layout: L }, i: number, name: FieldPath<L>) => fieldPath(`APIC.${def.name}[${i}]`, def, name);

export const giccs = (c: RuleContext) => (c.entry.table.items ?? []).filter((s) => s.fields.type === MADT_GICC);

/** An interrupt a per-CPU device (SPE, TRBE) takes as a PPI: INTIDs 16-31, or 1056-1119 (GICv3.1 extended PPIs). */
export const isPpi = (v: number) => (v >= 16 && v <= 31) || (v >= 1056 && v <= 1119);
