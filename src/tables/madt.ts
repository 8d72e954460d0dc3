// MADT ("APIC"), ACPI 6.5 §5.2.12: GICC (76/80/82 bytes: ACPI 5.1 / 6.0-6.3 / 6.5; longer ones keep
// their extra bytes raw), GICD, GIC MSI frame, GICR, GIC ITS. Any other subtable type is kept raw.
import { layout, u8, u16, u32, u64, bytes, type Bit, type Layout } from '../layout/schema.js';
import {
  container,
  type ContainerDef,
  type SubtableFamily,
  type Node,
  type FieldName,
  type FieldPath,
  fieldsOf,
  fieldAt,
  rawField,
  fieldPath,
  hasField,
} from '../layout/codec.js';
import { XEN_NR_CPUS } from '../model/xen.js';
import { type RuleContext, type TableRule, type HostRange, type TableDef, rule, linux, xen, spec } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { vcpuMpidr } from '../model/gic.js';
import { headerField, rangeAt } from './common.js';

export const MADT_TYPES: Record<number, string> = {
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
};

export const MADT_GICC = 0x0b;
export const MADT_GICD = 0x0c;
export const MADT_MSI_FRAME = 0x0d;
export const MADT_GICR = 0x0e;
export const MADT_ITS = 0x0f;

export const GICC_ENABLED = 0x1;
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
    u8('efficiency_class', 'Efficiency Class'),
    u8('reserved2', 'Reserved'),
    u16('spe_interrupt', 'SPE Overflow Interrupt'),
    u16('trbe_interrupt', 'TRBE Interrupt'),
  ]),
}) satisfies TableDef;

export const GICD_VERSIONS: Record<number, string> = { 0: 'probe', 1: 'GICv1', 2: 'GICv2', 3: 'GICv3', 4: 'GICv4' };

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
    u8('version', 'Version', { enum: GICD_VERSIONS }),
    bytes('reserved2', 'Reserved', 3),
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

export const madtFamily: SubtableFamily = {
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  types: new Map<number, ContainerDef>([
    [MADT_GICC, gicc],
    [MADT_GICD, gicd],
    [MADT_MSI_FRAME, msiFrame],
    [MADT_GICR, gicr],
    [MADT_ITS, its],
  ]),
  unknown: {
    name: 'subtable',
    label: 'Unknown Subtable',
    tailLabel: 'Subtable data (not decoded)',
    layout: layout('madt_unknown', [typeField(), lengthField()]),
  },
};

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

const MPIDR_HWID_MASK = 0xff00ffffffn;
const mpidrOf = (g: Node): bigint => BigInt(fieldsOf(gicc, g).arm_mpidr ?? 0n);
const enabledGicc = (g: Node) => (Number(fieldsOf(gicc, g).flags) & GICC_ENABLED) !== 0;

/** The first of xs that is bad, its index and how many are. */
function firstOf<T>(xs: T[], bad: (x: T) => boolean): [T, number, number] | undefined {
  const hits = xs.map((x, i) => [x, i] as const).filter(([x]) => bad(x));
  return hits.length ? [hits[0][0], hits[0][1], hits.length] : undefined;
}

/** The path of a field of the MADT's `i`th subtable of a kind, "APIC.gicc[3].flags", typed from its declaration. */
const itemPath = <L extends Layout>(def: { name: string; layout: L }, i: number, name: FieldPath<L>) => fieldPath(`APIC.${def.name}[${i}]`, def, name);

const giccs = (c: RuleContext) => (c.entry.table.items ?? []).filter((s) => s.fields.type === MADT_GICC);

/** An interrupt a per-CPU device (SPE, TRBE) takes as a PPI: INTIDs 16-31, or 1056-1119 (GICv3.1 extended PPIs). */
const isPpi = (v: number) => (v >= 16 && v <= 31) || (v >= 1056 && v <= 1119);

const structureRules: TableRule[] = [
  rule({
    codes: {
      MADT_PERCPU_IRQ_MIXED: {
        summary: 'the enabled GICCs give different SPE or TRBE interrupts (Linux supports these devices on homogeneous machines only)',
        consumers: [
          linux(
            '6.1+',
            'function-lost',
            '"must be homogeneous": the SPE (or TRBE) device is not registered, and the feature is lost',
            'drivers/perf/arm_pmu_acpi.c arm_acpi_register_pmu_device()',
          ),
        ],
      },
      MADT_PERCPU_IRQ_NOT_PPI: {
        summary: 'the SPE or TRBE interrupt is not a PPI (16-31, or an extended PPI 1056-1119)',
        consumers: [
          linux(
            '6.1+',
            'function-lost',
            'the driver expects a per-CPU interrupt and refuses the device ("expected PPI but got SPI")',
            'drivers/perf/arm_spe_pmu.c arm_spe_pmu_irq_probe(); drivers/hwtracing/coresight/coresight-trbe.c arm_trbe_probe_irq()',
          ),
        ],
      },
      MADT_GICC_REVISION: {
        summary: 'an 82-byte GICC (with a TRBE interrupt) in a MADT older than revision 6, which defines it',
        consumers: [spec('the 82-byte GICC, with its TRBE interrupt, is MADT revision 6 (ACPI 6.5)', 'ACPI 6.5 §5.2.12.14')],
      },
    },
    run(c) {
      const enabled = giccs(c).filter((g) => Number(g.fields.flags) & GICC_ENABLED);
      const all = giccs(c);
      for (const [field, name] of [
        ['spe_interrupt', 'SPE'],
        ['trbe_interrupt', 'TRBE'],
      ] as const satisfies readonly (readonly [FieldName<typeof gicc.layout>, string])[]) {
        const irq = (g: Node): number | undefined => fieldsOf(gicc, g)[field];
        const have = enabled.filter((g) => irq(g) !== undefined);
        if (!have.some((g) => Number(irq(g)) !== 0)) continue;
        const first = Number(irq(have[0]));
        const odd = have.find((g) => Number(irq(g)) !== first);
        if (odd) {
          c.report(
            'MADT_PERCPU_IRQ_MIXED',
            itemPath(gicc, all.indexOf(odd), field),
            `${name} interrupt ${Number(irq(odd))} here, ${first} on GICC ${all.indexOf(have[0])}: Linux registers no ${name} device`,
          );
          continue;
        }
        if (!isPpi(first))
          c.report(
            'MADT_PERCPU_IRQ_NOT_PPI',
            itemPath(gicc, all.indexOf(have[0]), field),
            `${name} interrupt ${first} is not a PPI: the ${name} driver refuses it`,
          );
      }
      const rev = Number((c.entry.table.fields.header as { revision?: number } | undefined)?.revision ?? 0);
      const long = all.findIndex((g) => Number(g.fields.length) >= 82);
      if (rev < 6 && long >= 0)
        c.report(
          'MADT_GICC_REVISION',
          itemPath(gicc, long, 'length'),
          `GICC ${long} is ${Number(all[long].fields.length)} bytes in a revision ${rev} MADT: the 82-byte GICC is revision 6's`,
        );
    },
  }),
  rule({
    codes: {
      MADT_GICD_COUNT: {
        summary: 'not exactly one GICD',
        consumers: [
          linux(
            'all',
            'panic',
            'without a GICD no interrupt controller is probed (a second one is not probed)',
            'drivers/irqchip/irq-gic-v3.c gic_acpi_init(), irq-gic.c gic_v2_acpi_init() via acpi_probe_device_table()',
          ),
          xen('4.17+', 'panic', '"No valid GICD entries exists" (XH6)', 'xen/arch/arm/gic.c gic_acpi_preinit()'),
        ],
      },
    },
    run(c) {
      const gicds = (c.entry.table.items ?? []).filter((s) => s.fields.type === MADT_GICD);
      if (gicds.length !== 1)
        c.report('MADT_GICD_COUNT', 'APIC.gicd', `${gicds.length} GICD entries; exactly one is needed`, gicds.length ? c.offsetOf('APIC.gicd[1]') : 44);
    },
  }),
  rule({
    codes: {
      MADT_DUPLICATE_MPIDR: {
        summary: 'two GICCs with one MPIDR (Linux skips the second: "duplicate CPU MPIDR")',
        consumers: [
          linux('all', 'cpu-lost', '"duplicate CPU MPIDR … in MADT": the second CPU is skipped', 'arch/arm64/kernel/smp.c acpi_map_gic_cpu_interface()'),
          xen(
            '4.17+',
            'cpu-lost',
            '"Firmware bug, duplicate CPU MPIDR": the later one is ignored (XH20)',
            'xen/arch/arm/acpi/boot.c acpi_map_gic_cpu_interface()',
          ),
        ],
      },
      MADT_DUPLICATE_UID: {
        summary: 'two GICCs with one processor UID',
        consumers: [
          linux(
            'all',
            'function-lost',
            'a processor UID names the first GICC with it: the other CPU gets no processor device (idle and performance states)',
            'drivers/acpi/processor_core.c map_gicc_mpidr(), acpi_get_phys_id()',
          ),
        ],
      },
    },
    run(c) {
      const mpidrs = new Map<bigint, number>();
      const uids = new Map<number, number>();
      giccs(c).forEach((g, i) => {
        const p = `APIC.gicc[${i}]`;
        if (hasField(gicc, g, 'arm_mpidr')) {
          const m = mpidrOf(g);
          if (mpidrs.has(m)) c.report('MADT_DUPLICATE_MPIDR', fieldPath(p, gicc, 'arm_mpidr'), `GICC ${i} repeats MPIDR ${hex(m)} of GICC ${mpidrs.get(m)}`);
          else mpidrs.set(m, i);
        }
        const u = Number(fieldsOf(gicc, g).uid);
        if (uids.has(u)) c.report('MADT_DUPLICATE_UID', fieldPath(p, gicc, 'uid'), `GICC ${i} repeats processor UID ${u} of GICC ${uids.get(u)}`);
        else uids.set(u, i);
      });
    },
  }),
  rule({
    codes: {
      GICC_LENGTH_FADT_REVISION: {
        summary: 'GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6): Xen and Linux 4.2-4.20 reject it',
        consumers: [
          xen(
            '4.17+',
            'panic',
            'BAD_MADT_GICC_ENTRY accepts 76 (FADT < 6) or 80 only: the walk aborts, then GIC init panics (XH10)',
            'xen/arch/arm/include/asm/acpi.h BAD_MADT_GICC_ENTRY; xen/arch/arm/gic-v3.c, gic-v2.c',
          ),
          linux('4.2-4.20', 'cpu-lost', 'the same strict check: the walk stops at that GICC', 'arch/arm64/include/asm/acpi.h BAD_MADT_GICC_ENTRY'),
        ],
      },
      DOM0_GICC_LENGTH: {
        summary:
          "GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6), as dom0's Linux sees it; on a dom0 set it replaces GICC_LENGTH_FADT_REVISION (Xen does not boot from dom0's tables)",
        consumers: [
          linux(
            '4.2-4.20',
            'cpu-lost',
            'BAD_MADT_GICC_ENTRY refuses the GICC: the walk stops and its CPUs are lost (later Linux accepts any length from 76)',
            'arch/arm64/include/asm/acpi.h BAD_MADT_GICC_ENTRY; arch/arm64/kernel/smp.c',
          ),
        ],
        dom0: true,
        buildFixes: 'the madt pass sizes every GICC from the output FADT revision',
      },
    },
    run(c) {
      const fadt = c.find('FACP');
      const rev = fadt ? Number((fadt.table.fields.header as { revision?: number } | undefined)?.revision ?? 0) : undefined;
      if (rev === undefined) return;
      const want = rev >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
      const bad = firstOf(giccs(c), (g) => Number(g.fields.length) !== want);
      if (!bad) return;
      const [g, i, n] = bad;
      const what = `${n} GICC(s) are not ${want} bytes (GICC ${i}: ${Number(g.fields.length)}); with FADT revision ${rev}`;
      // the host's: Xen boots from it and panics (--dom0 never hides or lowers that); dom0's view is its own code
      if (c.hostSet || !c.dom0)
        c.report('GICC_LENGTH_FADT_REVISION', itemPath(gicc, i, 'length'), `${what}, Xen (every version) and Linux 4.2-4.20 accept only ${want}`);
      if (c.dom0) c.report('DOM0_GICC_LENGTH', itemPath(gicc, i, 'length'), `${what}, dom0's Linux 4.2-4.20 accepts only ${want}`);
    },
  }),
];

const dom0Rules: TableRule[] = [
  rule({
    dom0: true,
    codes: {
      DOM0_MPIDR_INVALID: {
        summary: 'a GICC MPIDR with bits outside Aff3..Aff0 (Linux: "skipping CPU entry with invalid MPIDR")',
        consumers: [linux('all', 'cpu-lost', '"skipping CPU entry with invalid MPIDR"', 'arch/arm64/kernel/smp.c acpi_map_gic_cpu_interface()')],
        dom0: true,
        buildFixes: "the madt pass gives every GICC its vCPU's MPIDR",
      },
      DOM0_GICC_DISABLED: {
        summary: 'a GICC without the Enabled flag: dom0 skips that vCPU',
        consumers: [
          linux('all', 'cpu-lost', 'a disabled GICC is not started: that vCPU Xen made is never used', 'arch/arm64/kernel/smp.c acpi_map_gic_cpu_interface()'),
        ],
        dom0: true,
        buildFixes: 'the madt pass keeps enabled GICCs only',
      },
      DOM0_NO_BOOT_CPU: {
        summary: 'no GICC with vCPU 0\'s MPIDR 0 ("missing boot CPU MPIDR, not enabling secondaries")',
        consumers: [linux('all', 'cpu-lost', '"missing boot CPU MPIDR, not enabling secondaries"', 'arch/arm64/kernel/smp.c acpi_parse_and_init_cpus()')],
        dom0: true,
        buildFixes: "the madt pass gives every GICC its vCPU's MPIDR",
      },
      DOM0_MPIDR_NOT_VCPU: {
        summary: "GICC i's MPIDR is not vCPU i's under Xen ((i & 0xF) | (i >> 4) << 8): its CPU never comes up",
        consumers: [
          xen(
            '4.17+',
            'cpu-lost',
            'PSCI CPU_ON reaches vCPUs by their MPIDR: one no vCPU has is refused',
            'xen/arch/arm/vpsci.c do_common_cpu_on(); xen/arch/arm/include/asm/domain.h vcpuid_to_vaffinity()',
          ),
          linux('all', 'cpu-lost', '"failed to boot" that CPU', 'arch/arm64/kernel/smp.c __cpu_up()'),
        ],
        dom0: true,
        buildFixes: "the madt pass gives every GICC its vCPU's MPIDR",
      },
    },
    run(c) {
      const all = giccs(c);
      let hit = firstOf(all, (g) => (mpidrOf(g) & ~MPIDR_HWID_MASK) !== 0n);
      if (hit)
        c.report(
          'DOM0_MPIDR_INVALID',
          itemPath(gicc, hit[1], 'arm_mpidr'),
          `${hit[2]} GICC(s) with MPIDR bits outside Aff3..Aff0 (GICC ${hit[1]}: ${hex(mpidrOf(hit[0]))}); Linux skips them`,
        );
      hit = firstOf(all, (g) => !enabledGicc(g));
      if (hit)
        c.report(
          'DOM0_GICC_DISABLED',
          itemPath(gicc, hit[1], 'flags'),
          `${hit[2]} GICC(s) without the Enabled flag (GICC ${hit[1]}); dom0 does not start those vCPUs`,
        );
      // Xen gives dom0 one vCPU per enabled GICC, vCPU k with MPIDR vaffinity(k). Linux skips invalid
      // MPIDRs before anything else, so the rules below look at the valid ones only.
      const enabled = all.filter(enabledGicc);
      const on = enabled.filter((g) => (mpidrOf(g) & ~MPIDR_HWID_MASK) === 0n);
      const boot = on.some((g) => mpidrOf(g) === 0n);
      if (!boot) c.report('DOM0_NO_BOOT_CPU', 'APIC.gicc', 'no enabled GICC has MPIDR 0, vCPU 0\'s: "missing boot CPU MPIDR, not enabling secondaries"', 44);
      const vcpus = new Set(enabled.map((_g, k) => vcpuMpidr(k)));
      hit = boot ? firstOf(on, (g) => !vcpus.has(mpidrOf(g))) : undefined;
      if (hit) {
        const i = all.indexOf(hit[0]);
        c.report(
          'DOM0_MPIDR_NOT_VCPU',
          itemPath(gicc, i, 'arm_mpidr'),
          `${hit[2]} enabled GICC(s) carry an MPIDR none of the ${enabled.length} vCPUs has under Xen (GICC ${i}: ${hex(mpidrOf(hit[0]))}; vCPU k is (k & 0xF) | (k >> 4) << 8): PSCI CPU_ON for it reaches no vCPU`,
        );
      }
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_GICD_VERSION: {
        summary: 'GICD version out of range or contradicting the MADT (v2 with GICR subtables, v3 with only GICv2-style GICCs)',
        consumers: [
          linux(
            'all',
            'panic',
            'no GIC driver matches: no interrupt controller',
            'drivers/irqchip/irq-gic-v3.c acpi_validate_gic_table(), irq-gic.c gic_validate_dist()',
          ),
        ],
        dom0: true,
      },
      DOM0_GICR_MIXED: {
        summary: 'GICR subtables and GICC GICR base addresses both present',
        consumers: [
          linux(
            'all',
            'ignored',
            'GICR subtables are used and the GICC GICR bases ignored',
            'drivers/irqchip/irq-gic-v3.c gic_acpi_count_gicr_regions(), gic_acpi_init()',
          ),
          spec('the two forms are exclusive', 'ACPI 6.5 §5.2.12.14'),
        ],
        dom0: true,
        buildFixes: 'the madt pass clears the GICC GICR bases when GICR subtables exist',
      },
      DOM0_GICR_MISSING: {
        summary: 'GICv3 without GICR subtables and an enabled GICC with GICR base 0: GICv3 not probed',
        consumers: [
          linux(
            'all',
            'panic',
            'an enabled GICC without a GICR base: the GICv3 driver is not probed, no interrupt controller',
            'drivers/irqchip/irq-gic-v3.c gic_acpi_match_gicc()',
          ),
          xen('4.17+', 'panic', '"No valid GICR entries exists" (XH12)', 'xen/arch/arm/gic-v3.c gic_acpi_get_madt_redistributor_num()'),
        ],
        dom0: true,
      },
      DOM0_GICV2_BASES: {
        summary: 'GICv2 GICCs with different CPU-interface base addresses',
        consumers: [
          linux('all', 'panic', 'GICCs with different CPU-interface bases: the GICv2 probe fails', 'drivers/irqchip/irq-gic.c gic_acpi_parse_madt_cpu()'),
          xen('4.17+', 'panic', '"GICC entries are not same in MADT table" (XH14)', 'xen/arch/arm/gic-v2.c gic_acpi_parse_madt_cpu()'),
        ],
        dom0: true,
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const all = giccs(c);
      const info = gicInfo(items);
      const version = info.gicd ? Number(fieldsOf(gicd, info.gicd).version) : 0;
      const gicrBase = (g: Node) => BigInt(fieldsOf(gicc, g).gicr_base_address ?? 0n);
      const base = (g: Node) => BigInt(fieldsOf(gicc, g).base_address ?? 0n);
      const v3 = info.version === 3; // gicInfo infers it, for every user of the MADT
      if (
        info.gicd &&
        (version > 4 ||
          (version === 2 && info.gicrs.length > 0) ||
          (version >= 3 && !info.gicrs.length && !all.some((g) => gicrBase(g) !== 0n) && all.some((g) => base(g) !== 0n)))
      ) {
        c.report(
          'DOM0_GICD_VERSION',
          itemPath(gicd, 0, 'version'),
          `GICD version ${version} does not match the MADT (${info.gicrs.length} GICR subtable(s)); the GIC driver would probe the wrong version or none`,
        );
      }
      if (v3) {
        const hit = firstOf(all, (g) => gicrBase(g) !== 0n);
        if (info.gicrs.length && hit)
          c.report(
            'DOM0_GICR_MIXED',
            itemPath(gicc, hit[1], 'gicr_base_address'),
            `GICR subtables and ${hit[2]} GICC GICR base address(es) (GICC ${hit[1]}: ${hex(gicrBase(hit[0]))}); they must be mutually exclusive`,
          );
        const missing = firstOf(all, (g) => enabledGicc(g) && gicrBase(g) === 0n);
        if (!info.gicrs.length && missing)
          c.report(
            'DOM0_GICR_MISSING',
            itemPath(gicc, missing[1], 'gicr_base_address'),
            `no GICR subtable and ${missing[2]} enabled GICC(s) with GICR base 0: the GICv3 driver is not probed`,
          );
      } else {
        const on = all.filter(enabledGicc).filter((g) => (mpidrOf(g) & ~MPIDR_HWID_MASK) === 0n);
        const bases = [...new Set(on.map(base))];
        if (bases.length > 1) {
          const i = all.findIndex((g) => base(g) !== bases[0]);
          c.report(
            'DOM0_GICV2_BASES',
            itemPath(gicc, i, 'base_address'),
            `GICv2 GICCs carry ${bases.length} CPU-interface bases (${bases.map((b) => hex(b)).join(', ')}); Linux requires one`,
          );
        }
      }
    },
  }),
];

// ---- what Xen's own boot code does with a host's MADT (--xen-host; docs/xen-host.md, XH5-XH20, XH35-XH37)

/** A subtable as Xen's walker (acpi_parse_entries) finds it: by length from byte 44 while a 2-byte
 * header fits before the end, stopping at a length under 2. `index` counts its type so far. */
interface Walked {
  type: number;
  length: number;
  at: number;
  index: number;
}

function xenWalk(b: Uint8Array): { subs: Walked[]; brokenAt?: number } {
  const subs: Walked[] = [];
  const seen = new Map<number, number>();
  for (let at = 44; at + 2 < b.length;) {
    const [type, length] = [b[at], b[at + 1]];
    if (length < 2) return { subs, brokenAt: at };
    const index = seen.get(type) ?? 0;
    seen.set(type, index + 1);
    subs.push({ type, length, at, index });
    at += length;
  }
  return { subs };
}

const XEN_GIC_V3 = 'xen/arch/arm/gic-v3.c gicv3_acpi_init(), gic_acpi_parse_madt_cpu()';
const XEN_GIC_V2 = 'xen/arch/arm/gic-v2.c gicv2_acpi_init(), gic_acpi_parse_madt_cpu()';
const XEN_SMP = 'xen/arch/arm/acpi/boot.c acpi_map_gic_cpu_interface()';
const PAGE_MASK = 0xfffn;

const xenHostRules: TableRule[] = [
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_NO_MADT: {
        summary: 'the root table lists no MADT',
        consumers: [
          xen(
            '4.17+',
            'panic',
            '"ACPI: APIC not present", then "No valid GICD entries exists", before the console is up (XH5)',
            'xen/drivers/acpi/tables.c acpi_table_get_entry_madt(); xen/arch/arm/gic.c gic_acpi_preinit()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_MADT_WALK: {
        summary: 'a MADT subtable whose length is 0 or 1: every walk of the MADT fails',
        consumers: [
          xen(
            '4.17+',
            'panic',
            '"Invalid length": every MADT walk returns an error, so no GICD is found ("No valid GICD entries exists") (XH6)',
            'xen/drivers/acpi/tables.c acpi_parse_entries(); xen/arch/arm/gic.c gic_acpi_preinit()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_NO_GICD: {
        summary: 'no GIC Distributor subtable',
        consumers: [xen('4.17+', 'panic', '"No valid GICD entries exists", before the console is up (XH6)', 'xen/arch/arm/gic.c gic_acpi_preinit()')],
        xenHost: true,
      },
      XEN_HOST_GIC_VERSION: {
        summary: 'the first GICD says a GIC version other than 2, 3 or 4 (0, "probe the hardware", included)',
        consumers: [
          xen(
            '4.17+',
            'panic',
            '"Unable to find compatible GIC in the ACPI table": the driver is chosen by this byte alone (XH7)',
            'xen/arch/arm/gic.c gic_acpi_preinit(); acpi_device_init()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_GICD_LENGTH: {
        summary: 'a GICD subtable shorter than 24 bytes',
        consumers: [xen('4.17+', 'panic', '"No valid GICD entries exists" from the GIC driver (XH8)', `${XEN_GIC_V3}; ${XEN_GIC_V2}: BAD_MADT_ENTRY`)],
        xenHost: true,
      },
      XEN_HOST_GIC_ALIGN: {
        summary: 'GICv3: the GICD base is not 4 KiB aligned; GICv2: the GICD, GICC, GICH or GICV base is not',
        consumers: [
          xen(
            '4.17+',
            'panic',
            '"Found unaligned distributor address" (GICv3) or "GICv2 interfaces not page aligned" (XH9)',
            'xen/arch/arm/gic-v3.c gicv3_ioremap_distributor(); xen/arch/arm/gic-v2.c gicv2_init()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_GICC_LENGTH: {
        summary:
          'a GICC (enabled or not) that is not exactly 76 bytes under a FADT revision below 6, or 80 from 6 on, or a GICC whose 80 bytes run past the MADT',
        consumers: [
          xen(
            '4.17+',
            'panic',
            'BAD_MADT_GICC_ENTRY: "Error parsing GIC CPU interface entry", then "No valid GICC (or GICR) entries exists" at GIC init (XH10, XH11)',
            `xen/arch/arm/include/asm/acpi.h BAD_MADT_GICC_ENTRY; ${XEN_GIC_V3}`,
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_NO_GICR: {
        summary: 'GICv3 without GICR subtables, and a GICC (enabled or not) with GICR base 0',
        consumers: [
          xen('4.17+', 'panic', '"GICv3: No valid GICR entries exists" (XH12)', 'xen/arch/arm/gic-v3.c gicv3_acpi_init(), gic_acpi_get_madt_cpu_num()'),
        ],
        xenHost: true,
      },
      XEN_HOST_GICR_LENGTH: {
        summary: 'GICv3: a GICR subtable shorter than 16 bytes',
        consumers: [
          xen('4.17+', 'panic', '"GICv3: Can\'t get Redistributor entry" (XH13)', 'xen/arch/arm/gic-v3.c gic_acpi_parse_madt_redistributor(): BAD_MADT_ENTRY'),
        ],
        xenHost: true,
      },
      XEN_HOST_GICC_MISMATCH: {
        summary: "a GICC (enabled or not) whose CPU interface base, GICV base or maintenance interrupt (GICv2: GICH base too) differs from the first GICC's",
        consumers: [
          xen('4.17+', 'panic', '"GICC entries are not same in MADT table", then "No valid GICC entries exists" (XH14)', `${XEN_GIC_V3}; ${XEN_GIC_V2}`),
        ],
        xenHost: true,
      },
      XEN_HOST_VGICV2: {
        summary: 'GICv3: the first GICC gives a GICV base (a virtual CPU interface for GICv2 guests) but no GICv2 CPU interface base',
        consumers: [
          xen(
            '4.17+',
            'ignored',
            'Xen needs both bases for a GICv2-compatible vGIC: the GICV frame is not used, and guests configured with a GICv2 cannot be created (XH16)',
            'xen/arch/arm/gic-v3.c gicv3_acpi_init(), gicv3_init_v2()',
          ),
        ],
        xenHost: true,
      },
    },
    run(c) {
      const b = c.entry.bytes;
      const { subs, brokenAt } = xenWalk(b);
      if (brokenAt !== undefined) {
        c.report(
          'XEN_HOST_MADT_WALK',
          'APIC',
          `the subtable at ${hex(brokenAt)} has length ${b[brokenAt + 1]}: Xen's MADT walks stop there with an error, and find no GICD`,
          brokenAt + 1,
        );
        return;
      }
      const of = (t: number) => subs.filter((s) => s.type === t);
      const gicds = of(MADT_GICD);
      if (!gicds.length) {
        c.report('XEN_HOST_NO_GICD', 'APIC', 'no GIC Distributor subtable: "No valid GICD entries exists"', 44);
        return;
      }
      const f = <L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>) => rawField(def, b, s.at, name);
      const at = <L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>) => s.at + fieldAt(def.layout, name)!.offset;
      /** A field of a walked subtable as a finding names it: value, dump's path, offset. */
      const probe = <L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>, what: string) => ({
        value: f(def, s, name),
        path: fieldPath(`APIC.${def.name}[${s.index}]`, def, name),
        offset: at(def, s, name),
        what,
      });
      // every GICD's callback checks its length; the first's version picks the driver
      const shortGicd = gicds.find((s) => s.length < 24 || s.at + 24 > b.length);
      if (shortGicd) {
        c.report(
          'XEN_HOST_GICD_LENGTH',
          itemPath(gicd, shortGicd.index, 'length'),
          `GICD ${shortGicd.index} is ${shortGicd.length} bytes: Xen's GIC driver needs 24`,
          shortGicd.at + 1,
        );
        if (shortGicd === gicds[0]) return;
      }
      const version = Number(f(gicd, gicds[0], 'version') ?? 0);
      if (version < 2 || version > 4) {
        c.report(
          'XEN_HOST_GIC_VERSION',
          itemPath(gicd, 0, 'version'),
          `the first GICD says version ${version}${version === 0 ? ' ("probe the hardware")' : ''}: Xen picks its GIC driver by this byte and knows only 2, 3 and 4`,
          at(gicd, gicds[0], 'version'),
        );
        return;
      }
      const v3 = version >= 3;
      // the GICC length Xen accepts follows the FADT revision: no FADT, nothing to compare with (XEN_HOST_NO_FADT says so)
      const fadt = c.find('FACP');
      const giccs = of(MADT_GICC);
      let good = giccs;
      if (fadt) {
        const rev = Number(fadt.bytes[8] ?? 0);
        const want = rev >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
        const bad = giccs.findIndex((s) => s.length !== want || s.at + GICC_LEN_V6 > b.length);
        if (bad >= 0) {
          const s = giccs[bad];
          const n = giccs.filter((g) => g.length !== want || g.at + GICC_LEN_V6 > b.length).length;
          c.report(
            'XEN_HOST_GICC_LENGTH',
            itemPath(gicc, s.index, 'length'),
            s.length === want
              ? `GICC ${s.index} is the last subtable and Xen reads ${GICC_LEN_V6} bytes from it, past the end of the MADT: Xen panics at GIC init`
              : `${n} GICC(s) are not ${want} bytes (GICC ${s.index}: ${s.length}) under FADT revision ${rev}: Xen accepts exactly ${want}, and panics at GIC init`,
            s.at + 1,
          );
          good = giccs.slice(0, bad);
        }
      }
      const gicrs = of(MADT_GICR);
      if (v3 && !gicrs.length) {
        const zero = giccs.find((s) => f(gicc, s, 'gicr_base_address') === 0n);
        if (zero)
          c.report(
            'XEN_HOST_NO_GICR',
            itemPath(gicc, zero.index, 'gicr_base_address'),
            `no GICR subtable, and GICC ${zero.index} has GICR base 0: "GICv3: No valid GICR entries exists"`,
            at(gicc, zero, 'gicr_base_address'),
          );
      }
      const shortGicr = v3 ? gicrs.find((s) => s.length < 16 || s.at + 16 > b.length) : undefined;
      if (shortGicr)
        c.report(
          'XEN_HOST_GICR_LENGTH',
          itemPath(gicr, shortGicr.index, 'length'),
          `GICR ${shortGicr.index} is ${shortGicr.length} bytes: Xen needs 16`,
          shortGicr.at + 1,
        );
      const first = good[0];
      if (!first) return;
      const same: [FieldName<typeof gicc.layout>, string][] = [
        ['base_address', 'CPU interface base'],
        ['gicv_base_address', 'GICV base'],
        ['vgic_interrupt', 'maintenance interrupt'],
        ...(v3 ? [] : [['gich_base_address', 'GICH base'] as [FieldName<typeof gicc.layout>, string]]),
      ];
      mismatch: for (const s of good.slice(1))
        for (const [name, what] of same) {
          const [x, y] = [probe(gicc, s, name, what), f(gicc, first, name)];
          if (x.value !== y) {
            c.report(
              'XEN_HOST_GICC_MISMATCH',
              x.path,
              `GICC ${s.index}'s ${what} is ${hex(x.value ?? 0n)}, GICC ${first.index}'s ${hex(y ?? 0n)}: "GICC entries are not same in MADT table"`,
              x.offset,
            );
            break mismatch;
          }
        }
      const gicv = f(gicc, first, 'gicv_base_address') ?? 0n;
      const cpu = probe(gicc, first, 'base_address', 'CPU interface base');
      if (v3 && cpu.value === 0n && gicv !== 0n)
        c.report(
          'XEN_HOST_VGICV2',
          cpu.path,
          `GICC ${first.index} gives a GICV base (${hex(gicv)}) but CPU interface base 0: Xen offers guests no GICv2-compatible vGIC`,
          cpu.offset,
        );
      // the distributor base is the last GICD's (each one's callback overwrites it), the rest the first GICC's
      const last = gicds[gicds.length - 1];
      const aligned = [
        probe(gicd, last, 'base_address', 'GICD base'),
        ...(v3
          ? []
          : [
              probe(gicc, first, 'base_address', 'GICC base'),
              probe(gicc, first, 'gich_base_address', 'GICH base'),
              probe(gicc, first, 'gicv_base_address', 'GICV base'),
            ]),
      ];
      const odd = aligned.find((x) => ((x.value ?? 0n) & PAGE_MASK) !== 0n);
      if (odd)
        c.report(
          'XEN_HOST_GIC_ALIGN',
          odd.path,
          `the ${odd.what} ${hex(odd.value!)} is not 4 KiB aligned: ${v3 ? '"Found unaligned distributor address"' : '"GICv2 interfaces not page aligned"'}`,
          odd.offset,
        );
    },
  }),
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_NO_BOOT_CPU: {
        summary: 'no enabled GICC Xen accepts: the boot CPU is not found',
        consumers: [xen('4.17+', 'cpu-lost', '"MADT missing boot CPU MPIDR, not enabling secondaries": one CPU runs (XH17)', XEN_SMP)],
        xenHost: true,
      },
      XEN_HOST_ONLINE_CAPABLE: {
        summary: 'a GICC that is not enabled but Online Capable (ACPI 6.5): Xen does not read that bit',
        consumers: [xen('4.17+', 'unsupported', '"Skipping disabled CPU entry": that CPU is never brought online (XH18)', XEN_SMP)],
        xenHost: true,
      },
      XEN_HOST_NR_CPUS: {
        summary: `more than ${XEN_NR_CPUS} enabled GICCs: a default Xen (NR_CPUS ${XEN_NR_CPUS}) ignores the rest, and gives dom0 at most ${XEN_NR_CPUS} vCPUs`,
        consumers: [
          xen(
            '4.17+',
            'unsupported',
            `"NR_CPUS limit of ${XEN_NR_CPUS} reached, Processor … ignored"; if the boot CPU's GICC is past the limit, no secondary starts (XH19)`,
            `${XEN_SMP}; xen/arch/Kconfig NR_CPUS`,
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_MPIDR_DUPLICATE: {
        summary: 'two enabled GICCs whose MPIDRs are equal once Xen masks them to Aff3..Aff0 (0xff00ffffff)',
        consumers: [xen('4.17+', 'cpu-lost', '"Firmware bug, duplicate CPU MPIDR": the later CPU is ignored (XH20)', XEN_SMP)],
        xenHost: true,
      },
    },
    run(c) {
      const b = c.entry.bytes;
      const fadt = c.find('FACP');
      const want = fadt && Number(fadt.bytes[8] ?? 0) >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
      const { subs, brokenAt } = xenWalk(b);
      if (brokenAt !== undefined) return;
      // the SMP walk stops at the first GICC BAD_MADT_GICC_ENTRY refuses (XEN_HOST_GICC_LENGTH)
      const all = subs.filter((s) => s.type === MADT_GICC);
      const stop = fadt ? all.findIndex((s) => s.length !== want || s.at + GICC_LEN_V6 > b.length) : -1;
      const giccs = stop < 0 ? all : all.slice(0, stop);
      const f = (s: Walked, name: FieldName<typeof gicc.layout>) => rawField(gicc, b, s.at, name) ?? 0n;
      const at = (s: Walked, name: FieldName<typeof gicc.layout>) => s.at + fieldAt(gicc.layout, name)!.offset;
      const enabled = giccs.filter((s) => (f(s, 'flags') & BigInt(GICC_ENABLED)) !== 0n);
      if (!enabled.length && giccs.length) {
        c.report(
          'XEN_HOST_NO_BOOT_CPU',
          itemPath(gicc, 0, 'flags'),
          `none of the ${giccs.length} GICC(s) is enabled: "MADT missing boot CPU MPIDR", one CPU runs`,
          at(giccs[0], 'flags'),
        );
        return;
      }
      const revision = Number(b[8] ?? 0);
      const capable = revision >= 6 ? giccs.find((s) => (f(s, 'flags') & 0x9n) === 0x8n) : undefined;
      if (capable)
        c.report(
          'XEN_HOST_ONLINE_CAPABLE',
          itemPath(gicc, capable.index, 'flags'),
          `GICC ${capable.index} is Online Capable, not enabled: Xen skips it as disabled and never uses that CPU`,
          at(capable, 'flags'),
        );
      const seen = new Map<bigint, Walked>();
      let used = 0;
      for (const s of enabled) {
        const mpidr = f(s, 'arm_mpidr');
        const masked = mpidr & MPIDR_HWID_MASK;
        if (used >= XEN_NR_CPUS) {
          c.report(
            'XEN_HOST_NR_CPUS',
            itemPath(gicc, s.index, 'flags'),
            `${enabled.length} enabled GICCs: a default Xen (NR_CPUS ${XEN_NR_CPUS}) ignores GICC ${s.index} and the ${enabled.length - enabled.indexOf(s) - 1} after it, and gives dom0 at most ${XEN_NR_CPUS} vCPUs (if the boot CPU is among them, no secondary starts)`,
            at(s, 'flags'),
          );
          break;
        }
        const twin = seen.get(masked);
        if (twin) {
          c.report(
            'XEN_HOST_MPIDR_DUPLICATE',
            itemPath(gicc, s.index, 'arm_mpidr'),
            `GICC ${s.index}'s MPIDR ${hex(mpidr)} is GICC ${twin.index}'s${f(twin, 'arm_mpidr') === mpidr ? '' : ` (${hex(f(twin, 'arm_mpidr'))}) once Xen masks it to ${hex(masked)}`}: "Firmware bug, duplicate CPU MPIDR", that CPU is ignored`,
            at(s, 'arm_mpidr'),
          );
          continue;
        }
        seen.set(masked, s);
        used++;
      }
    },
  }),
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_ITS: {
        summary: 'GIC ITS subtables: a default Xen (without CONFIG_HAS_ITS, UNSUPPORTED) gives dom0 no ITS, so no MSIs through it',
        consumers: [
          xen(
            '4.17+',
            'unsupported',
            "the ITS subtables are not parsed and dom0's MADT has none: dom0's PCI devices get no ITS MSIs (XH35)",
            'xen/arch/arm/include/asm/gic_v3_its.h (stubs without CONFIG_HAS_ITS); xen/arch/arm/gic-v3.c gicv3_acpi_init()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_MSI_FRAME: {
        summary: "GIC MSI frame (GICv2m) subtables: Xen never copies them into dom0's MADT",
        consumers: [
          xen(
            '4.17+',
            'unsupported',
            "dom0's MADT is built from the GICD and Xen's own GICCs: dom0 gets no GICv2m MSIs (XH36)",
            'xen/arch/arm/acpi/domain_build.c acpi_create_madt(); xen/arch/arm/gic-v2.c gicv2_make_hwdom_madt()',
          ),
        ],
        xenHost: true,
      },
      XEN_HOST_PMU: {
        summary: "GICCs with a PMU interrupt: dom0's GICCs carry none",
        consumers: [
          xen(
            '4.17+',
            'unsupported',
            "every dom0 GICC is a copy of the host's first with the performance interrupt cleared: dom0 has no PMU (XH37)",
            'xen/arch/arm/gic-v3.c gicv3_make_hwdom_madt(); xen/arch/arm/gic-v2.c gicv2_make_hwdom_madt()',
          ),
        ],
        xenHost: true,
      },
    },
    run(c) {
      const b = c.entry.bytes;
      const { subs } = xenWalk(b);
      const its = subs.find((s) => s.type === MADT_ITS);
      const gicds = subs.filter((s) => s.type === MADT_GICD);
      const v3 = gicds.length > 0 && Number(rawField(gicd, b, gicds[0].at, 'version') ?? 0) >= 3;
      if (its && v3)
        c.report(
          'XEN_HOST_ITS',
          'APIC.its[0]',
          `${subs.filter((s) => s.type === MADT_ITS).length} GIC ITS subtable(s): unless Xen is built with CONFIG_HAS_ITS, dom0 sees no ITS and its PCI devices get no MSIs through it`,
          its.at,
        );
      const frame = subs.find((s) => s.type === MADT_MSI_FRAME);
      if (frame)
        c.report(
          'XEN_HOST_MSI_FRAME',
          'APIC.msi_frame[0]',
          `${subs.filter((s) => s.type === MADT_MSI_FRAME).length} GICv2m MSI frame(s): dom0's MADT gets none, so dom0's devices get no MSIs through them`,
          frame.at,
        );
      const pmu = subs.find((s) => s.type === MADT_GICC && (rawField(gicc, b, s.at, 'performance_interrupt', s.at + s.length) ?? 0n) !== 0n);
      if (pmu) {
        const gsiv = rawField(gicc, b, pmu.at, 'performance_interrupt')!;
        c.report(
          'XEN_HOST_PMU',
          itemPath(gicc, pmu.index, 'performance_interrupt'),
          `GICC ${pmu.index} gives PMU interrupt ${gsiv}: dom0's GICCs carry none, so dom0 has no PMU`,
          pmu.at + fieldAt(gicc.layout, 'performance_interrupt')!.offset,
        );
      }
    },
  }),
];

/** MMIO sizes of the GIC frames: distributor, v2 CPU interface (GICC/GICV/GICH), one
 * redistributor (RD + SGI frames), an ITS (control + translation frames). */
const GICD_SIZE = 0x10000n;
const GICC_SIZE = 0x2000n;
const GICR_FRAMES = 0x20000n;
const ITS_SIZE = 0x20000n;

const NAMES: [number, string][] = [
  [MADT_GICR, 'GICR'],
  [MADT_ITS, 'ITS'],
  [MADT_MSI_FRAME, 'MSI frame'],
];

export const madt = {
  name: 'APIC',
  label: 'Multiple APIC Description Table (MADT)',
  minLength: 44,
  once: true,
  dom0Required: true,
  layout: layout('madt', [
    headerField(),
    u32('local_apic_address', 'Local Apic Address'),
    u32('flags', 'Flags', { bits: [{ name: 'pcat_compat', label: 'PC-AT Compatibility', bit: 0 }] }),
  ]),
  parts: [{ key: 'items', label: 'Subtables', kind: 'subtables', family: madtFamily }],
  rules: [...structureRules, ...dom0Rules, ...xenHostRules],
  xenHostRequired: 'XEN_HOST_NO_MADT',
  regions: (t) => {
    const info = gicInfo(t.items ?? []);
    const out: HostRange[] = [];
    const seg = new Map<number, number>();
    for (const s of t.items ?? []) {
      const type = Number(s.fields.type);
      const i = seg.get(type) ?? 0;
      seg.set(type, i + 1);
      if (type === MADT_GICD) out.push(...rangeAt(fieldsOf(gicd, s).base_address, GICD_SIZE, `APIC.gicd[${i}] (GICD)`));
      else if (type === MADT_GICR) {
        const f = fieldsOf(gicr, s);
        out.push(...rangeAt(f.base_address, BigInt(f.length_region ?? 0), `APIC.gicr[${i}] (GICR region)`));
      } else if (type === MADT_ITS) out.push(...rangeAt(fieldsOf(its, s).base_address, ITS_SIZE, `APIC.its[${i}] (GIC ITS)`));
      else if (type === MADT_MSI_FRAME) out.push(...rangeAt(fieldsOf(msiFrame, s).base_address, 0x1000n, `APIC.msi_frame[${i}] (GICv2m frame)`));
      else if (type === MADT_GICC) {
        const f = fieldsOf(gicc, s);
        const at = (name: FieldName<typeof gicc.layout>) => itemPath(gicc, i, name);
        out.push(...rangeAt(f.base_address, GICC_SIZE, `${at('base_address')} (GIC CPU interface)`));
        out.push(...rangeAt(f.gicv_base_address, GICC_SIZE, `${at('gicv_base_address')} (GICV)`));
        out.push(...rangeAt(f.gich_base_address, GICC_SIZE, `${at('gich_base_address')} (GICH)`));
        if (!info.gicrs.length) out.push(...rangeAt(f.gicr_base_address, GICR_FRAMES, `${at('gicr_base_address')} (GICR)`));
      }
    }
    return out;
  },
  summary: (e) => {
    const items = e.table.items ?? [];
    const info = gicInfo(items);
    const lens = [...new Set(info.giccs.map((g) => g.fields.length))].join('/');
    const parts = [`${info.giccs.length} GICC (${info.enabled.length} enabled${lens ? `, ${lens} bytes` : ''})`];
    if (info.gicd) parts.push(`GICD v${fieldsOf(gicd, info.gicd).version}`);
    for (const [type, name] of NAMES) {
      const n = items.filter((s) => s.fields.type === type).length;
      if (n) parts.push(`${n} ${name}`);
    }
    const other = items.filter((s) => ![MADT_GICC, MADT_GICD, ...NAMES.map(([t]) => t)].includes(Number(s.fields.type))).length;
    if (other) parts.push(`${other} other`);
    return parts.join(', ');
  },
} satisfies TableDef;
