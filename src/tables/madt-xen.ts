// What Xen's own boot code does with a host's MADT (check --xen-host; docs/xen-host.md, XH5-XH20,
// XH35-XH37): the rules, attached to the MADT's declaration in madt.ts.
import { type Layout } from '../layout/schema.js';
import { type ContainerDef, type FieldName, fieldAt, rawField, fieldPath } from '../layout/codec.js';
import { XEN_NR_CPUS } from '../model/xen.js';
import { type CodeInfo, type RuleContext, type TableRule, rule, xen } from '../model/rules.js';
import { headerRevision } from './common.js';
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

/** The codes of the rule that reads the MADT as Xen's GIC code does. */
type GicCode = keyof typeof gicCodes;

/** A field of a walked subtable as a finding names it: its value, dump's path, offset. */
interface Probe {
  value: bigint | number | undefined;
  path: string;
  offset: number;
  what: string;
}

/** The MADT as Xen's walk found it, and how to read its subtables' fields. */
class XenMadt<C extends string = GicCode> {
  readonly b: Uint8Array;

  constructor(
    readonly c: RuleContext<C>,
    readonly subs: Walked[],
  ) {
    this.b = c.entry.bytes;
  }

  of(type: number): Walked[] {
    return this.subs.filter((s) => s.type === type);
  }

  /** A field of a walked subtable (undefined past `end`, when given: the subtable's own end). */
  field<L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>, end?: number): bigint | number | undefined {
    return rawField(def, this.b, s.at, name, end);
  }

  at<L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>): number {
    return s.at + fieldAt(def.layout, name)!.offset;
  }

  probe<L extends Layout>(def: ContainerDef<L>, s: Walked, name: FieldName<L>, what: string): Probe {
    return { value: this.field(def, s, name), path: fieldPath(`APIC.${def.name}[${s.index}]`, def, name), offset: this.at(def, s, name), what };
  }
}

/** acpi_parse_entries(): the walk every MADT reader runs; a length under 2 fails them all. */
function acpiParseEntries(c: RuleContext<GicCode>): XenMadt | undefined {
  const b = c.entry.bytes;
  const { subs, brokenAt } = xenWalk(b);
  if (brokenAt === undefined) return new XenMadt(c, subs);
  const message = `the subtable at ${hex(brokenAt)} has length ${b[brokenAt + 1]}: Xen's MADT walks stop there with an error, and find no GICD`;
  c.report('XEN_HOST_MADT_WALK', 'APIC', message, brokenAt + 1);
  return undefined;
}

/** gic_acpi_preinit(): a GICD must be there, each GICD's callback checks its length, and the
 * first's version picks the driver. The version, or undefined when Xen stops here. */
function gicAcpiPreinit(m: XenMadt): number | undefined {
  const { c, b } = m;
  const gicds = m.of(MADT_GICD);
  if (!gicds.length) {
    c.report('XEN_HOST_NO_GICD', 'APIC', 'no GIC Distributor subtable: "No valid GICD entries exists"', 44);
    return undefined;
  }
  const short = gicds.find((s) => s.length < 24 || s.at + 24 > b.length);
  if (short) {
    const message = `GICD ${short.index} is ${short.length} bytes: Xen's GIC driver needs 24`;
    c.report('XEN_HOST_GICD_LENGTH', itemPath(gicd, short.index, 'length'), message, short.at + 1);
    if (short === gicds[0]) return undefined;
  }
  const version = Number(m.field(gicd, gicds[0], 'version') ?? 0);
  if (version >= 2 && version <= 4) return version;
  const said = `the first GICD says version ${version}${version === 0 ? ' ("probe the hardware")' : ''}`;
  c.report(
    'XEN_HOST_GIC_VERSION',
    itemPath(gicd, 0, 'version'),
    `${said}: Xen picks its GIC driver by this byte and knows only 2, 3 and 4`,
    m.at(gicd, gicds[0], 'version'),
  );
  return undefined;
}

/** gic_acpi_parse_madt_cpu(): each GICC is BAD_MADT_GICC_ENTRY unless it is exactly the length
 * the FADT's revision says (no FADT: nothing to compare with; XEN_HOST_NO_FADT says so). The GICCs
 * Xen accepts: those before the first bad one. */
function gicAcpiParseMadtCpu(m: XenMadt): Walked[] {
  const { giccs, bad, want, rev } = xenGiccs(m);
  if (bad === undefined) return giccs;
  const s = m.of(MADT_GICC)[bad];
  const n = m.of(MADT_GICC).filter((g) => !fits(m, g, want)).length;
  m.c.report(
    'XEN_HOST_GICC_LENGTH',
    itemPath(gicc, s.index, 'length'),
    s.length === want
      ? `GICC ${s.index} is the last subtable and Xen reads ${GICC_LEN_V6} bytes from it, past the end of the MADT: Xen panics at GIC init`
      : `${n} GICC(s) are not ${want} bytes (GICC ${s.index}: ${s.length}) under FADT revision ${rev}: Xen accepts exactly ${want}, and panics at GIC init`,
    s.at + 1,
  );
  return giccs;
}

/** Whether BAD_MADT_GICC_ENTRY lets a GICC by: exactly `want` bytes, its 80 read inside the MADT. */
const fits = <C extends string>(m: XenMadt<C>, g: Walked, want: number) => g.length === want && g.at + GICC_LEN_V6 <= m.b.length;

/** The GICCs Xen's walks take: those before the first that BAD_MADT_GICC_ENTRY refuses (the
 * length the FADT's revision says; no FADT, nothing to compare with: XEN_HOST_NO_FADT says so),
 * and that one's index among the GICCs. */
function xenGiccs<C extends string>(m: XenMadt<C>): { giccs: Walked[]; bad?: number; want: number; rev: number } {
  const all = m.of(MADT_GICC);
  const fadt = m.c.find('FACP');
  const rev = fadt ? headerRevision(fadt.table) : 0;
  const want = rev >= 6 ? GICC_LEN_V6 : GICC_LEN_V5;
  const bad = fadt ? all.findIndex((g) => !fits(m, g, want)) : -1;
  return bad < 0 ? { giccs: all, want, rev } : { giccs: all.slice(0, bad), bad, want, rev };
}

/** gic_acpi_parse_madt_cpu(), its comparison: every GICC's interface bases (and maintenance
 * interrupt) must be the first's. */
function sameAsFirstGicc(m: XenMadt, v3: boolean, giccs: Walked[]): void {
  const first = giccs[0];
  const same: [FieldName<typeof gicc.layout>, string][] = [
    ['base_address', 'CPU interface base'],
    ['gicv_base_address', 'GICV base'],
    ['vgic_interrupt', 'maintenance interrupt'],
  ];
  if (!v3) same.push(['gich_base_address', 'GICH base']);
  for (const s of giccs.slice(1))
    for (const [name, what] of same) {
      const x = m.probe(gicc, s, name, what);
      const y = m.field(gicc, first, name);
      if (x.value === y) continue;
      const message = `GICC ${s.index}'s ${what} is ${hex(x.value ?? 0n)}, GICC ${first.index}'s ${hex(y ?? 0n)}: "GICC entries are not same in MADT table"`;
      m.c.report('XEN_HOST_GICC_MISMATCH', x.path, message, x.offset);
      return;
    }
}

/** gicv3_acpi_init(): the redistributors, from GICR subtables or else each GICC's GICR base
 * (gic_acpi_get_madt_cpu_num(), gic_acpi_parse_madt_redistributor()). */
function gicv3AcpiInit(m: XenMadt): void {
  const { c, b } = m;
  const gicrs = m.of(MADT_GICR);
  if (!gicrs.length) {
    const zero = m.of(MADT_GICC).find((s) => m.field(gicc, s, 'gicr_base_address') === 0n);
    if (zero) {
      const message = `no GICR subtable, and GICC ${zero.index} has GICR base 0: "GICv3: No valid GICR entries exists"`;
      c.report('XEN_HOST_NO_GICR', itemPath(gicc, zero.index, 'gicr_base_address'), message, m.at(gicc, zero, 'gicr_base_address'));
    }
  }
  const short = gicrs.find((s) => s.length < 16 || s.at + 16 > b.length);
  if (short)
    c.report('XEN_HOST_GICR_LENGTH', itemPath(gicr, short.index, 'length'), `GICR ${short.index} is ${short.length} bytes: Xen needs 16`, short.at + 1);
}

/** gicv3_init_v2(): a GICV frame (a GICv2-compatible vGIC) needs the GICv2 CPU interface base too. */
function gicv3InitV2(m: XenMadt, first: Walked): void {
  const gicv = m.field(gicc, first, 'gicv_base_address') ?? 0n;
  const cpu = m.probe(gicc, first, 'base_address', 'CPU interface base');
  if (cpu.value !== 0n || gicv === 0n) return;
  const message = `GICC ${first.index} gives a GICV base (${hex(gicv)}) but CPU interface base 0: Xen offers guests no GICv2-compatible vGIC`;
  m.c.report('XEN_HOST_VGICV2', cpu.path, message, cpu.offset);
}

/** gicv3_ioremap_distributor(), gicv2_init(): the bases Xen maps must be 4 KiB aligned — the
 * distributor's (the last GICD's: each one's callback overwrites it) and, for GICv2, the first
 * GICC's interfaces. */
function gicIoremap(m: XenMadt, v3: boolean, first: Walked): void {
  const gicds = m.of(MADT_GICD);
  const aligned = [m.probe(gicd, gicds[gicds.length - 1], 'base_address', 'GICD base')];
  if (!v3)
    aligned.push(
      m.probe(gicc, first, 'base_address', 'GICC base'),
      m.probe(gicc, first, 'gich_base_address', 'GICH base'),
      m.probe(gicc, first, 'gicv_base_address', 'GICV base'),
    );
  const odd = aligned.find((x) => (BigInt(x.value ?? 0n) & PAGE_MASK) !== 0n);
  if (!odd) return;
  const said = v3 ? '"Found unaligned distributor address"' : '"GICv2 interfaces not page aligned"';
  m.c.report('XEN_HOST_GIC_ALIGN', odd.path, `the ${odd.what} ${hex(odd.value!)} is not 4 KiB aligned: ${said}`, odd.offset);
}

const XEN_GIC_V3 = 'xen/arch/arm/gic-v3.c gicv3_acpi_init(), gic_acpi_parse_madt_cpu()';
const XEN_GIC_V2 = 'xen/arch/arm/gic-v2.c gicv2_acpi_init(), gic_acpi_parse_madt_cpu()';
const XEN_SMP = 'xen/arch/arm/acpi/boot.c acpi_map_gic_cpu_interface()';
const PAGE_MASK = 0xfffn;

/** What Xen's GIC code refuses in a host's MADT (one rule: each routine runs only if the one before let it). */
const gicCodes = {
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
    summary: 'a GICC (enabled or not) that is not exactly 76 bytes under a FADT revision below 6, or 80 from 6 on, or a GICC whose 80 bytes run past the MADT',
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
    consumers: [xen('4.17+', 'panic', '"GICv3: No valid GICR entries exists" (XH12)', 'xen/arch/arm/gic-v3.c gicv3_acpi_init(), gic_acpi_get_madt_cpu_num()')],
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
    consumers: [xen('4.17+', 'panic', '"GICC entries are not same in MADT table", then "No valid GICC entries exists" (XH14)', `${XEN_GIC_V3}; ${XEN_GIC_V2}`)],
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
} satisfies Record<string, CodeInfo>;

export const xenHostRules: TableRule[] = [
  rule({
    xenHost: true,
    codes: gicCodes,
    run(c) {
      const m = acpiParseEntries(c);
      if (!m) return;
      const version = gicAcpiPreinit(m);
      if (version === undefined) return;
      const v3 = version >= 3;
      const giccs = gicAcpiParseMadtCpu(m);
      if (v3) gicv3AcpiInit(m);
      const first = giccs[0];
      if (!first) return;
      sameAsFirstGicc(m, v3, giccs);
      if (v3) gicv3InitV2(m, first);
      gicIoremap(m, v3, first);
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
      const { subs, brokenAt } = xenWalk(b);
      if (brokenAt !== undefined) return;
      // the SMP walk stops at the first GICC BAD_MADT_GICC_ENTRY refuses (XEN_HOST_GICC_LENGTH)
      const m = new XenMadt(c, subs);
      const { giccs } = xenGiccs(m);
      const f = (s: Walked, name: FieldName<typeof gicc.layout>) => BigInt(m.field(gicc, s, name) ?? 0n);
      const at = (s: Walked, name: FieldName<typeof gicc.layout>) => m.at(gicc, s, name);
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
      const capable = headerRevision(c.entry.table) >= 6 ? giccs.find((s) => (f(s, 'flags') & 0x9n) === 0x8n) : undefined;
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
            `${enabled.length} enabled GICCs: a default Xen (NR_CPUS ${XEN_NR_CPUS}) ignores GICC ${s.index} and the ` +
              `${enabled.length - enabled.indexOf(s) - 1} after it, and gives dom0 at most ${XEN_NR_CPUS} vCPUs (if the boot CPU is among ` +
              `them, no secondary starts)`,
            at(s, 'flags'),
          );
          break;
        }
        const twin = seen.get(masked);
        if (twin) {
          c.report(
            'XEN_HOST_MPIDR_DUPLICATE',
            itemPath(gicc, s.index, 'arm_mpidr'),
            `GICC ${s.index}'s MPIDR ${hex(mpidr)} is GICC ${twin.index}` +
              `'s${f(twin, 'arm_mpidr') === mpidr ? '' : ` (${hex(f(twin, 'arm_mpidr'))}) once Xen masks it to ${hex(masked)}`}: "Firmware ` +
              `bug, duplicate CPU MPIDR", that CPU is ignored`,
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
      const m = new XenMadt(c, xenWalk(c.entry.bytes).subs);
      const its = m.of(MADT_ITS);
      const gicds = m.of(MADT_GICD);
      const v3 = gicds.length > 0 && Number(m.field(gicd, gicds[0], 'version') ?? 0) >= 3;
      if (its.length && v3)
        c.report(
          'XEN_HOST_ITS',
          'APIC.its[0]',
          `${its.length} GIC ITS subtable(s): unless Xen is built with CONFIG_HAS_ITS, dom0 sees no ITS ` + `and its PCI devices get no MSIs through it`,
          its[0].at,
        );
      const frames = m.of(MADT_MSI_FRAME);
      if (frames.length)
        c.report(
          'XEN_HOST_MSI_FRAME',
          'APIC.msi_frame[0]',
          `${frames.length} GICv2m MSI frame(s): dom0's MADT gets none, so dom0's devices get no MSIs through them`,
          frames[0].at,
        );
      const pmu = m.of(MADT_GICC).find((s) => (m.field(gicc, s, 'performance_interrupt', s.at + s.length) ?? 0n) !== 0n);
      if (pmu)
        c.report(
          'XEN_HOST_PMU',
          itemPath(gicc, pmu.index, 'performance_interrupt'),
          `GICC ${pmu.index} gives PMU interrupt ${m.field(gicc, pmu, 'performance_interrupt')}: dom0's GICCs carry none, so dom0 has no PMU`,
          m.at(gicc, pmu, 'performance_interrupt'),
        );
    },
  }),
];

/** MMIO sizes of the GIC frames: distributor, v2 CPU interface (GICC/GICV/GICH), one
 * redistributor (RD + SGI frames), an ITS (control + translation frames). */
