// MADT ("APIC"), ACPI 6.5 §5.2.12: GICC (76/80/82 bytes: ACPI 5.1 / 6.0-6.3 / 6.5; longer ones keep
// their extra bytes raw), GICD, GIC MSI frame, GICR, GIC ITS. Any other subtable type is kept raw.
import { layout, u32 } from '../layout/schema.js';
import { type Node, type FieldName, fieldsOf, fieldPath, hasField, itemOf } from '../layout/codec.js';
import { type TableRule, type HostRange, type TableDef, rule, linux, xen, spec } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { vcpuMpidr } from '../model/gic.js';
import { headerField, rangeAt, headerRevision } from './common.js';
import {
  MADT_GICC,
  MADT_GICD,
  MADT_GICR,
  MADT_ITS,
  MADT_MSI_FRAME,
  GICC_ENABLED,
  GICC_ONLINE_CAPABLE,
  GICC_LEN_V5,
  GICC_LEN_V6,
  gicc,
  gicd,
  madtFamily,
  gicInfo,
  mpidrOf,
  enabledGicc,
  firstOf,
  itemPath,
  giccs,
  isPpi,
  giccPerCpu,
  GICC_PER_CPU,
  MADT_REVISION_TRBE,
  gicr,
  invalidMpidr,
  redistributorRegions,
  redistributorsIn,
} from './madt-subtables.js';
import { xenHostRules } from './madt-xen.js';

export * from './madt-subtables.js';

const structureRules: TableRule[] = [
  rule({
    codes: {
      MADT_PERCPU_IRQ_MIXED: {
        summary:
          'the enabled GICCs give different SPE (MADT revision 5+) or TRBE (revision 6+) interrupts: Linux supports these devices on homogeneous machines only',
        consumers: [
          linux(
            '5.3+',
            'skipped',
            '"must be homogeneous", then "Unable to register device": no SPE device (TRBE from 6.6 on) is registered, so that profiling or ' +
              'trace unit is not used; the rest boots as usual',
            'drivers/perf/arm_pmu_acpi.c arm_acpi_register_pmu_device() (arm_spe_acpi_register_device() before 6.6)',
          ),
        ],
      },
      MADT_PERCPU_IRQ_NOT_PPI: {
        summary: 'the SPE (MADT revision 5+) or TRBE (revision 6+) interrupt is not a PPI (16-31, or an extended PPI 1056-1119)',
        consumers: [
          linux(
            '5.3+',
            'skipped',
            'the device is registered, and its driver refuses a shared interrupt ("expected PPI but got SPI"; TRBE, from 6.6: "IRQ … is not ' +
              'a PPI"): that profiling or trace unit is not used',
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
      const rev = headerRevision(c.entry.table);
      for (const p of GICC_PER_CPU) {
        const [field, name] = [p.field, p.name];
        const irq = (g: Node): number | undefined => giccPerCpu(rev, g, p);
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
      const long = all.findIndex((g) => Number(g.fields.length) >= 82);
      if (rev < MADT_REVISION_TRBE && long >= 0) {
        const bytes = fieldsOf(gicc, all[long]).trbe_interrupt;
        c.report(
          'MADT_GICC_REVISION',
          itemPath(gicc, long, 'length'),
          `GICC ${long} is ${Number(all[long].fields.length)} bytes in a revision ${rev} MADT: the 82-byte GICC is revision 6's, so bytes ` +
            `80-81${bytes ? ` (${hex(bytes)})` : ''} are no TRBE interrupt here`,
        );
      }
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
      MADT_MPIDR_INVALID: {
        summary: 'a GICC MPIDR with bits outside Aff3..Aff0 (with --dom0 on a dom0 set, DOM0_MPIDR_INVALID)',
        consumers: [
          linux('all', 'cpu-lost', '"skipping CPU entry with invalid MPIDR": that CPU is not started', 'arch/arm64/kernel/smp.c acpi_map_gic_cpu_interface()'),
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
      // the host's Linux skips such CPUs (dom0's view, with --dom0, is DOM0_MPIDR_INVALID)
      const invalid = c.hostSet || !c.dom0 ? firstOf(giccs(c), invalidMpidr) : undefined;
      if (invalid)
        c.report(
          'MADT_MPIDR_INVALID',
          itemPath(gicc, invalid[1], 'arm_mpidr'),
          `${invalid[2]} GICC(s) with MPIDR bits outside Aff3..Aff0 (GICC ${invalid[1]}: ${hex(mpidrOf(invalid[0]))}): Linux skips those CPUs`,
        );
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
        summary:
          'GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6): Linux 4.2-4.20 stop at it ' +
          '(with --xen-host, XEN_HOST_GICC_LENGTH says what Xen does instead)',
        consumers: [
          linux(
            '4.2-4.20',
            'cpu-lost',
            'BAD_MADT_GICC_ENTRY accepts only that length: the walk stops at that GICC, and its CPU and every later one are not started ' +
              '(5.0+ accept any length from 76)',
            'arch/arm64/include/asm/acpi.h BAD_MADT_GICC_ENTRY; arch/arm64/kernel/smp.c acpi_parse_gic_cpu_interface()',
          ),
        ],
      },
      DOM0_GICC_LENGTH: {
        summary:
          "GICC length is not 76 (FADT rev < 6) or 80 (rev ≥ 6), as dom0's Linux sees it; on a dom0 set it replaces " +
          "GICC_LENGTH_FADT_REVISION (Xen does not boot from dom0's tables)",
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
      const rev = fadt ? headerRevision(fadt.table) : undefined;
      if (rev === undefined) return;
      const want = rev >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
      const bad = firstOf(giccs(c), (g) => Number(g.fields.length) !== want);
      if (!bad) return;
      const [g, i, n] = bad;
      const what = `${n} GICC(s) are not ${want} bytes (GICC ${i}: ${Number(g.fields.length)}); with FADT revision ${rev}`;
      // the host's Linux (--dom0 never hides or lowers that; dom0's view is its own code); under
      // --xen-host the one root cause is XEN_HOST_GICC_LENGTH, which says what Xen does
      if ((c.hostSet || !c.dom0) && !(c.xen && c.hostSet))
        c.report('GICC_LENGTH_FADT_REVISION', itemPath(gicc, i, 'length'), `${what}, Linux 4.2-4.20 accept only ${want} and start no CPU from it on`);
      if (c.dom0) c.report('DOM0_GICC_LENGTH', itemPath(gicc, i, 'length'), `${what}, dom0's Linux 4.2-4.20 accepts only ${want}`);
    },
  }),
];

const REDIST = 'drivers/irqchip/irq-gic-v3.c gic_iterate_rdists(), gic_populate_rdist()';

const redistributorRules: TableRule[] = [
  rule({
    codes: {
      MADT_GICR_SHORT: {
        summary: 'GICv3: the GICR subtables span fewer redistributors (128 KiB each) than there are enabled GICCs',
        consumers: [
          linux(
            'all',
            'panic',
            "looking for a CPU's redistributor, the walk steps frame by frame until one says it is the last, past the region mapped for " +
              'the subtable: a fault while that CPU\'s GIC comes up (if the frames do end there, "CPU… has no re-distributor!" and that CPU ' +
              'takes no interrupts)',
            REDIST,
          ),
        ],
      },
      MADT_GICR_SHARED: {
        summary: 'GICv3 without GICR subtables: two enabled GICCs give one GICR base address',
        consumers: [
          linux(
            'all',
            'cpu-lost',
            'one of the two CPUs finds its redistributor in no region ("GICR region … has overlapping address", then "CPU… has no ' +
              're-distributor!"): it takes no interrupts',
            `drivers/irqchip/irq-gic-v3.c gic_acpi_parse_madt_gicc(), gic_request_region(); ${REDIST}`,
          ),
        ],
      },
    },
    run(c) {
      const gic = gicInfo(c.entry.table.items ?? []);
      if (gic.version !== 3) return;
      const regions = redistributorRegions(gic);
      const all = giccs(c);
      if (gic.gicrs.length) {
        const held = redistributorsIn(regions);
        if (held < BigInt(gic.enabled.length))
          c.report(
            'MADT_GICR_SHORT',
            itemPath(gicr, gic.gicrs.length - 1, 'length_region'),
            `the ${gic.gicrs.length} GICR subtable(s) span ${held} redistributor(s) of 128 KiB, fewer than the ${gic.enabled.length} ` +
              `enabled GICCs: Linux walks past the mapped region looking for the others`,
          );
        return;
      }
      const seen = new Map<bigint, Node>();
      for (const r of regions) {
        const twin = seen.get(r.base);
        if (r.base !== 0n && twin) {
          const i = all.indexOf(r.item);
          c.report(
            'MADT_GICR_SHARED',
            itemPath(gicc, i, 'gicr_base_address'),
            `GICC ${i} gives GICR base ${hex(r.base)}, as GICC ${all.indexOf(twin)} does: one of the two CPUs finds no redistributor`,
          );
          return;
        }
        seen.set(r.base, r.item);
      }
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
      let hit = firstOf(all, invalidMpidr);
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
      const on = enabled.filter((g) => !invalidMpidr(g));
      const boot = on.some((g) => mpidrOf(g) === 0n);
      if (!boot) c.report('DOM0_NO_BOOT_CPU', 'APIC.gicc', 'no enabled GICC has MPIDR 0, vCPU 0\'s: "missing boot CPU MPIDR, not enabling secondaries"', 44);
      const vcpus = new Set(enabled.map((_g, k) => vcpuMpidr(k)));
      hit = boot ? firstOf(on, (g) => !vcpus.has(mpidrOf(g))) : undefined;
      if (hit) {
        const i = all.indexOf(hit[0]);
        c.report(
          'DOM0_MPIDR_NOT_VCPU',
          itemPath(gicc, i, 'arm_mpidr'),
          `${hit[2]} enabled GICC(s) carry an MPIDR none of the ${enabled.length} vCPUs has under Xen (GICC ${i}: ${hex(mpidrOf(hit[0]))}; ` +
            `vCPU k is (k & 0xF) | (k >> 4) << 8): PSCI CPU_ON for it reaches no vCPU`,
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
        const on = all.filter(enabledGicc).filter((g) => !invalidMpidr(g));
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

const GICD_SIZE = 0x10000n;
const GIC_REQUEST = "drivers/irqchip/irq-gic-v3.c gic_acpi_init(), gic_request_region() (Linux's GIC driver)";
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
  rules: [...structureRules, ...redistributorRules, ...dom0Rules, ...xenHostRules],
  xenHostRequired: 'XEN_HOST_NO_MADT',
  regions: (t) => {
    const info = gicInfo(t.items ?? []);
    const out: HostRange[] = [];
    const add = (rs: HostRange[]) => rs.forEach((r) => out.push(r));
    const seg = new Map<number, number>();
    // a GICv3 CPU interface and its hypervisor control are system registers: Linux's GICv3
    // driver maps neither base (drivers/irqchip/irq-gic-v3.c reads only GICV and GICR from GICCs)
    const v3 = info.version === 3 ? { unused: 'a GICv3 CPU interface is reached through system registers' } : {};
    // Linux's GICv3 driver requests the distributor and the redistributors of enabled CPUs at
    // interrupt-controller init (5.19+); its GICv2 driver maps without requesting
    const claimed = (base: bigint | undefined, size: bigint) =>
      info.version === 3 && base ? { claims: [{ base: BigInt(base), size, by: GIC_REQUEST, early: true as const }] } : {};
    for (const s of t.items ?? []) {
      const it = itemOf(madtFamily, s);
      if (!it) continue;
      const i = seg.get(it.type) ?? 0;
      seg.set(it.type, i + 1);
      // the item's type narrows its fields: it.fields is a GICD's after `it.type === MADT_GICD`
      if (it.type === MADT_GICD) add(rangeAt(it.fields.base_address, GICD_SIZE, `APIC.gicd[${i}] (GICD)`, claimed(it.fields.base_address, GICD_SIZE)));
      else if (it.type === MADT_GICR) {
        const size = BigInt(it.fields.length_region ?? 0);
        add(rangeAt(it.fields.base_address, size, `APIC.gicr[${i}] (GICR region)`, claimed(it.fields.base_address, size)));
      } else if (it.type === MADT_ITS) add(rangeAt(it.fields.base_address, ITS_SIZE, `APIC.its[${i}] (GIC ITS)`));
      else if (it.type === MADT_MSI_FRAME) add(rangeAt(it.fields.base_address, 0x1000n, `APIC.msi_frame[${i}] (GICv2m frame)`));
      else if (it.type === MADT_GICC) {
        const f = it.fields;
        const at = (name: FieldName<typeof gicc.layout>) => itemPath(gicc, i, name);
        add(rangeAt(f.base_address, GICC_SIZE, () => `${at('base_address')} (GIC CPU interface)`, v3));
        add(rangeAt(f.gicv_base_address, GICC_SIZE, () => `${at('gicv_base_address')} (GICV)`));
        add(rangeAt(f.gich_base_address, GICC_SIZE, () => `${at('gich_base_address')} (GICH)`, v3));
        if (!info.gicrs.length)
          add(
            rangeAt(
              f.gicr_base_address,
              GICR_FRAMES,
              () => `${at('gicr_base_address')} (GICR)`,
              f.flags & GICC_ENABLED ? claimed(f.gicr_base_address, GICR_FRAMES) : {},
            ),
          );
      }
    }
    return out;
  },
  pictures: (e) => {
    const cpus = (e.table.items ?? [])
      .filter((s) => s.fields.type === MADT_GICC)
      .map((s, i) => {
        const f = fieldsOf(gicc, s);
        const state = f.flags & GICC_ENABLED ? 'enabled' : f.flags & GICC_ONLINE_CAPABLE && headerRevision(e.table) >= 6 ? 'online-capable' : 'disabled';
        return { mpidr: f.arm_mpidr, uid: f.uid, state, path: `APIC.gicc[${i}]` } as const;
      });
    if (!cpus.length) return [];
    const on = cpus.filter((c) => c.state === 'enabled').length;
    return [
      { section: 'topology', kind: 'cpus', title: `MADT: ${cpus.length} GICC(s) by MPIDR affinity, ${on} enabled`, cpus },
      {
        section: 'topology',
        kind: 'per-cpu',
        title: 'MADT GICC',
        columns: ['MPIDR', 'GICC'],
        rank: 0,
        cpus: cpus.map((c) => ({ uid: c.uid, cells: [hex(c.mpidr), c.state], path: c.path })),
      },
    ];
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
