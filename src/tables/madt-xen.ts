// What Xen's own boot code does with a host's MADT (check --xen-host; docs/xen-host.md, XH5-XH20,
// XH35-XH37): the rules, attached to the MADT's declaration in madt.ts.
import { type Layout } from '../layout/schema.js';
import { type ContainerDef, type FieldName, fieldAt, rawField, fieldPath } from '../layout/codec.js';
import { XEN_NR_CPUS } from '../model/xen.js';
import { type TableRule, rule, xen } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import {
  MADT_GICC,
  MADT_GICD,
  MADT_GICR,
  MADT_ITS,
  MADT_MSI_FRAME,
  GICC_ENABLED,
  GICC_LEN_V5,
  GICC_LEN_V6,
  gicc,
  gicd,
  gicr,
  MPIDR_HWID_MASK,
  itemPath,
} from './madt-subtables.js';

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

export const xenHostRules: TableRule[] = [
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
