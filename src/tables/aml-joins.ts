// Checks that join the namespace the DSDT and SSDTs declare (src/aml) to the other tables: the MADT's
// processors and the processor devices Linux binds to them, the device paths IORT named components
// and DBG2 devices name, and the UART the SPCR and STAO point at. They run once per set (on the
// DSDT) and read only constants: a value a method computes is out of reach, and said to be.
import { type HostRange, type RuleContext, type TableRule, rule, linux, spec, tool } from '../model/rules.js';
import { partOf, partIn, fieldPath, fieldsOf } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import { HOST_BRIDGE_IDS, PROCESSOR_ID, busRange, devicesOf, fullPathOf, hasId, memoryWindows, type AmlDevice } from '../aml/devices.js';
import type { AmlObject } from '../aml/namespace.js';
import type { TableEntry } from '../model/set.js';
import { GICC_ENABLED, gicc, MADT_GICC } from './madt-subtables.js';
import { namedComponent, IORT_NAMED_COMPONENT, IORT_ROOT_COMPLEX, nodePathsOf } from './iort-nodes.js';
import { mcfgAllocation } from './mcfg.js';
import { SERIAL_PORT } from './common.js';
import type { AmlSet } from '../aml/index.js';
import { namepathPart } from './dbg2.js';
import { pathText } from '../aml/tree.js';

/** The namespace of the set as the joins read it: its devices, and where each object is. */
export interface Joined {
  devices: AmlDevice[];
  /** every object by its path as ACPICA's full pathname writes it (`\_SB_.PCI0`) */
  byFullPath: Map<string, AmlObject>;
  /** the table entry that declared an object, and the dump path of its line (`DSDT.\_SB.PCI0`) */
  entryOf(o: AmlObject): TableEntry | undefined;
  pathOf(o: AmlObject): string;
}

const joined = new WeakMap<readonly TableEntry[], Joined>();

/** The set's namespace joined once per set. */
export function namespaceOf(c: RuleContext): Joined {
  const known = joined.get(c.set.tables);
  if (known) return known;
  const { aml, blocks } = c.aml();
  const byLabel = new Map([...blocks].map(([e, b]) => [b.table, e]));
  const byFullPath = new Map<string, AmlObject>();
  for (const o of aml.namespace) if (!byFullPath.has(pathText(o.segs))) byFullPath.set(pathText(o.segs), o);
  const out: Joined = {
    devices: devicesOf(aml.namespace),
    byFullPath,
    entryOf: (o) => byLabel.get(o.table),
    pathOf: (o) => `${byLabel.get(o.table)?.table.signature ?? 'DSDT'}.${o.path}`,
  };
  joined.set(c.set.tables, out);
  return out;
}

/** Whether the set is one machine's: one DSDT (a folder of several machines' DSDTs, as a
 * collection of device firmware is, declares no namespace any one of them boots with). */
export const oneMachine = (c: RuleContext): boolean => c.all('DSDT').length === 1;

/** A finding about an AML object: on the table that declared it, at its declaration's line. */
export function reportAt(c: RuleContext, ns: Joined, code: string, o: AmlObject, message: string): void {
  c.report(code, ns.pathOf(o), message, o.offset, ns.entryOf(o));
}

const PROCESSOR_WHERE = 'drivers/acpi/acpi_processor.c acpi_processor_get_info(), acpi_processor_check_duplicates()';

const processorRule = rule({
  codes: {
    AML_CPU_NO_DEVICE: {
      summary:
        'an enabled GICC whose processor UID no present processor device has (a Device with _HID or _CID ACPI0007 and that _UID, or a ' +
        "Processor object with that ProcessorID); checked when every processor device's ID is a constant",
      consumers: [
        linux(
          'all',
          'function-lost',
          'the CPU runs, but no processor driver binds to it: no idle states (_LPI) and no CPPC performance control for that CPU',
          PROCESSOR_WHERE,
        ),
      ],
    },
    AML_CPU_UID_DUPLICATE: {
      summary: 'two present processor devices with one _UID (or ProcessorID)',
      consumers: [
        linux(
          'all',
          'function-lost',
          '"Failed to get unique processor _UID": every processor device with that ID is refused, so those CPUs get no idle states and no CPPC',
          PROCESSOR_WHERE,
        ),
      ],
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const madt = c.find('APIC');
    const ns = namespaceOf(c);
    const cpus = ns.devices.filter((d) => !d.absent && (d.object.kind === 'Processor' || hasId(d, PROCESSOR_ID)));
    const byUid = new Map<string, AmlDevice[]>();
    for (const d of cpus) {
      if (d.uid?.is !== 'constant') continue;
      const k = String(d.uid.value);
      byUid.set(k, [...(byUid.get(k) ?? []), d]);
    }
    for (const [uid, list] of byUid)
      if (list.length > 1)
        reportAt(
          c,
          ns,
          'AML_CPU_UID_DUPLICATE',
          list[1].object,
          `${list[1].path} has processor ID ${uid}, as ${list[0].path} has: Linux refuses both (${list.length} devices)`,
        );
    // the GICCs: checked only when every processor device's ID is known
    if (!madt || !cpus.length || cpus.some((d) => d.uid?.is !== 'constant')) return;
    (madt.table.items ?? []).forEach((g, i) => {
      if (g.fields.type !== MADT_GICC) return;
      const f = fieldsOf(gicc, g);
      if (!(Number(f.flags) & GICC_ENABLED) || byUid.has(String(BigInt(f.uid)))) return;
      c.report(
        'AML_CPU_NO_DEVICE',
        fieldPath(`APIC.gicc[${giccIndex(madt, i)}]`, gicc, 'uid'),
        `GICC ${giccIndex(madt, i)} (processor UID ${f.uid}) has no processor device in the DSDT/SSDTs: Linux binds no processor driver to that CPU`,
        undefined,
        madt,
      );
    });
  },
});

/** The index of the i-th MADT item among the GICCs (their paths count GICCs only). */
const giccIndex = (madt: TableEntry, i: number) => (madt.table.items ?? []).slice(0, i).filter((s) => s.fields.type === MADT_GICC).length;

const pathRule = rule({
  codes: {
    AML_IORT_NAMED_COMPONENT: {
      summary:
        "an IORT named component whose device name is no device of the namespace, compared as Linux compares it: with ACPICA's full " +
        'pathname (`\\_SB_.XXXX`, every segment four characters)',
      consumers: [
        linux(
          'all',
          'function-lost',
          'no device matches the node: the device behind it gets no SMMU translation and no MSI domain from the IORT',
          'drivers/acpi/arm64/iort.c iort_match_node_callback()',
        ),
      ],
    },
    AML_NAME_EXTERNAL: {
      summary: 'a table names a device the input declares only as External (a table the input lacks declares it): the name is not checked',
      consumers: [tool('skipped', 'the device is declared by a table that is not in the input')],
    },
    AML_DBG2_NAMEPATH: {
      summary:
        'a DBG2 device whose namespace string is no object of the namespace (a name that is not a full path, as QEMU writes `COM0`, is not found either)',
      consumers: [
        spec('the namespace string names the device object by its full path (neither Linux nor Xen reads the DBG2)', 'Microsoft DBG2 specification, Table 3'),
      ],
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const ns = namespaceOf(c);
    const external = (path: string) => ns.byFullPath.get(path)?.kind === 'External';
    for (const iort of c.all('IORT'))
      for (const [n, path] of nodePathsOf(iort)) {
        if (n.fields.type !== IORT_NAMED_COMPONENT) continue;
        const name = partIn(namedComponent, 'device_name', n);
        if (name === undefined) continue;
        const o = ns.byFullPath.get(name);
        if (o && o.kind !== 'External') continue;
        const at = `${path}.device_name`;
        if (external(name)) c.report('AML_NAME_EXTERNAL', at, `the IORT named component ${name} is declared only as External in the input`, undefined, iort);
        else
          c.report(
            'AML_IORT_NAMED_COMPONENT',
            at,
            `the IORT named component ${JSON.stringify(name)} is no object of the namespace${fullPathHint(ns, name)}`,
            undefined,
            iort,
          );
      }
    for (const dbg2 of c.all('DBG2'))
      (dbg2.table.items ?? []).forEach((n, i) => {
        const name = partOf(namepathPart, n);
        if (!name || name === '.') return;
        const o = ns.byFullPath.get(fullPathOf(name));
        if (o && o.kind !== 'External') return;
        const at = `DBG2.device[${i}].namepath`;
        if (o) c.report('AML_NAME_EXTERNAL', at, `the DBG2 device ${name} is declared only as External in the input`, undefined, dbg2);
        else c.report('AML_DBG2_NAMEPATH', at, `DBG2 device ${i} names ${JSON.stringify(name)}, ${relativeHint(ns, name)}`, undefined, dbg2);
      });
  },
});

/** What a name that is no object is: a relative name (and the devices it could mean), or none. */
function relativeHint(ns: Joined, name: string): string {
  if (name.startsWith('\\')) return 'which is no object of the namespace';
  const seg = name.padEnd(4, '_');
  const like = ns.devices.filter((d) => d.object.segs[d.object.segs.length - 1] === seg).map((d) => d.path);
  return `a name that is no full path${like.length ? ` (the device${like.length > 1 ? 's' : ''} of that name: ${like.slice(0, 3).join(', ')})` : ''}`;
}

/** Why a name a table writes is not found when the device is there by another spelling. */
function fullPathHint(ns: Joined, name: string): string {
  const full = fullPathOf(name);
  return full !== name && ns.byFullPath.has(full) ? ` (${full} is: Linux compares the full pathname, each segment four characters)` : '';
}

const PCI_ROOT = 'drivers/acpi/pci_root.c acpi_pci_root_add(); drivers/pci/pci-acpi.c pci_acpi_setup_ecam_mapping(); drivers/acpi/pci_mcfg.c pci_mcfg_lookup()';

const pciRule = rule({
  codes: {
    AML_PCI_NO_ECAM: {
      summary:
        'a present PCI host bridge whose segment (_SEG, else 0) and bus range (its _CRS bus numbers, else _BBN to 0xFF) no MCFG allocation ' +
        'covers, and which has no _CBA',
      consumers: [linux('all', 'function-lost', '"ECAM region not found": the root bridge gets no config space, and nothing behind it is found', PCI_ROOT)],
    },
    AML_PCI_NO_IORT: {
      summary: 'a present PCI host bridge whose segment no IORT root complex names (checked when the set holds an IORT)',
      consumers: [
        linux(
          'all',
          'function-lost',
          'no IORT node matches the segment: its devices get no MSI domain (legacy INTx only) and no SMMU',
          'drivers/acpi/arm64/iort.c iort_match_node_callback(), iort_get_device_domain()',
        ),
      ],
    },
    AML_PCI_WINDOW_CONFLICT: {
      summary:
        "a present PCI host bridge's memory window (its _CRS, in the CPU's addresses) that overlaps a window of a bridge before it or an " +
        'ECAM window without holding it or lying in it',
      consumers: [
        linux(
          'all',
          'function-lost',
          '"ignoring host bridge window … (conflicts with …)": the window is dropped, and no device behind the bridge is given addresses in it',
          'drivers/acpi/pci_root.c pci_acpi_root_add_resources(), acpi_pci_root_create()',
        ),
      ],
    },
    AML_PCI_SEGMENT_NO_BRIDGE: {
      summary:
        'a PCI segment the MCFG (an allocation) or the IORT (a root complex) describes whose buses no present PCI host bridge has, said ' +
        'once per segment (checked when the namespace declares host bridges, each with a constant _SEG and bus range)',
      consumers: [
        linux(
          'all',
          'unused',
          'no root bridge looks the allocation or the node up: it is never used',
          'drivers/acpi/pci_mcfg.c pci_mcfg_lookup(); drivers/acpi/arm64/iort.c iort_match_node_callback()',
        ),
      ],
    },
  },
  run(c) {
    if (!oneMachine(c)) return;
    const ns = namespaceOf(c);
    const bridges = ns.devices.filter((d) => !d.absent && hasId(d, ...HOST_BRIDGE_IDS));
    // a bridge whose segment or buses a method computes is out of reach: the joins are then partial
    const known = bridges.flatMap((d) => {
      const bus = busRange(d);
      const seg = d.seg === undefined ? 0n : d.seg.is === 'constant' ? d.seg.value & 0xffffn : undefined;
      return bus && seg !== undefined ? [{ d, seg: Number(seg), bus }] : [];
    });
    // an allocation or a root complex without a bridge is said only of a namespace that describes
    // PCI (a DSDT without host bridges may leave PCI to an SSDT the input lacks), whose bridges are
    // all known
    const complete = bridges.length > 0 && known.length === bridges.length;
    const mcfg = c.find('MCFG');
    const allocations = allocationsOf(mcfg);
    for (const b of known) {
      if (!mcfg || b.d.below.has('_CBA')) continue;
      const covered = allocations.some(({ f }) => Number(f.segment) === b.seg && Number(f.start_bus) <= b.bus.start && Number(f.end_bus) >= b.bus.end);
      if (!covered)
        reportAt(
          c,
          ns,
          'AML_PCI_NO_ECAM',
          b.d.object,
          `${b.d.path} is PCI segment ${b.seg}, buses ${b.bus.start}-${b.bus.end}${b.bus.fromCrs ? '' : ' (no bus range in its _CRS)'}: no ` +
            `MCFG allocation covers them, so Linux finds no ECAM for it`,
        );
    }
    windowConflicts(c, ns, known, allocations);
    for (const iort of c.all('IORT')) {
      const segments = new Set((iort.table.items ?? []).filter((n) => n.fields.type === IORT_ROOT_COMPLEX).map((n) => Number(n.fields.pci_segment)));
      for (const b of known)
        if (!segments.has(b.seg))
          reportAt(
            c,
            ns,
            'AML_PCI_NO_IORT',
            b.d.object,
            `${b.d.path} is PCI segment ${b.seg}, which no IORT root complex names: its devices get no MSI and no SMMU`,
          );
    }
    if (!complete) return;
    // the segments the tables describe and no bridge has: at the first allocation, else root complex
    const bridged = (seg: number, start = 0, end = 0xff) => known.some((b) => b.seg === seg && b.bus.start <= end && start <= b.bus.end);
    const said = new Set<number>();
    for (const { i, f } of allocations) {
      const seg = Number(f.segment);
      if (said.has(seg) || bridged(seg, Number(f.start_bus), Number(f.end_bus))) continue;
      said.add(seg);
      c.report(
        'AML_PCI_SEGMENT_NO_BRIDGE',
        fieldPath(`MCFG.allocation[${i}]`, mcfgAllocation, 'segment'),
        `MCFG allocation ${i} (segment ${seg}, buses ${Number(f.start_bus)}-${Number(f.end_bus)}) is the ECAM of no host bridge in the namespace`,
        undefined,
        mcfg,
      );
    }
    for (const iort of c.all('IORT'))
      for (const [n, path] of nodePathsOf(iort)) {
        const seg = Number(n.fields.pci_segment);
        if (n.fields.type !== IORT_ROOT_COMPLEX || said.has(seg) || bridged(seg)) continue;
        said.add(seg);
        c.report(
          'AML_PCI_SEGMENT_NO_BRIDGE',
          `${path}.pci_segment`,
          `the root complex of PCI segment ${seg} has no host bridge in the namespace`,
          undefined,
          iort,
        );
      }
  },
});

/** The MCFG's allocations with their indexes (none without an MCFG). */
const allocationsOf = (mcfg: TableEntry | undefined) => (mcfg?.table.items ?? []).map((n, i) => ({ i, f: fieldsOf(mcfgAllocation, n) }));

/** Two ranges that overlap with neither holding the other: what Linux's resource tree refuses. */
const partial = (a: { base: bigint; size: bigint }, b: { base: bigint; size: bigint }) => {
  const [ae, be] = [a.base + a.size, b.base + b.size];
  return a.base < be && b.base < ae && !(a.base <= b.base && be <= ae) && !(b.base <= a.base && ae <= be);
};

/** Host bridge windows Linux drops: it sets bridges up in namespace order, each one's ECAM area
 * requested first, then its windows inserted, a window that overlaps a range already there without
 * holding it or lying in it ignored (pci_acpi_root_add_resources()). */
function windowConflicts(
  c: RuleContext,
  ns: Joined,
  known: { d: AmlDevice; seg: number; bus: { start: number; end: number } }[],
  allocations: ReturnType<typeof allocationsOf>,
): void {
  // what is in the resource tree: ECAM areas and windows, by the bridge they are of (a bridge's own
  // overlapping windows are merged first: acpi_pci_root_validate_resources())
  const placed: { base: bigint; size: bigint; what: string; of: AmlDevice; ecam: boolean }[] = [];
  const show = (r: { base: bigint; size: bigint }) => `${hex(r.base)}-${hex(r.base + r.size - 1n)}`;
  for (const b of known) {
    const a = allocations.find(({ f }) => Number(f.segment) === b.seg && Number(f.start_bus) <= b.bus.start && Number(f.end_bus) >= b.bus.end);
    if (a) {
      const base = BigInt(a.f.base_address) + (BigInt(b.bus.start) << 20n);
      placed.push({
        base,
        size: BigInt(b.bus.end - b.bus.start + 1) << 20n,
        what: `the ECAM area of ${b.d.path} (MCFG allocation ${a.i})`,
        of: b.d,
        ecam: true,
      });
    }
    for (const w of memoryWindows(b.d)) {
      const clash = placed.find((p) => (p.of !== b.d || p.ecam) && partial(p, w));
      if (!clash) {
        placed.push({ ...w, what: `${b.d.path}'s window ${show(w)}`, of: b.d, ecam: false });
        continue;
      }
      reportAt(
        c,
        ns,
        'AML_PCI_WINDOW_CONFLICT',
        b.d.crs!.object,
        `${b.d.path}'s memory window ${show(w)} (_CRS descriptor ${w.index}) overlaps ${clash.what}: Linux ignores the window, and no ` +
          `device behind the bridge gets addresses in it`,
      );
    }
  }
}

export const amlJoinRules: TableRule[] = [processorRule, pathRule, pciRule];

/** Devices whose _CRS is no device's registers: motherboard resources (PNP0C01, PNP0C02: ranges the
 * firmware reserves, an ECAM window among them, which Linux reserves late and lets others share,
 * drivers/pnp/system.c) and PCI host bridges, whose memory ranges are windows for the devices
 * behind them. */
const NOT_REGISTERS = ['PNP0C01', 'PNP0C02', ...HOST_BRIDGE_IDS];
/** The UARTs other tables describe too (the SPCR's console, the DBG2's debug port): PL011 and the
 * SBSA generic UART (drivers/tty/serial/amba-pl011.c), 16550s (8250_pnp.c, 8250_dw.c). */
const UART_IDS = ['ARMH0011', 'ARMHB000', 'PNP0500', 'PNP0501', 'APMC0D08', 'HISI0031'];
/** The memory descriptors (ACPI 6.5 §6.4.3) and where a range starts in each. */
const MEMORY = new Set(['Memory24', 'Memory32', 'Memory32Fixed', 'DWordMemory', 'QWordMemory', 'ExtendedMemory']);

/**
 * The MMIO of a DSDT's or SSDT's devices (`set`: its block read, on its own), for the region sweep
 * and the address map: each constant memory range of a present device's _CRS that it consumes, at
 * its descriptor's offset, claimed as the device's driver requests it (devm_ioremap_resource() on
 * the ACPI platform device's resources). A Memory24's base and length count 256-byte units.
 */
export function deviceRegions(e: TableEntry, set: AmlSet): HostRange[] {
  const sig = e.table.signature;
  const out: HostRange[] = [];
  for (const d of devicesOf(set.namespace)) {
    if (d.absent || d.crs?.is !== 'constant' || hasId(d, ...NOT_REGISTERS)) continue;
    const v = d.crs.object.kind === 'Name' ? d.crs.object.value : d.crs.object.returns;
    const at = v?.type === 'buffer' ? v.bytes.byteOffset - e.bytes.byteOffset : undefined;
    d.crs.value.descriptors.forEach((x, k) => {
      if (!MEMORY.has(x.type)) return;
      const f = x.fields;
      // a producer's range (bit 0 of an address descriptor's flags clear) is a window, not registers
      if (f.usage !== undefined && Number(f.usage) === 0) return;
      const unit = x.type === 'Memory24' ? 256n : 1n;
      const base = BigInt((f.base ?? f.min) as number | bigint) * unit;
      const size = BigInt(f.length as number | bigint) * unit;
      if (size <= 0n) return;
      out.push({
        base,
        size,
        what: `${sig}.${d.path}._CRS (descriptor ${k}: ${x.type})`,
        ...(at !== undefined ? { offset: at + x.offset } : {}),
        claims: [{ base, size, by: `the driver of ${d.path} (devm_ioremap_resource() of its _CRS memory)` }],
        ...(hasId(d, ...UART_IDS) ? { device: SERIAL_PORT } : {}),
      });
    });
  }
  return out;
}
