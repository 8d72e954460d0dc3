// IORT, Arm DEN 0049 (IO Remapping Table) revisions 0-5 and node revisions up to E.f: ITS groups,
// named components, PCI root complexes, SMMUv1/v2, SMMUv3, PMCGs and RMRs. Each node carries its
// own revision byte (the layouts it selects are declared as variants) and several parts: node data
// (ITS identifiers, the device name, SMMU interrupt arrays, RMR memory ranges) and its ID mappings
// at MappingOffset. Output references and PMCG node references point at nodes by their offset
// from the table start: references, re-derived at encode.
import { layout, u32 } from '../layout/schema.js';
import { type Node, fieldsOf, fieldPath, itemOf } from '../layout/codec.js';
import { type RuleContext, type TableRule, type HostRange, type TableDef, rule, linux, xen, table } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField, rangeAt } from './common.js';
import { MADT_ITS, MADT_MSI_FRAME, its as itsDef, msiFrame } from './madt.js';
import { mcfgAllocation } from './mcfg.js';
import {
  IORT_ITS_GROUP,
  IORT_NAMED_COMPONENT,
  IORT_ROOT_COMPLEX,
  IORT_SMMU,
  IORT_SMMU_V3,
  IORT_PMCG,
  idMapping,
  rootComplex,
  itsGroup,
  smmu,
  smmuV3,
  pmcg,
  iortFamily,
  nodePaths,
  mappingsOf,
  itsIds,
} from './iort-nodes.js';

export * from './iort-nodes.js';
import { iortPictures, iortSummary } from './iort-picture.js';
import { components, earlierOverlaps } from './id-index.js';
import { IdWalk, idRange, ownMapping, shortChain, singleHonoured, wrapsPast32, type Loop } from './iort-walk.js';

/** What an ITS group's identifiers name in the MADT: GIC ITS translation IDs, or on GICv2 the
 * GICv2m MSI frame IDs (Linux registers both as IORT MSI domains). Undefined without a MADT. */
const madtIts = (c: RuleContext) => {
  const madt = c.find('APIC');
  if (!madt) return undefined;
  const items = madt.table.items ?? [];
  return new Set([
    ...items.filter((s) => s.fields.type === MADT_ITS).map((s) => fieldsOf(itsDef, s).translation_id),
    ...items.filter((s) => s.fields.type === MADT_MSI_FRAME).map((s) => fieldsOf(msiFrame, s).msi_frame_id),
  ]);
};

const IORT_DMA = 'drivers/acpi/arm64/iort.c rc_dma_get_range(); drivers/acpi/arm64/dma.c acpi_arch_dma_setup()';

/** What the root complex nodes say about their PCI segments: each segment's ECAM (MCFG) and the
 * DMA address limit of its devices. */
const rootComplexRule = rule({
  codes: {
    IORT_RC_NO_MCFG: {
      summary: 'a root complex node whose PCI segment has no MCFG allocation (checked when the set holds an MCFG)',
      consumers: [
        linux(
          'all',
          'function-lost',
          'the host bridge of that segment finds no ECAM window ("ECAM region not found") unless its _CBA or a platform quirk names one: ' +
            "the segment's PCI devices are not enumerated and the root complex node maps none",
          'drivers/acpi/pci_mcfg.c pci_mcfg_lookup(); pci_acpi_setup_ecam_mapping() (arch/arm64/kernel/pci.c in 6.1, drivers/pci/pci-acpi.c ' +
            'in 6.12); drivers/acpi/arm64/iort.c iort_match_node_callback()',
        ),
      ],
    },
    IORT_RC_DMA_LIMIT: {
      summary: 'a root complex node (revision 1 or later) whose Memory Address Size Limit is 0',
      consumers: [
        linux(
          '6.1+',
          'fw-bug-logged',
          'FW_BUG "Root complex missing memory address limit" for every PCI device: the limit is not applied, so the devices\' DMA masks ' +
            'stay as their drivers set them (the zone-DMA sizing skips a 0 limit)',
          `${IORT_DMA}; iort.c acpi_iort_dma_get_max_cpu_address()`,
        ),
      ],
    },
  },
  run(c) {
    const mcfg = c.find('MCFG');
    const segments = mcfg && new Set((mcfg.table.items ?? []).map((a) => fieldsOf(mcfgAllocation, a).segment));
    const paths = nodePaths(c);
    for (const n of c.entry.table.items ?? []) {
      if (n.fields.type !== IORT_ROOT_COMPLEX) continue;
      const f = fieldsOf(rootComplex, n);
      const p = paths.get(n)!;
      if (segments && !segments.has(f.pci_segment))
        c.report(
          'IORT_RC_NO_MCFG',
          fieldPath(p, rootComplex, 'pci_segment'),
          `PCI segment ${f.pci_segment} has no MCFG allocation (the MCFG has ` +
            `${segments.size ? `segment(s) ${[...segments].join(', ')}` : 'none'}): Linux finds no ECAM for that segment's host bridge`,
        );
      if (f.revision >= 1 && f.memory_address_limit === 0)
        c.report(
          'IORT_RC_DMA_LIMIT',
          fieldPath(p, rootComplex, 'memory_address_limit'),
          `node revision ${f.revision} with a Memory Address Size Limit of 0: Linux logs "Root complex missing memory address limit" for ` +
            `each PCI device and applies no DMA limit`,
        );
    }
  },
});

const rules: TableRule[] = [
  rootComplexRule,
  rule({
    codes: {
      IORT_REFERENCE: {
        summary: 'an output or node reference that does not land on a node',
        consumers: [
          linux(
            'all',
            'function-lost',
            'the mapping walk takes the bytes there for a node: the devices behind it find no SMMU or MSI domain',
            'drivers/acpi/arm64/iort.c iort_node_map_id(), iort_node_get_id()',
          ),
        ],
      },
      IORT_ID_OVERLAP: {
        summary: 'two ID mappings of one node whose input ranges overlap by more than one ID',
        consumers: [
          linux(
            '5.5+',
            'function-lost',
            'FW_BUG "conflicting mapping for input ID"; the later mapping is disregarded for the shared IDs, whose devices reach the first ' +
              "one's output (the wrong SMMU stream or ITS)",
            'drivers/acpi/arm64/iort.c iort_id_map(), iort_node_map_id()',
          ),
        ],
      },
      IORT_ID_OVERLAP_END: {
        summary:
          'two ID mappings of one node that share one ID, the last of one range and the first of the next (Number of IDs taken as a count, ' +
          'not the count minus one: QEMU 7.2)',
        consumers: [
          linux(
            '5.5+',
            'workaround',
            'FW_BUG "conflicting mapping for input ID …, applying workaround": the mapping that starts at the shared ID takes it',
            'drivers/acpi/arm64/iort.c iort_id_map()',
          ),
        ],
      },
      IORT_ID_RANGE_WRAP: {
        summary: 'an ID mapping whose input range runs past 0xFFFFFFFF (Input base + Number of IDs over 32 bits)',
        consumers: [
          linux(
            'all',
            'function-lost',
            'the 32-bit sum of base and count wraps below the base, so the mapping matches no ID: the devices whose IDs it holds get no ' +
              'SMMU stream or MSI DeviceID from it',
            'drivers/acpi/arm64/iort.c iort_id_map()',
          ),
        ],
      },
      IORT_SINGLE_SKIPPED: {
        summary: 'a single mapping on an SMMU node that devices map into, other than the SMMUv3 DeviceID mapping: the walk through the SMMU never takes it',
        consumers: [
          linux(
            'all',
            'ignored',
            'FW_BUG "SINGLE MAPPING flag not allowed for node type", and the mapping is skipped: stream IDs that no other mapping of the ' +
              'SMMU holds reach no ITS (no MSIs)',
            'drivers/acpi/arm64/iort.c iort_id_map(), iort_node_map_id()',
          ),
        ],
      },
      IORT_SMMU_BASE: {
        summary: 'two SMMU nodes with one base address',
        consumers: [
          linux(
            'all',
            'function-lost',
            'the second SMMU cannot claim its registers: the devices behind it lose their IOMMU',
            'drivers/acpi/arm64/iort.c iort_add_platform_device(); drivers/iommu/arm/arm-smmu-v3 probe',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const starts = new Set(items.map((n) => n.at).filter((a) => a !== undefined));
      const paths = nodePaths(c);
      const smmuBases = new Map<bigint, string>();
      // the nodes some mapping leads into: a walk reaches them
      const entered = new Set(items.flatMap((n) => mappingsOf(n).map((m) => Number(fieldsOf(idMapping, m).output_reference))));
      for (const n of items) {
        const p = paths.get(n)!;
        const it = itemOf(iortFamily, n);
        if (it?.type === IORT_PMCG && it.fields.node_reference !== 0 && !starts.has(it.fields.node_reference)) {
          c.report('IORT_REFERENCE', fieldPath(p, pmcg, 'node_reference'), `node reference ${hex(it.fields.node_reference)} is no node start`);
        }
        const maps = mappingsOf(n);
        maps.forEach((m, j) => {
          if (!starts.has(Number(fieldsOf(idMapping, m).output_reference)))
            c.report(
              'IORT_REFERENCE',
              fieldPath(`${p}.mapping[${j}]`, idMapping, 'output_reference'),
              `output reference ${hex(Number(fieldsOf(idMapping, m).output_reference))} is no node start`,
            );
        });
        const own = ownMapping(n);
        const walked = (n.fields.type === IORT_SMMU || n.fields.type === IORT_SMMU_V3) && n.at !== undefined && entered.has(n.at);
        maps.forEach((m, j) => {
          const f = fieldsOf(idMapping, m);
          if (wrapsPast32(m))
            c.report(
              'IORT_ID_RANGE_WRAP',
              fieldPath(`${p}.mapping[${j}]`, idMapping, 'id_count'),
              `input IDs ${hex(f.input_base)} + ${hex(f.id_count)} run past 0xFFFFFFFF: Linux's 32-bit sum wraps to ` +
                `${hex((f.input_base + f.id_count) >>> 0)}, below the base, and the mapping matches no ID`,
            );
          if (walked && f.flags & 1 && j !== own && !singleHonoured(n))
            c.report(
              'IORT_SINGLE_SKIPPED',
              fieldPath(`${p}.mapping[${j}]`, idMapping, 'flags'),
              `single mapping ${j} (to ID ${hex(f.output_base)}) on an SMMU that devices map into, and not its DeviceID ` +
                `mapping${n.fields.type === IORT_SMMU_V3 ? ' (the ID Mapping Index names another, or the node revision or interrupts leave it unused)' : ''}` +
                `: Linux's ` +
                `walk skips it`,
            );
        });
        const ranges = maps.map((m) => idRange(m));
        earlierOverlaps(ranges).forEach((k, j) => {
          if (k === undefined) return;
          const a = { ...ranges[j]!, j };
          const b = { ...ranges[k]!, j: k };
          // the one ID where one range ends and the other starts: Linux's workaround for "count" IDs
          const oneId = (a.lo === b.hi && a.lo > b.lo) || (b.lo === a.hi && b.lo > a.lo);
          c.report(
            oneId ? 'IORT_ID_OVERLAP_END' : 'IORT_ID_OVERLAP',
            fieldPath(`${p}.mapping[${a.j}]`, idMapping, 'input_base'),
            `input IDs ${hex(a.lo)}-${hex(a.hi)} overlap mapping ${b.j}'s ` +
              `${hex(b.lo)}-${hex(b.hi)}${oneId ? ' in one ID (Number of IDs is the count minus one)' : ''}`,
          );
        });
        if (it?.type === IORT_SMMU || it?.type === IORT_SMMU_V3) {
          const base = it.fields.base_address;
          const at = it.type === IORT_SMMU_V3 ? fieldPath(p, smmuV3, 'base_address') : fieldPath(p, smmu, 'base_address');
          if (smmuBases.has(base)) c.report('IORT_SMMU_BASE', at, `SMMU base ${hex(base)} is ${smmuBases.get(base)}'s too`);
          else smmuBases.set(base, p);
        }
      }
    },
  }),
  rule({
    codes: {
      IORT_ITS_UNKNOWN: {
        summary: 'an ITS group naming an identifier the MADT has no GIC ITS (or GICv2m MSI frame) entry for',
        consumers: [
          linux(
            'all',
            'function-lost',
            'no MSI domain for the devices behind that ITS group: their PCI MSIs fail (INTx only)',
            'drivers/acpi/arm64/iort.c iort_find_its_base(), iort_get_device_domain()',
          ),
        ],
      },
      DOM0_IORT_ITS: {
        summary:
          "IORT ITS groups name ITSes (or GICv2m frames) dom0's MADT lacks: dom0's PCI devices get no MSIs (the xen profile copies ITS " +
          'entries only with --its)',
        consumers: [
          linux(
            'all',
            'function-lost',
            "dom0's PCI devices behind those ITS groups get no MSIs (INTx only)",
            'drivers/acpi/arm64/iort.c iort_get_device_domain()',
          ),
          xen(
            '4.17+',
            'function-lost',
            "dom0's MADT has GIC ITS entries only when Xen is built with HAS_ITS (XH35), and never a GICv2m frame (XH36)",
            'xen/arch/arm/gic-v3-its.c gicv3_its_make_hwdom_madt()',
          ),
        ],
        dom0: true,
      },
    },
    run(c) {
      const have = madtIts(c);
      if (!have) return;
      const paths = nodePaths(c);
      for (const n of c.entry.table.items ?? []) {
        if (n.fields.type !== IORT_ITS_GROUP) continue;
        const ids = itsIds(n);
        const missing = ids.findIndex((id) => !have.has(id));
        if (missing < 0) continue;
        const path = `${paths.get(n)}.identifier[${missing}].value`;
        if (c.dom0 && !c.hostSet)
          c.report(
            'DOM0_IORT_ITS',
            path,
            `ITS identifier ${ids[missing]} has no GIC ITS or MSI frame entry in dom0's MADT: MSIs of the PCI devices behind it do not work ` +
              `(Linux falls back to INTx); the xen profile copies GIC ITS entries only with --its (Xen built with HAS_ITS), and no GICv2m frame`,
          );
        else c.report('IORT_ITS_UNKNOWN', path, `ITS identifier ${ids[missing]} has no GIC ITS entry in the MADT`);
      }
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_IORT_SMMU: {
        summary:
          "SMMU nodes dom0's Linux probes and drives: right under upstream Xen (which drives no SMMU under ACPI), wrong under a hypervisor " +
          'that drives them itself',
        consumers: [
          xen(
            '4.17+',
            'unused',
            "drives no SMMU under ACPI (XH33): dom0's driver takes them; a hypervisor that drives them itself must hide them",
            'xen/drivers/passthrough/arm/iommu.c iommu_hardware_setup()',
          ),
        ],
        dom0: true,
      },
    },
    run(c) {
      const smmus = (c.entry.table.items ?? []).filter((n) => n.fields.type === IORT_SMMU || n.fields.type === IORT_SMMU_V3);
      if (!smmus.length) return;
      const paths = nodePaths(c);
      c.report(
        'DOM0_IORT_SMMU',
        paths.get(smmus[0])!,
        `${smmus.length} SMMU node(s) (first at ${hex(BigInt(smmus[0].fields.base_address as bigint))}): dom0's SMMU driver probes them; ` +
          `upstream Xen drives no SMMU under ACPI and passes the IORT on unchanged, but a hypervisor that drives them must hide them from ` +
          `dom0 (build --hide-smmu composes each device's mappings straight to its ITS groups)`,
      );
    },
  }),
  rule({
    xenHost: true,
    codes: {
      XEN_HOST_IOMMU: {
        summary: 'SMMU nodes: Xen probes no IOMMU under ACPI (it has no IORT parser; its SMMU drivers are device-tree only)',
        consumers: [
          xen(
            '4.17+',
            'unsupported',
            '"I/O virtualisation disabled": no device passthrough, and DMA is not confined (with iommu=force or required: panic) (XH33)',
            'xen/drivers/passthrough/arm/iommu.c iommu_hardware_setup(); xen/drivers/passthrough/iommu.c iommu_setup()',
          ),
        ],
        xenHost: true,
      },
    },
    run(c) {
      const smmus = (c.entry.table.items ?? []).filter((n) => n.fields.type === IORT_SMMU || n.fields.type === IORT_SMMU_V3);
      if (!smmus.length) return;
      c.report(
        'XEN_HOST_IOMMU',
        nodePaths(c).get(smmus[0])!,
        `${smmus.length} SMMU node(s): Xen probes no IOMMU under ACPI, so no passthrough and no DMA isolation (iommu=force or required panics)`,
      );
    },
  }),
  rule({
    codes: {
      IORT_MAPPING_CYCLE: {
        summary:
          'an ID mapping walk that comes back to a node it passed, with any ID (a self-loop, RC → SMMU → RC): ' +
          'it goes round instead of reaching an ITS group',
        consumers: [
          linux(
            'all',
            'hang',
            'the walk follows output references while there is a node, with no bound: it goes round the loop again, applying the same ' +
              'mappings, until the ID leaves them (one round per ID step, so a mapping that shifts IDs by one over millions of IDs is an ' +
              "effective hang, and the device's IDs come out wrong), or for ever when the ID repeats (a u32 ID wrapping inside the " +
              'mapping included): the first MSI or IOMMU lookup for such a device never returns',
            'drivers/acpi/arm64/iort.c iort_node_map_id(), iort_id_map()',
          ),
        ],
      },
      IORT_MAPPING_INTO_ENDPOINT: {
        summary: 'an ID mapping whose output is a root complex or named component (mappings lead to SMMUs and ITS groups)',
        consumers: [
          linux(
            'all',
            'function-lost',
            "the walk applies that node's own mappings to the ID again: the device's stream and MSI IDs come out wrong",
            'drivers/acpi/arm64/iort.c iort_node_map_id()',
          ),
        ],
      },
      IORT_ITS_GROUP_EMPTY: {
        summary: 'an ITS group with no ITS identifier',
        consumers: [
          linux(
            'all',
            'function-lost',
            'the devices mapped to it find no ITS: no MSI domain, no PCI MSIs',
            'drivers/acpi/arm64/iort.c iort_get_device_domain(), iort_pmsi_get_dev_id()',
          ),
        ],
      },
      IORT_SMMU_ID_INDEX: {
        summary: 'an SMMUv3 with an interrupt left to MSIs (a GSIV of 0) whose DeviceID mapping index is past its mapping count',
        consumers: [
          linux(
            '4.13+',
            'function-lost',
            'FW_BUG "ID mapping index overflows valid mappings": the SMMU gets no MSI domain, so its event, PRI or GERROR interrupts are lost',
            'drivers/acpi/arm64/iort.c iort_get_id_mapping_index()',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const at = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
      const paths = nodePaths(c);
      const walk = new IdWalk(items, at);
      const closing = new Set<string>();
      const reported = new Set<Loop>();
      for (const n of items) {
        const p = paths.get(n)!;
        mappingsOf(n).forEach((m, j) => {
          const to = at.get(Number(fieldsOf(idMapping, m).output_reference));
          const endpoint = to && (to.fields.type === IORT_ROOT_COMPLEX || to.fields.type === IORT_NAMED_COMPONENT) && to !== n;
          if (endpoint)
            c.report(
              'IORT_MAPPING_INTO_ENDPOINT',
              fieldPath(`${p}.mapping[${j}]`, idMapping, 'output_reference'),
              `mapping ${j} leads into ${paths.get(to)}, an endpoint, not an SMMU or ITS group`,
            );
          // walk the range's first ID from here as Linux does: a node met again (with any ID) is a loop
          const loop = walk.loopFrom(n, j);
          if (!loop || reported.has(loop)) return;
          reported.add(loop);
          // once per loop, at the mapping that closes it: the one leading into an endpoint (mappings
          // lead to SMMUs and ITS groups), else the one leading back to the node the walk came back to
          const hops = loop.states;
          const target = (h: { node: Node; index: number }) => at.get(Number(fieldsOf(idMapping, mappingsOf(h.node)[h.index]).output_reference));
          const into = hops.find((h) => {
            const t = target(h);
            return t?.fields.type === IORT_ROOT_COMPLEX || t?.fields.type === IORT_NAMED_COMPONENT;
          });
          const closer = into ?? hops[hops.length - 1];
          const where = `${paths.get(closer.node)}.mapping[${closer.index}]`;
          if (closing.has(where)) return;
          closing.add(where);
          const round = [...hops, hops[0]].map((h) => paths.get(h.node)!);
          const id = hops[0].id;
          c.report(
            'IORT_MAPPING_CYCLE',
            fieldPath(where, idMapping, 'output_reference'),
            loop.back === id
              ? `ID ${hex(id)} goes round ${shortChain(round)}: Linux's mapping walk never ends`
              : `ID ${hex(id)} goes round ${shortChain(round)} and comes back as ID ${hex(loop.back)}: Linux's walk goes round again, until ` +
                  `the ID leaves the mappings`,
          );
        });
        if (n.fields.type === IORT_ITS_GROUP && itsIds(n).length === 0)
          c.report('IORT_ITS_GROUP_EMPTY', fieldPath(p, itsGroup, 'its_count'), 'the ITS group names no ITS');
        if (n.fields.type === IORT_SMMU_V3) {
          const f = fieldsOf(smmuV3, n);
          const gsivs = [f.event_gsiv, f.pri_gsiv, f.gerr_gsiv, f.sync_gsiv].map((g) => Number(g ?? 0));
          const index = f.id_mapping_index ?? 0;
          if (gsivs.some((g) => g === 0) && index >= mappingsOf(n).length)
            c.report(
              'IORT_SMMU_ID_INDEX',
              fieldPath(p, smmuV3, 'id_mapping_index'),
              `DeviceID mapping index ${index} is past the ${mappingsOf(n).length} mapping(s), and interrupts without a GSIV are left to MSIs`,
            );
        }
      }
    },
  }),
  rule({
    codes: {
      IORT_SMMU_CHAIN: {
        summary: 'an SMMU whose ID mappings lead into another SMMU (SMMUs in series): a device is attached to one SMMU only',
        consumers: [
          linux(
            '4.10+',
            'function-lost',
            'a device is attached to the first SMMU its IDs reach and to no other (the IOMMU walk stops there): the SMMUs after it never ' +
              "get its streams, which stay at the entry the driver starts every stream from (abort, in 6.12), so the device's DMA through them fails",
            'drivers/acpi/arm64/iort.c iort_iommu_configure_id(), iort_node_map_id(); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c arm_smmu_init_initial_stes()',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const at = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
      const isSmmu = (n: Node | undefined): n is Node => n?.fields.type === IORT_SMMU || n?.fields.type === IORT_SMMU_V3;
      const smmus = items.filter(isSmmu);
      const into = (n: Node) => mappingsOf(n).flatMap((m) => [at.get(Number(fieldsOf(idMapping, m).output_reference))].filter(isSmmu));
      const feeding = smmus.filter((n) => into(n).length);
      if (!feeding.length) return;
      // the longest series, each component of SMMUs (a loop of them counts once per SMMU) after those it leads to
      const longest = new Map<Node, number>();
      for (const comp of components(smmus, into)) {
        const inside = new Set(comp);
        let below = 0;
        for (const n of comp) for (const t of into(n)) if (!inside.has(t)) below = Math.max(below, longest.get(t) ?? 0);
        for (const n of comp) longest.set(n, comp.length + below);
      }
      const first = feeding[0];
      const j = mappingsOf(first).findIndex((m) => isSmmu(at.get(Number(fieldsOf(idMapping, m).output_reference))));
      const to = at.get(Number(fieldsOf(idMapping, mappingsOf(first)[j]).output_reference))!;
      const paths = nodePaths(c);
      let series = 0;
      for (const n of feeding) series = Math.max(series, longest.get(n)!);
      c.report(
        'IORT_SMMU_CHAIN',
        fieldPath(`${paths.get(first)}.mapping[${j}]`, idMapping, 'output_reference'),
        `${paths.get(first)} maps IDs into ${paths.get(to)}: ${feeding.length} SMMU node(s) lead into another SMMU, up to ${series} SMMUs ` +
          `in series; Linux attaches each device to the first SMMU on its path only`,
      );
    },
  }),
];

/** SMMUv3: two 64 KiB register pages, of which the driver requests the architected 0xE00 bytes
 * each (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c: ARM_SMMU_REG_SZ, arm_smmu_ioremap()). */
const SMMU_V3_PAGE = 0x10000n;
const SMMU_V3_REGS = 0xe00n;
const SMMU_V3_PROBE = 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c arm_smmu_device_probe()';

export const iort = table({
  rules,
  regions: (t) => {
    const out: HostRange[] = [];
    const add = (rs: HostRange[]) => rs.forEach((r) => out.push(r));
    const seg = new Map<number, number>();
    for (const n of t.items ?? []) {
      const type = Number(n.fields.type);
      const i = seg.get(type) ?? 0;
      seg.set(type, i + 1);
      const it = itemOf(iortFamily, n);
      if (it?.type === IORT_SMMU_V3) {
        // the driver requests only the architected registers of pages 0 and 1 (0xE00 bytes each),
        // leaving the IMPLEMENTATION DEFINED rest to PMCGs that may live there
        const base = it.fields.base_address;
        const claims = [0n, SMMU_V3_PAGE].map((page) => ({ base: base + page, size: SMMU_V3_REGS, by: SMMU_V3_PROBE }));
        add(rangeAt(base, 2n * SMMU_V3_PAGE, `IORT.smmu_v3[${i}] (SMMUv3)`, { claims }));
      } else if (it?.type === IORT_SMMU) {
        const span = BigInt(it.fields.span ?? 0x10000n);
        const claims = [{ base: it.fields.base_address, size: span, by: 'drivers/iommu/arm/arm-smmu/arm-smmu.c arm_smmu_device_probe()' }];
        add(rangeAt(it.fields.base_address, span, `IORT.smmu[${i}] (SMMU)`, { claims }));
      } else if (it?.type === IORT_PMCG) {
        // page 0 is requested by the PMU driver; page 1 only when the counters are relocated there (hardware)
        const page0 = it.fields.page0_base_address;
        const claims = [{ base: page0, size: 0x1000n, by: 'drivers/perf/arm_smmuv3_pmu.c smmu_pmu_probe()' }];
        add(rangeAt(page0, 0x1000n, `${fieldPath(`IORT.pmcg[${i}]`, pmcg, 'page0_base_address')} (PMCG)`, { claims }));
        add(rangeAt(it.fields.page1_base_address, 0x1000n, `${fieldPath(`IORT.pmcg[${i}]`, pmcg, 'page1_base_address')} (PMCG)`));
      }
    }
    return out;
  },
  summary: (e) => iortSummary(e.table),
  pictures: iortPictures,
  name: 'IORT',
  label: 'IO Remapping Table',
  minLength: 48,
  layout: layout('iort', [headerField(), u32('node_count', 'Node Count'), u32('node_offset', 'Node Offset'), u32('reserved', 'Reserved')]),
  parts: [
    {
      key: 'items',
      label: 'Nodes',
      kind: 'subtables',
      family: iortFamily,
      count: 'node_count',
      offset: 'node_offset',
      target: true,
      padLabel: 'Optional Padding',
    },
  ],
}) satisfies TableDef;
