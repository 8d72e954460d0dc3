// SRAT, ACPI 6.5 §5.2.16: processor (local APIC/SAPIC, x2APIC, GICC), memory, GIC ITS and generic
// initiator affinity structures, each type + 1-byte length. Unknown types are kept raw.
import { layout, u8, u16, u24, u32, u64, bytes, type Bit, valueNames } from '../layout/schema.js';
import { container, family, fieldPath, fieldsOf, itemOf, type Node, segmentName } from '../layout/codec.js';
import { type TableRule, type TableDef, type RuleContext, rule, linux, spec } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';
import type { TableEntry } from '../model/set.js';
import type { DomainsPicture, PerCpuPicture } from '../model/picture.js';
import { enabledUids, itemPaths, rangesOverlap, showRange } from './topology-rules.js';

export const SRAT_TYPES = valueNames(
  {
    0: 'Processor Local APIC/SAPIC Affinity',
    1: 'Memory Affinity',
    2: 'Processor Local x2APIC Affinity',
    3: 'GICC Affinity',
    4: 'GIC ITS Affinity',
    5: 'Generic Initiator Affinity',
    6: 'Generic Port Affinity',
    7: 'RINTC Affinity',
  },
  'Unknown Subtable Type',
);

export const SRAT_MEMORY = 1;
export const SRAT_GICC = 3;
export const SRAT_ITS = 4;

const typeField = () => u8('type', 'Subtable Type', { enum: SRAT_TYPES });
const lengthField = () => u8('length', 'Length', { derive: 'length' });
const ENABLED: Bit[] = [{ name: 'enabled', label: 'Enabled', bit: 0 }];

const cpuApic = container({
  name: 'apic',
  label: 'Processor Local APIC/SAPIC Affinity',
  minLength: 16,
  key: { apic: 'apic_id', eid: 'local_sapic_eid' },
  layout: layout('srat_apic', [
    typeField(),
    lengthField(),
    u8('proximity_domain_lo', 'Proximity Domain Low(8)'),
    u8('apic_id', 'Apic ID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u8('local_sapic_eid', 'Local Sapic EID'),
    u24('proximity_domain_hi', 'Proximity Domain High(24)'),
    u32('clock_domain', 'Clock Domain'),
  ]),
}) satisfies TableDef;

export const sratMemory = container({
  name: 'memory',
  label: 'Memory Affinity',
  minLength: 40,
  key: { base: 'base_address' },
  layout: layout('srat_memory', [
    typeField(),
    lengthField(),
    u32('proximity_domain', 'Proximity Domain'),
    u16('reserved', 'Reserved1'),
    u64('base_address', 'Base Address'),
    u64('address_length', 'Address Length'),
    u32('reserved2', 'Reserved2'),
    u32('flags', 'Flags', {
      bits: [
        { name: 'enabled', label: 'Enabled', bit: 0 },
        { name: 'hot_pluggable', label: 'Hot Pluggable', bit: 1 },
        { name: 'non_volatile', label: 'Non-Volatile', bit: 2 },
      ],
    }),
    u64('reserved3', 'Reserved3'),
  ]),
}) satisfies TableDef;

const x2apic = container({
  name: 'x2apic',
  label: 'Processor Local x2APIC Affinity',
  minLength: 24,
  key: { x2apic: 'apic_id' },
  layout: layout('srat_x2apic', [
    typeField(),
    lengthField(),
    u16('reserved', 'Reserved1'),
    u32('proximity_domain', 'Proximity Domain'),
    u32('apic_id', 'Apic ID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('clock_domain', 'Clock Domain'),
    u32('reserved2', 'Reserved2'),
  ]),
}) satisfies TableDef;

export const sratGicc = container({
  name: 'gicc',
  label: 'GICC Affinity',
  minLength: 18,
  key: { uid: 'acpi_processor_uid' },
  layout: layout('srat_gicc', [
    typeField(),
    lengthField(),
    u32('proximity_domain', 'Proximity Domain'),
    u32('acpi_processor_uid', 'Acpi Processor UID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('clock_domain', 'Clock Domain'),
  ]),
}) satisfies TableDef;

export const sratIts = container({
  name: 'its',
  label: 'GIC ITS Affinity',
  minLength: 12,
  key: { its: 'its_id' },
  layout: layout('srat_its', [typeField(), lengthField(), u32('proximity_domain', 'Proximity Domain'), u16('reserved', 'Reserved'), u32('its_id', 'ITS ID')]),
}) satisfies TableDef;

const genericInitiator = container({
  name: 'generic_initiator',
  label: 'Generic Initiator Affinity',
  minLength: 32,
  key: { domain: 'proximity_domain' },
  layout: layout('srat_generic_initiator', [
    typeField(),
    lengthField(),
    u8('reserved', 'Reserved1'),
    u8('device_handle_type', 'Device Handle Type'),
    u32('proximity_domain', 'Proximity Domain'),
    bytes('device_handle', 'Device Handle', 16),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('reserved2', 'Reserved2'),
  ]),
}) satisfies TableDef;

export const SRAT_APIC = 0;
export const SRAT_X2APIC = 2;
export const SRAT_GENERIC_INITIATOR = 5;

export const sratFamily = family({
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  byType: {
    [SRAT_APIC]: cpuApic,
    [SRAT_MEMORY]: sratMemory,
    [SRAT_X2APIC]: x2apic,
    [SRAT_GICC]: sratGicc,
    [SRAT_ITS]: sratIts,
    [SRAT_GENERIC_INITIATOR]: genericInitiator,
  },
  unknown: {
    name: 'subtable',
    label: 'Unknown Subtable',
    tailLabel: 'Subtable data (not decoded)',
    layout: layout('srat_unknown', [typeField(), lengthField()]),
  },
});

/** The proximity domain a subtable assigns (the APIC one splits it in two fields); undefined for
 * a type SRAT does not define, or one too short for its type. */
function domainOf(n: Node): number | undefined {
  const it = itemOf(sratFamily, n);
  if (!it) return undefined;
  if (it.type === SRAT_APIC) return it.fields.proximity_domain_lo | (it.fields.proximity_domain_hi << 8);
  return it.fields.proximity_domain;
}

/** The proximity domains SRAT declares (undefined without an SRAT). */
export function sratDomains(c: RuleContext): Set<number> | undefined {
  const srat = c.find('SRAT');
  if (!srat) return undefined;
  const out = new Set<number>();
  for (const it of srat.table.items ?? []) {
    const d = domainOf(it);
    if (d !== undefined) out.add(d);
  }
  return out;
}

const ENABLED_BIT = 1;
const enabled = (n: Node) => (Number(n.fields.flags ?? 0) & ENABLED_BIT) !== 0;
/** Hot Pluggable (a window for memory added later) or Non-Volatile (NVDIMM): what the SRAT itself
 * says of a range that is not RAM at boot. Linux moves a range that overlaps no RAM aside with the
 * reserved ranges before it looks for overlaps (numa_cleanup_meminfo()). */
const OUTSIDE_RAM_BITS = 0x6;
const outsideRam = (n: Node) => (Number(fieldsOf(sratMemory, n).flags) & OUTSIDE_RAM_BITS) !== 0;
const range = (n: Node): [bigint, bigint] => [
  BigInt(n.fields.base_address as bigint),
  BigInt(n.fields.base_address as bigint) + BigInt(n.fields.address_length as bigint),
];

const rules: TableRule[] = [
  rule({
    codes: {
      SRAT_GICC_UID: {
        summary: 'a GICC affinity entry for a processor UID the MADT has no GICC for',
        consumers: [
          linux(
            'all',
            'ignored',
            'the entry names no CPU Linux has: its node is recorded for a processor that never appears',
            'drivers/acpi/numa/srat.c acpi_numa_gicc_affinity_init()',
          ),
          spec('every GICC affinity UID names a processor', 'ACPI 6.5 §5.2.16.4'),
        ],
      },
      SRAT_MEMORY_OVERLAP: {
        summary: 'two enabled memory affinity ranges of different proximity domains overlap, both RAM (neither hot-pluggable nor non-volatile)',
        consumers: [
          linux(
            'all',
            'function-lost',
            '"… overlaps with …": NUMA initialisation fails and the machine runs as one node',
            'mm/numa_memblks.c numa_cleanup_meminfo() (arch/x86 and drivers/base/arch_numa.c before 6.12)',
          ),
        ],
      },
      SRAT_MEMORY_OVERLAP_SAME_NODE: {
        summary: 'two enabled memory affinity ranges of one proximity domain overlap, both RAM (neither hot-pluggable nor non-volatile)',
        consumers: [linux('all', 'workaround', 'warns and merges them: overlaps within one node are allowed', 'mm/numa_memblks.c numa_cleanup_meminfo()')],
      },
      SRAT_MEMORY_OVERLAP_OUTSIDE_RAM: {
        summary:
          'two enabled memory affinity ranges overlap, one of them hot-pluggable or non-volatile (a hot-plug window, an NVDIMM: not RAM at ' +
          'boot; QEMU describes NVDIMMs so)',
        consumers: [
          linux(
            'all',
            'unused',
            'a range that overlaps no RAM is moved aside with the reserved ranges before overlaps are looked for: nothing is logged, and ' +
              'NUMA comes up as described',
            'mm/numa_memblks.c numa_cleanup_meminfo() (drivers/base/arch_numa.c before 6.12)',
          ),
          spec('each proximity domain range is described once', 'ACPI 6.5 §5.2.16.2'),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const paths = itemPaths(c.entry, (n) => segmentName(sratFamily, Number(n.fields.type)));
      const madt = c.find('APIC');
      const uids = madt ? new Set((madt.table.items ?? []).filter((s) => s.fields.type === 0x0b).map((g) => Number(g.fields.uid))) : undefined;
      const unknown = uids ? items.filter((n) => n.fields.type === SRAT_GICC && enabled(n) && !uids.has(fieldsOf(sratGicc, n).acpi_processor_uid)) : [];
      // a dom0 set's MADT is trimmed to the vCPUs: DOM0_SRAT_UID speaks about that (with --dom0)
      if (unknown.length && c.hostSet)
        c.report(
          'SRAT_GICC_UID',
          fieldPath(`${paths.get(unknown[0])}`, sratGicc, 'acpi_processor_uid'),
          `${unknown.length} GICC affinity entr(ies) for UIDs the MADT lacks (UID ${fieldsOf(sratGicc, unknown[0]).acpi_processor_uid})`,
        );
      const mem = items.filter((n) => n.fields.type === SRAT_MEMORY && enabled(n) && n.fields.address_length !== undefined);
      for (let i = 0; i < mem.length; i++) {
        for (let j = 0; j < i; j++) {
          if (rangesOverlap(range(mem[i]), range(mem[j]))) {
            const same = Number(mem[i].fields.proximity_domain) === Number(mem[j].fields.proximity_domain);
            const aside = [mem[i], mem[j]].find(outsideRam);
            c.report(
              aside ? 'SRAT_MEMORY_OVERLAP_OUTSIDE_RAM' : same ? 'SRAT_MEMORY_OVERLAP_SAME_NODE' : 'SRAT_MEMORY_OVERLAP',
              `${paths.get(mem[i])}.base_address`,
              `memory range ${showRange(range(mem[i]))} overlaps ${showRange(range(mem[j]))} (${paths.get(mem[j])})` +
                (aside
                  ? `; ${paths.get(aside)} is ${Number(fieldsOf(sratMemory, aside).flags) & 0x4 ? 'non-volatile' : 'hot-pluggable'}, ` +
                    'not RAM at boot: Linux sets it aside without a word'
                  : ''),
            );
          }
        }
      }
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_SRAT_UID: {
        summary: "SRAT GICC affinity entries for UIDs dom0's MADT has no enabled GICC for: Linux records a node for a CPU that never comes up (harmless)",
        consumers: [
          linux('all', 'unused', 'a node is recorded for a CPU that never comes up (harmless)', 'drivers/acpi/numa/srat.c acpi_numa_gicc_affinity_init()'),
        ],
        dom0: true,
      },
    },
    run(c) {
      const uids = enabledUids(c);
      if (!uids || c.hostSet) return;
      const paths = itemPaths(c.entry, (n) => segmentName(sratFamily, Number(n.fields.type)));
      const extra = (c.entry.table.items ?? []).filter((n) => n.fields.type === SRAT_GICC && enabled(n) && !uids.has(fieldsOf(sratGicc, n).acpi_processor_uid));
      if (extra.length)
        c.report(
          'DOM0_SRAT_UID',
          fieldPath(`${paths.get(extra[0])}`, sratGicc, 'acpi_processor_uid'),
          `${extra.length} GICC affinity entr(ies) for UIDs dom0 has no vCPU for (UID ${fieldsOf(sratGicc, extra[0]).acpi_processor_uid}): ` +
            `Linux maps a node for CPUs that never come up`,
        );
    },
  }),
];

/** Memory ranges by proximity domain, from a decoded SRAT (the build derives dom0 RAM from them). */
export function sratMemoryRanges(t: Node): { domain: number; base: bigint; size: bigint; enabled: boolean; path: string }[] {
  const paths = itemPaths({ table: { signature: 'SRAT', items: t.items } }, (n) => segmentName(sratFamily, Number(n.fields.type)));
  return (t.items ?? [])
    .filter((n) => n.fields.type === SRAT_MEMORY && n.fields.address_length !== undefined)
    .map((n) => ({
      path: paths.get(n)!,
      domain: Number(n.fields.proximity_domain),
      base: BigInt(n.fields.base_address as bigint),
      size: BigInt(n.fields.address_length as bigint),
      enabled: enabled(n),
    }));
}

/** What each proximity domain holds: RAM, CPUs (by processor UID), ITSes, other initiators. */
function sratPictures(e: TableEntry): (DomainsPicture | PerCpuPicture)[] {
  const paths = itemPaths(e, (n) => segmentName(sratFamily, Number(n.fields.type)));
  const domains = new Map<number, DomainsPicture['domains'][number]>();
  const d = (n: number) => domains.get(n) ?? (domains.set(n, { domain: n, memory: [], cpus: [], its: [], other: [] }), domains.get(n)!);
  for (const n of e.table.items ?? []) {
    const it = itemOf(sratFamily, n);
    if (!it || !enabled(n)) continue;
    if (it.type === SRAT_MEMORY)
      d(it.fields.proximity_domain).memory.push({ base: it.fields.base_address, size: it.fields.address_length, path: paths.get(n)! });
    else if (it.type === SRAT_GICC) d(it.fields.proximity_domain).cpus.push(it.fields.acpi_processor_uid);
    else if (it.type === SRAT_ITS) d(it.fields.proximity_domain).its.push(it.fields.its_id);
    else if (n.fields.proximity_domain !== undefined) d(Number(n.fields.proximity_domain)).other.push(paths.get(n)!);
  }
  if (!domains.size) return [];
  const list = [...domains.values()].sort((a, b) => a.domain - b.domain);
  const cpus: PerCpuPicture['cpus'] = [];
  for (const n of e.table.items ?? []) {
    const it = itemOf(sratFamily, n);
    if (it?.type === SRAT_GICC && enabled(n)) cpus.push({ uid: it.fields.acpi_processor_uid, cells: [`${it.fields.proximity_domain}`], path: paths.get(n)! });
  }
  return [
    { section: 'topology', kind: 'domains', title: `SRAT: ${list.length} proximity domain(s)`, domains: list },
    ...(cpus.length ? [{ section: 'topology' as const, kind: 'per-cpu' as const, title: 'SRAT GICC affinity', columns: ['SRAT node'], rank: 2, cpus }] : []),
  ];
}

export const srat = {
  rules,
  pictures: (e) => sratPictures(e),
  ram: (t) =>
    sratMemoryRanges(t)
      .filter((r) => r.enabled && r.size > 0n)
      .map((r) => ({ base: r.base, size: r.size, what: `${r.path}.base_address (RAM, node ${r.domain})` })),
  summary: (e) => {
    const items = e.table.items ?? [];
    const domains = new Map<number, { cpus: number; mem: bigint }>();
    const d = (n: number) => domains.get(n) ?? (domains.set(n, { cpus: 0, mem: 0n }), domains.get(n)!);
    for (const n of items) {
      if (!enabled(n)) continue;
      if (n.fields.type === SRAT_GICC || n.fields.type === 2) d(Number(n.fields.proximity_domain)).cpus++;
      if (n.fields.type === SRAT_MEMORY && n.fields.address_length !== undefined)
        d(Number(n.fields.proximity_domain)).mem += BigInt(n.fields.address_length as bigint);
    }
    const parts = [...domains].sort((a, b) => a[0] - b[0]).map(([k, v]) => `node ${k}: ${v.cpus} CPU(s), ${hex(v.mem)} bytes`);
    return parts.join('; ');
  },
  name: 'SRAT',
  label: 'System Resource Affinity Table',
  minLength: 48,
  layout: layout('srat', [headerField(), u32('table_revision', 'Table Revision'), u64('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Subtables', kind: 'subtables', family: sratFamily }],
} satisfies TableDef;
