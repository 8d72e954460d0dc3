// The tables a real two-socket Arm server ships beside FADT/MADT/GTDT/SPCR, for the server-class
// sample: IORT (root complexes → SMMUv3 → ITS groups, a PMCG), PPTT (packages, cores, their L2
// and the package L3), SRAT (GICC, memory and ITS affinity), SLIT, MCFG, DBG2, HEST (a GHESv2)
// and PCCT. Built with make(): no length, count, offset or checksum is written here, and
// references between nodes name the node (its key), not its offset.
import { make, variantFor, EMPTY, type Node } from '../src/layout/codec.js';
import type { AcpiTable } from '../src/tables/registry.js';
import type { Fields } from '../src/layout/schema.js';
import { idMapping, iortFamily, IORT_ITS_GROUP, IORT_ROOT_COMPLEX, IORT_SMMU_V3, IORT_PMCG } from '../src/tables/iort.js';
import { ppttProcessor, ppttCache, PPTT_PROCESSOR, PPTT_CACHE, PPTT_PHYSICAL_PACKAGE, PPTT_ID_VALID, PPTT_LEAF } from '../src/tables/pptt.js';
import { sratGicc, sratMemory, sratIts, SRAT_GICC, SRAT_MEMORY, SRAT_ITS } from '../src/tables/srat.js';
import { mcfgAllocation } from '../src/tables/mcfg.js';
import { dbg2Device } from '../src/tables/dbg2.js';
import { hestFamily, HEST_GHES_V2 } from '../src/tables/hest.js';
import { pcctFamily } from '../src/tables/pcct.js';

export interface ServerSpec {
  sockets: number;
  coresPerSocket: number;
  /** the MADT ITS base addresses, `its.length / sockets` per socket */
  its: bigint[];
  uart: { type: number; base: number };
  /** RAM per socket: [base, size] ranges */
  memory: [bigint, bigint][][];
}

const table = (signature: string, header: Fields, fields: Fields, rest: Partial<AcpiTable> = {}): AcpiTable => ({
  signature,
  fields: { header: { ...header, signature }, ...fields },
  tail: EMPTY,
  ...rest,
});
const gas = (address: bigint, width = 32, access = 3): Fields => ({ space_id: 0, bit_width: width, bit_offset: 0, access_width: access, address });
const node = (n: Node, at: number): Node => ({ ...n, at });

function iortTable(s: ServerSpec, header: Fields): AcpiTable {
  // keys for references: ITS groups 1.., SMMUs 101.., root complexes 201..
  const perSocket = s.its.length / s.sockets;
  const items: Node[] = [];
  for (let k = 0; k < s.sockets; k++) {
    const ids = Array.from({ length: perSocket }, (_x, j) => ({ fields: { value: k * perSocket + j }, tail: EMPTY }));
    items.push(
      node(make(iortNode(IORT_ITS_GROUP), { type: IORT_ITS_GROUP, revision: 1, identifier: k, its_count: 0 }, { parts: { identifiers: ids } }), 1 + k),
    );
  }
  for (let k = 0; k < s.sockets; k++) {
    const smmu = make(
      iortNode(IORT_SMMU_V3),
      {
        type: IORT_SMMU_V3,
        revision: 4,
        identifier: 0x100 + k,
        flags: 0b1001,
        base_address: 0x100040000000n + BigInt(k) * 0x40000000000n,
        model: 0,
        event_gsiv: 0x1c0 + 4 * k,
        pri_gsiv: 0x1c1 + 4 * k,
        gerr_gsiv: 0x1c2 + 4 * k,
        sync_gsiv: 0x1c3 + 4 * k,
        proximity_domain: k,
        id_mapping_index: 0,
      },
      { parts: { mappings: [make(idMapping, { input_base: 0, id_count: 0xffff, output_base: k << 16, output_reference: 1 + k })] } },
    );
    items.push(node(smmu, 101 + k));
  }
  for (let k = 0; k < s.sockets; k++) {
    const rc = make(
      iortNode(IORT_ROOT_COMPLEX, 4),
      {
        type: IORT_ROOT_COMPLEX,
        revision: 4,
        identifier: 0x200 + k,
        memory_properties: { cache_coherency: 1, hints: 0, reserved: 0, memory_flags: 3 },
        ats_attribute: 1,
        pci_segment: k,
        memory_address_limit: 48,
        pasid_capabilities: 0,
        reserved: 0,
      },
      { parts: { mappings: [make(idMapping, { input_base: 0, id_count: 0xffff, output_base: 0, output_reference: 101 + k })] } },
    );
    items.push(node(rc, 201 + k));
  }
  items.push(
    make(iortNode(IORT_PMCG), {
      type: IORT_PMCG,
      revision: 2,
      identifier: 0x300,
      page0_base_address: 0x100040020000n,
      overflow_gsiv: 0x1d0,
      node_reference: 101,
      page1_base_address: 0x100040030000n,
    }),
  );
  return table('IORT', { ...header, revision: 5 }, { node_count: 0, node_offset: 0, reserved: 0 }, { items });
}

const iortNode = (type: number, revision = 0) => variantFor(iortFamily.types.get(type)!, revision);

function ppttTable(s: ServerSpec, header: Fields): AcpiTable {
  const items: Node[] = [];
  const l2 = (key: number) =>
    node(
      make(ppttCache, {
        type: PPTT_CACHE,
        flags: 0x7f,
        next_level: 0,
        size: 0x100000,
        sets: 2048,
        associativity: 8,
        attributes: 0b1010,
        line_size: 64,
      }),
      key,
    );
  for (let k = 0; k < s.sockets; k++) {
    const l3Key = 10_000 + k;
    items.push(
      node(
        make(ppttCache, { type: PPTT_CACHE, flags: 0x7f, next_level: 0, size: 0x2000000, sets: 32768, associativity: 16, attributes: 0b1010, line_size: 64 }),
        l3Key,
      ),
    );
    const pkgKey = 20_000 + k;
    items.push(
      node(
        make(
          ppttProcessor,
          { type: PPTT_PROCESSOR, flags: PPTT_PHYSICAL_PACKAGE, parent: 0, acpi_processor_id: k },
          { parts: { resources: [{ fields: { reference: l3Key }, tail: EMPTY }] } },
        ),
        pkgKey,
      ),
    );
    for (let c = 0; c < s.coresPerSocket; c++) {
      const uid = k * s.coresPerSocket + c;
      const cacheKey = 30_000 + uid;
      items.push(l2(cacheKey));
      items[items.length - 1].fields.next_level = l3Key;
      items.push(
        make(
          ppttProcessor,
          { type: PPTT_PROCESSOR, flags: PPTT_ID_VALID | PPTT_LEAF, parent: pkgKey, acpi_processor_id: uid },
          { parts: { resources: [{ fields: { reference: cacheKey }, tail: EMPTY }] } },
        ),
      );
    }
  }
  return table('PPTT', { ...header, revision: 2 }, {}, { items });
}

function sratTable(s: ServerSpec, header: Fields): AcpiTable {
  const items: Node[] = [];
  for (let k = 0; k < s.sockets; k++) {
    for (let c = 0; c < s.coresPerSocket; c++)
      items.push(make(sratGicc, { type: SRAT_GICC, proximity_domain: k, acpi_processor_uid: k * s.coresPerSocket + c, flags: 1, clock_domain: 0 }));
  }
  s.memory.forEach((ranges, k) => {
    for (const [base, size] of ranges)
      items.push(make(sratMemory, { type: SRAT_MEMORY, proximity_domain: k, base_address: base, address_length: size, flags: 1, reserved3: 0n }));
  });
  const perSocket = s.its.length / s.sockets;
  s.its.forEach((_b, i) => items.push(make(sratIts, { type: SRAT_ITS, proximity_domain: Math.floor(i / perSocket), its_id: i })));
  return table('SRAT', { ...header, revision: 3 }, { table_revision: 1, reserved: 0n }, { items });
}

function slitTable(s: ServerSpec, header: Fields): AcpiTable {
  const m = Array.from({ length: s.sockets }, (_r, i) => Array.from({ length: s.sockets }, (_c, j) => (i === j ? 10 : 20)));
  return table('SLIT', { ...header, revision: 1 }, { locality_count: BigInt(s.sockets) }, { parts: { distance: m } });
}

function mcfgTable(s: ServerSpec, header: Fields): AcpiTable {
  const items = Array.from({ length: s.sockets }, (_x, k) =>
    make(mcfgAllocation, { base_address: 0x3fff00000000n + BigInt(k) * 0x10000000n, segment: k, start_bus: 0, end_bus: 255, reserved: 0 }),
  );
  return table('MCFG', { ...header, revision: 1 }, { reserved: 0n }, { items });
}

function dbg2Table(s: ServerSpec, header: Fields): AcpiTable {
  const dev = make(
    dbg2Device,
    { revision: 0, port_type: 0x8000, port_subtype: s.uart.type, reserved: 0 },
    {
      parts: {
        registers: [{ fields: { address: gas(BigInt(s.uart.base)) }, tail: EMPTY }],
        sizes: [{ fields: { size: 0x1000 }, tail: EMPTY }],
        namepath: '\\_SB.COM0',
      },
    },
  );
  return table('DBG2', { ...header, revision: 0 }, { info_offset: 0, info_count: 0 }, { items: [dev] });
}

function hestTable(header: Fields): AcpiTable {
  const ghes = hestFamily.types.get(HEST_GHES_V2)!;
  const src = make(ghes, {
    type: HEST_GHES_V2,
    source_id: 0,
    related_source_id: 0xffff,
    enabled: 1,
    records_to_preallocate: 1,
    max_sections_per_record: 1,
    max_raw_data_length: 0x1000,
    error_status_address: gas(0xfa7f0000n, 64, 4),
    notify: {
      type: 8,
      length: 28,
      config_write_enable: 0,
      poll_interval: 0,
      vector: 0,
      polling_threshold_value: 0,
      polling_threshold_window: 0,
      error_threshold_value: 0,
      error_threshold_window: 0,
    },
    error_block_length: 0x1000,
    read_ack_register: gas(0xfa7f0008n, 64, 4),
    read_ack_preserve: 0xfffffffffffffffen,
    read_ack_write: 1n,
  });
  return table('HEST', { ...header, revision: 1 }, { error_source_count: 0 }, { items: [src] });
}

function pcctTable(s: ServerSpec, header: Fields): AcpiTable {
  const type2 = pcctFamily.types.get(2)!;
  const items = Array.from({ length: 2 * s.sockets }, (_x, i) =>
    make(type2, {
      type: 2,
      platform_interrupt: 0x50 + i,
      flags: 1,
      base_address: 0xfa800000n + BigInt(i) * 0x1000n,
      address_length: 0x1000n,
      doorbell_register: gas(0x100000540000n + BigInt(i) * 0x10000n),
      preserve_mask: 0n,
      write_mask: 0xffn,
      latency: 5000,
      max_access_rate: 0,
      min_turnaround: 0,
      ack_register: gas(0x100000541000n + BigInt(i) * 0x10000n),
      ack_preserve_mask: 0n,
      ack_write_mask: 1n,
    }),
  );
  return table('PCCT', { ...header, revision: 2 }, { flags: 0, reserved: 0n }, { items });
}

/** The server tables, in the order a firmware lists them. */
export function serverTables(s: ServerSpec, header: Fields): AcpiTable[] {
  return [
    iortTable(s, header),
    mcfgTable(s, header),
    ppttTable(s, header),
    sratTable(s, header),
    slitTable(s, header),
    dbg2Table(s, header),
    hestTable(header),
    pcctTable(s, header),
  ];
}
