// --hide-smmu: dom0's IORT without the SMMUs. The referee here is an ID-by-ID walk written apart
// from the pass (the pass works on ranges): for every ID every root complex and named component
// maps, the host IORT's walk through the SMMUs and dom0's walk straight to the ITS must end at the
// same ITSes with the same ID. Then the nodes that go and stay, the refusals, check --dom0, and the
// corpus sets with SMMUs.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { findTable, type TableSet } from '../../src/model/tableset.js';
import { make, variantFor, type Node } from '../../src/layout/codec.js';
import type { AcpiTable } from '../../src/tables/registry.js';
import { checkTables } from '../../src/check/index.js';
import { BuildError } from '../../src/rewrite/types.js';
import {
  idMapping,
  iortFamily,
  IORT_ITS_GROUP,
  IORT_NAMED_COMPONENT,
  IORT_ROOT_COMPLEX,
  IORT_SMMU,
  IORT_SMMU_V3,
  IORT_PMCG,
  IORT_RMR,
} from '../../src/tables/iort.js';
import { CORPUS, HAVE_CORPUS, SAMPLES, cli, editTable, tmp } from '../helpers.js';

// ---- the referee: Linux's walk (drivers/acpi/arm64/iort.c iort_node_map_id()), one ID at a time ----

interface Raw {
  type: number;
  rev: number;
  maps: { inBase: number; count: number; outBase: number; ref: number; single: boolean }[];
  own: number;
  its: number[];
  key: string;
}

/** The IORT's nodes by offset, read straight from the table's bytes (not through the pass's helpers). */
function nodesOf(bytes: Uint8Array): Map<number, Raw> {
  const v = Buffer.from(bytes);
  const out = new Map<number, Raw>();
  let at = v.readUInt32LE(40);
  const count = v.readUInt32LE(36);
  const seen = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const type = v[at];
    const len = v.readUInt16LE(at + 1);
    const rev = v[at + 3];
    const nmaps = v.readUInt32LE(at + 8);
    const moff = v.readUInt32LE(at + 12);
    const maps = Array.from({ length: nmaps }, (_, k) => {
      const m = at + moff + 20 * k;
      return {
        inBase: v.readUInt32LE(m),
        count: v.readUInt32LE(m + 4),
        outBase: v.readUInt32LE(m + 8),
        ref: v.readUInt32LE(m + 12),
        single: (v.readUInt32LE(m + 16) & 1) === 1,
      };
    });
    let own = -1;
    if (type === 4 && rev >= 1) {
      // SMMUv3 node: flags at 24, the four GSIVs at 44-56, the ID mapping index at 64
      const gsivs = [44, 48, 52, 56].map((o) => v.readUInt32LE(at + o));
      const flags = v.readUInt32LE(at + 24);
      const valid = rev < 5 ? !gsivs.every((g) => g !== 0) : (flags & 16) !== 0;
      const index = v.readUInt32LE(at + 64);
      if (valid && index < nmaps) own = index;
    }
    const its = type === 0 ? Array.from({ length: v.readUInt32LE(at + 16) }, (_, k) => v.readUInt32LE(at + 20 + 4 * k)) : [];
    const n = seen.get(type) ?? 0;
    seen.set(type, n + 1);
    out.set(at, { type, rev, maps, own, its, key: `${type}#${n}` });
    at += len;
  }
  return out;
}

/** Where one ID entering a node ends: the ITS IDs of the group and the ID there, or why not. */
function walk(nodes: Map<number, Raw>, start: number, id: number): string {
  let at = start;
  for (let hops = 0; hops < 32; hops++) {
    const n = nodes.get(at);
    if (!n) return `no node at ${at}`;
    if (n.type === 0) return `ITS ${n.its.join('/')} ID 0x${id.toString(16)}`;
    let found: { out: number; ref: number } | undefined;
    let atEnd: { out: number; ref: number } | undefined;
    for (let i = 0; i < n.maps.length && !found; i++) {
      if (i === n.own) continue;
      const m = n.maps[i];
      if (m.single) {
        // honoured on named components and root complexes only; elsewhere skipped (FW_BUG)
        if (n.type === 1 || n.type === 2) found = { out: m.outBase, ref: m.ref };
        continue;
      }
      // base + count and the output are u32 sums: a range past 2^32 matches nothing
      const last = (m.inBase + m.count) >>> 0;
      if (id < m.inBase || id > last) continue;
      const hit = { out: (m.outBase + (id - m.inBase)) >>> 0, ref: m.ref };
      if (atEnd) {
        if (id === m.inBase) found = hit;
      } else if (m.count > 0 && id === last) atEnd = hit;
      else found = hit;
    }
    const next = found ?? atEnd;
    if (!next) return `unmapped at ${n.key}`;
    [at, id] = [next.ref, next.out];
  }
  return 'loop';
}

/** Every device node's every mapped ID, walked in the host's IORT and in dom0's: they must agree,
 * and an ID the host routes nowhere is routed nowhere in dom0 (no route the host lacks). */
function sameEnds(host: Uint8Array, dom0: Uint8Array): number {
  const h = nodesOf(host);
  const d = nodesOf(dom0);
  const devices = (m: Map<number, Raw>) => [...m].filter(([, n]) => n.type === 1 || n.type === 2);
  const dk = new Map(devices(d).map(([at, n]) => [n.key, at]));
  let checked = 0;
  for (const [at, n] of devices(h)) {
    const there = dk.get(n.key);
    expect(there, `${n.key} is in dom0's IORT`).toBeDefined();
    const probe = new Set<number>();
    for (const m of n.maps) for (let id = m.inBase; id <= Math.min(0xffffffff, m.inBase + (m.single ? 0 : m.count)); id++) probe.add(id);
    for (const id of probe) {
      const want = walk(h, at, id);
      const got = walk(d, there!, id);
      if (want.startsWith('unmapped')) expect(got, `${n.key} ID 0x${id.toString(16)}: unrouted on the host`).toMatch(/^unmapped/);
      else expect(got, `${n.key} ID 0x${id.toString(16)}`).toBe(want);
      checked++;
    }
  }
  return checked;
}

const hide = (set: TableSet, more: object = {}) => buildDom0(set, { profile: 'design', hideSmmu: true, bootargs: 'console=hvc0', ...more });
const iortOf = (set: TableSet) => findTable(set, 'IORT')!;
const types = (t: AcpiTable) => (t.items ?? []).map((n) => Number(n.fields.type));

// ---- a crafted host IORT on the two-socket sample: what real firmware does, and what it gets wrong ----

const server = () => readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;
const nodeDef = (type: number, revision: number) => variantFor(iortFamily.types.get(type)!, revision);
const at = (n: Node, offset: number): Node => ({ ...n, at: offset });
const map = (input_base: number, id_count: number, output_base: number, output_reference: number, flags = 0) =>
  make(idMapping, { input_base, id_count, output_base, output_reference, flags });
const group = (offset: number, ids: number[]) =>
  at(
    make(
      nodeDef(IORT_ITS_GROUP, 1),
      { type: IORT_ITS_GROUP, revision: 1, its_count: 0 },
      { parts: { identifiers: ids.map((value) => ({ fields: { value }, tail: new Uint8Array() })) } },
    ),
    offset,
  );
const smmuV3 = (offset: number, maps: Node[], own?: number) =>
  at(
    make(
      nodeDef(IORT_SMMU_V3, 5),
      {
        type: IORT_SMMU_V3,
        revision: 5,
        identifier: offset,
        flags: own === undefined ? 0 : 1 << 4,
        base_address: BigInt(offset) << 20n,
        id_mapping_index: own ?? 0,
      },
      { parts: { mappings: maps } },
    ),
    offset,
  );
const rc = (offset: number, segment: number, maps: Node[]) =>
  at(
    make(
      nodeDef(IORT_ROOT_COMPLEX, 4),
      { type: IORT_ROOT_COMPLEX, revision: 4, identifier: offset, pci_segment: segment, memory_address_limit: 48 },
      { parts: { mappings: maps } },
    ),
    offset,
  );

/** The sample with its IORT's nodes replaced (references name each node by its `at`). */
function withIort(items: Node[]): TableSet {
  return editTable(server(), 'IORT', (t) => ({ ...t, items }));
}

describe('--hide-smmu', () => {
  it("the two-socket sample: each root complex straight to its socket's ITS group, the SMMUs and their PMCG gone", () => {
    const host = server();
    const out = hide(host);
    const dom0 = iortOf(out.tables);
    expect(types(dom0.table).sort()).toEqual([IORT_ITS_GROUP, IORT_ITS_GROUP, IORT_ROOT_COMPLEX, IORT_ROOT_COMPLEX]);
    expect(sameEnds(iortOf(host).bytes, dom0.bytes)).toBe(2 * 0x10000);
    expect(out.manifest.options.hide_smmu).toBe(true);
    expect(out.manifest.tables.find((t) => t.signature === 'IORT')!.origin).toBe('new');
    // what dom0's Linux checks of it: no SMMU left, every group's ITS in the MADT
    const findings = checkTables(out.tables, { dom0: true });
    expect(findings.filter((f) => f.code.startsWith('DOM0_IORT') || f.code.startsWith('IORT'))).toEqual([]);
  });

  it('splits a range where the SMMU splits it, each piece with its own ITS group; skips the SMMU’s own ID; keeps a single mapping single', () => {
    const items = [
      group(0x30, [0, 1]),
      group(0x48, [2, 3]),
      // stream IDs 0-0x7FF to the first group, 0x800-0xFFF to the second (shifted), and the SMMU's own
      // MSI ID (mapping 0, the ID mapping index) — which no device's walk may take
      smmuV3(0x100, [map(0, 0, 0x9000, 0x30, 1), map(0x0, 0x7ff, 0x10000, 0x30), map(0x800, 0x7ff, 0x20800, 0x48)], 0),
      // requester IDs 0x1000-0x1FFF are stream IDs 0-0xFFF; 0x2000-0x20FF go straight to the second group
      rc(0x200, 0, [map(0x1000, 0xfff, 0, 0x100), map(0x2000, 0xff, 0x5000, 0x48)]),
      // a named component with one stream ID, as a single mapping
      at(
        make(
          nodeDef(IORT_NAMED_COMPONENT, 4),
          { type: IORT_NAMED_COMPONENT, revision: 4, identifier: 0x300, memory_address_limit: 48 },
          { parts: { device_name: '\\_SB.DMA0', mappings: [map(0, 0, 0x810, 0x100, 1)] } },
        ),
        0x300,
      ),
    ];
    const host = withIort(items);
    const out = hide(host);
    const dom0 = iortOf(out.tables).table;
    const rcMaps = (dom0.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).map((m) => m.fields);
    expect(rcMaps.map((f) => [f.input_base, f.id_count, f.output_base])).toEqual([
      [0x1000, 0x7ff, 0x10000],
      [0x1800, 0x7ff, 0x20800],
      [0x2000, 0xff, 0x5000],
    ]);
    const nc = (dom0.items!.find((n) => n.fields.type === IORT_NAMED_COMPONENT)!.parts!.mappings as Node[])[0].fields;
    expect([nc.output_base, nc.flags]).toEqual([0x20810, 1]);
    expect(sameEnds(iortOf(host).bytes, iortOf(out.tables).bytes)).toBe(0x1000 + 0x100 + 1);
  });

  it("follows Linux where firmware ranges overlap by one ID (QEMU 7.2's IORT): the later range that starts there wins", () => {
    const host = withIort([
      group(0x30, [0]),
      smmuV3(0x100, [map(0, 0xffff, 0x40000, 0x30)]),
      rc(0x200, 0, [map(0, 0x100, 0, 0x100), map(0x100, 0xfeff, 0x100, 0x30)]),
    ]);
    const out = hide(host);
    expect(sameEnds(iortOf(host).bytes, iortOf(out.tables).bytes)).toBe(0x10000);
    const f = (iortOf(out.tables).table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).map((m) => m.fields);
    expect(f.map((x) => [x.input_base, x.id_count, x.output_base])).toEqual([
      [0, 0xff, 0x40000],
      [0x100, 0xfeff, 0x100],
    ]);
  });

  it('leaves out an RMR tied to a hidden SMMU, with a note for the hypervisor', () => {
    const rmr = at(
      make(
        nodeDef(IORT_RMR, 3),
        { type: IORT_RMR, revision: 3, identifier: 0x400, flags: 0 },
        {
          parts: {
            mappings: [map(0x10, 0, 0x10, 0x100, 1)],
            ranges: [{ fields: { base_address: 0x80000000n, length: 0x10000n, reserved: 0 }, tail: new Uint8Array() }],
          },
        },
      ),
      0x400,
    );
    const host = withIort([group(0x30, [0]), smmuV3(0x100, [map(0, 0xffff, 0, 0x30)]), rc(0x200, 0, [map(0, 0xffff, 0, 0x100)]), rmr]);
    const out = hide(host);
    expect(types(iortOf(out.tables).table)).toEqual([IORT_ITS_GROUP, IORT_ROOT_COMPLEX]);
    expect(out.warnings.map((w) => w.code)).toContain('BUILD_IORT_RMR_DROPPED');
  });

  it('IDs an SMMU sends to no ITS group (translation only, no MSIs) stay unmapped, with a note: the host routes them nowhere either', () => {
    const gap = withIort([group(0x30, [0]), smmuV3(0x100, [map(0, 0x7ff, 0, 0x30)]), rc(0x200, 0, [map(0, 0xfff, 0, 0x100)])]);
    const out = hide(gap);
    const note = out.warnings.find((w) => w.code === 'BUILD_IORT_UNROUTED')!;
    expect(note.message).toMatch(
      /Root Complex node at offset 0x\w+ sends IDs 0x800-0xFFF to the SMMUv3 node at offset 0x\w+, which sends them to no ITS group/,
    );
    // all 0x1000 walked: 0x800 to the same ITS ID, 0x800 unrouted in both
    expect(sameEnds(iortOf(gap).bytes, iortOf(out.tables).bytes)).toBe(0x1000);
  });

  it('a single mapping on an SMMU is skipped, as Linux skips it (iort_id_map(): honoured on named components and root complexes only)', () => {
    // an SMMUv3 whose own MSI mapping is not excluded by the DeviceID index rule (revision 5, DeviceID
    // Valid clear): its single mapping is first, then the stream IDs' range
    const host = withIort([
      group(0x30, [0]),
      smmuV3(0x100, [map(0, 0, 0x9000, 0x30, 1), map(0, 0xffff, 0x10000, 0x30)]),
      rc(0x200, 0, [map(0, 0xfff, 0, 0x100)]),
      at(
        make(
          nodeDef(IORT_NAMED_COMPONENT, 4),
          { type: IORT_NAMED_COMPONENT, revision: 4, identifier: 0x300, memory_address_limit: 48 },
          { parts: { device_name: '\\_SB.DMA0', mappings: [map(0, 0, 0x810, 0x100, 1)] } },
        ),
        0x300,
      ),
    ]);
    const out = hide(host);
    const dom0 = iortOf(out.tables).table;
    const mapsOf = (type: number) => (dom0.items!.find((n) => n.fields.type === type)!.parts!.mappings as Node[]).map((m) => m.fields);
    // the root complex's IDs follow the range (before: refused, the single mapping catching them all)
    expect(mapsOf(IORT_ROOT_COMPLEX).map((f) => [f.input_base, f.id_count, f.output_base])).toEqual([[0, 0xfff, 0x10000]]);
    // the named component gets its stream ID's DeviceID, not the SMMU's own (0x9000)
    expect(mapsOf(IORT_NAMED_COMPONENT).map((f) => [f.output_base, f.flags])).toEqual([[0x10810, 1]]);
    expect(sameEnds(iortOf(host).bytes, iortOf(out.tables).bytes)).toBe(0x1000 + 1);
  });

  it('IDs are u32 as Linux computes them: a range past 2^32 matches nothing; an output past 0xFFFFFFFF goes on from 0', () => {
    // the SMMU's second range runs past 2^32 (base + count wraps below the base): Linux matches no ID
    // of it, so stream IDs 0xFFFFFF00 up have no route on the host, and get none in dom0
    const wrapIn = withIort([
      group(0x30, [0]),
      smmuV3(0x100, [map(0, 0xff, 0x100, 0x30), map(0xffffff00, 0x1ff, 0, 0x30)]),
      rc(0x200, 0, [map(0, 0xff, 0, 0x100), map(0x100, 0xff, 0xffffff00, 0x100)]),
    ]);
    const a = hide(wrapIn);
    const rcA = (iortOf(a.tables).table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).map((m) => m.fields);
    expect(rcA.map((f) => [f.input_base, f.id_count, f.output_base])).toEqual([[0, 0xff, 0x100]]);
    expect(a.warnings.find((w) => w.code === 'BUILD_IORT_UNROUTED')!.message).toMatch(/sends IDs 0xFFFFFF00-0xFFFFFFFF to the SMMUv3/);
    expect(sameEnds(iortOf(wrapIn).bytes, iortOf(a.tables).bytes)).toBe(0x200);
    // a root complex range past 2^32 is gone too (Linux never takes it)
    const wrapRc = withIort([
      group(0x30, [0]),
      smmuV3(0x100, [map(0, 0xffff, 0, 0x30)]),
      rc(0x200, 0, [map(0, 0xff, 0, 0x100), map(0xffffff80, 0xff, 0x80, 0x100)]),
    ]);
    const b = hide(wrapRc);
    expect((iortOf(b.tables).table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).length).toBe(1);
    expect(sameEnds(iortOf(wrapRc).bytes, iortOf(b.tables).bytes)).toBe(0x100 + 0x80);
    // outputs past 0xFFFFFFFF wrap in Linux's sum: the run is cut where they do
    const wrapOut = withIort([group(0x30, [0]), smmuV3(0x100, [map(0, 0xffff, 0xfffffff0, 0x30)]), rc(0x200, 0, [map(0, 0xff, 0, 0x100)])]);
    const c = hide(wrapOut);
    const rcC = (iortOf(c.tables).table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).map((m) => m.fields);
    expect(rcC.map((f) => [f.input_base, f.id_count, f.output_base])).toEqual([
      [0, 0xf, 0xfffffff0],
      [0x10, 0xef, 0],
    ]);
    expect(sameEnds(iortOf(wrapOut).bytes, iortOf(c.tables).bytes)).toBe(0x100);
  });

  it('refuses what cannot be composed, naming the node and the IDs: an SMMU range with no ITS output, a cycle, an ITS the MADT lacks, the xen profile', () => {
    const noIts = withIort([group(0x30, [0]), rc(0x180, 1, []), smmuV3(0x100, [map(0, 0xffff, 0, 0x180)]), rc(0x200, 0, [map(0, 0xfff, 0, 0x100)])]);
    expect(() => hide(noIts)).toThrow(
      /the SMMUv3 node at offset 0x\w+ maps IDs 0x0-0xFFFF to the Root Complex node at offset 0x\w+, which is not an ITS group/,
    );
    const cycle = withIort([
      group(0x30, [0]),
      smmuV3(0x100, [map(0, 0xffff, 0, 0x180)]),
      smmuV3(0x180, [map(0, 0xffff, 0, 0x100)]),
      rc(0x200, 0, [map(0, 0xffff, 0, 0x100)]),
    ]);
    expect(() => hide(cycle)).toThrow(
      /run in a cycle: Root Complex node at offset 0x\w+ → SMMUv3 node at offset (0x\w+) → SMMUv3 node at offset 0x\w+ → SMMUv3 node at offset \1/,
    );
    const lost = withIort([group(0x30, [7]), smmuV3(0x100, [map(0, 0xffff, 0, 0x30)]), rc(0x200, 0, [map(0, 0xffff, 0, 0x100)])]);
    expect(() => hide(lost)).toThrow(/names ITS ID 7, which dom0's MADT does not have/);
    expect(() => hide(server(), { profile: 'xen' })).toThrow(BuildError);
    expect(() => hide(server(), { profile: 'xen' })).toThrow(/hideSmmu: is for the design profile/);
  });

  it('refuses, naming the node, a composition its 16-bit length cannot hold, before working out every run; one that fits is written whole', () => {
    // the SMMU maps k single IDs on their own (j to 2j: no two continue each other); the root complex
    // maps r ranges of k IDs onto them: composed, r × k mappings
    const smmu = (k: number) =>
      smmuV3(
        0x100,
        Array.from({ length: k }, (_x, j) => map(j, 0, 2 * j, 0x30)),
      );
    const square = (r: number, k: number) =>
      withIort([
        group(0x30, [0]),
        smmu(k),
        rc(
          0x200,
          0,
          Array.from({ length: r }, (_x, i) => map(i * k, k - 1, 0, 0x100)),
        ),
      ]);
    const refusal =
      /^--hide-smmu: the Root Complex node at offset 0x\w+ would need more than 3274 ID mappings straight to the ITS groups \(its ranges split where the SMMUs split them\), and its 16-bit length holds no more: it cannot be composed$/;
    // 400 × 400 = 160,000 mappings (3.2 MB, written with a wrapped length before): refused while the runs are counted
    expect(() => hide(square(400, 400))).toThrow(BuildError);
    expect(() => hide(square(400, 400))).toThrow(refusal);
    // as many as the node's length holds (65,535 bytes less the node's own 40, in 20-byte mappings): 3274 = 2 × 1637
    const fits = (set: TableSet) => {
      const dom0 = iortOf(hide(set).tables);
      expect((dom0.table.items!.find((n) => n.fields.type === IORT_ROOT_COMPLEX)!.parts!.mappings as Node[]).length).toBe(3274);
      expect(sameEnds(iortOf(set).bytes, dom0.bytes)).toBeGreaterThan(3000);
    };
    fits(square(2, 1637));
    expect(() => hide(square(5, 655))).toThrow(refusal); // 3275
  });

  it('SMMUv1/v2 nodes go too; a set without an SMMU or an IORT gets a note and its IORT unchanged', () => {
    const v2 = at(
      make(
        nodeDef(IORT_SMMU, 0),
        { type: IORT_SMMU, revision: 0, base_address: 0x5000000n, span: 0x800000n, model: 0 },
        {
          parts: {
            mappings: [map(0, 0xffff, 0, 0x30)],
            global_interrupts: [{ fields: { nsg_irpt: 0, nsg_irpt_flags: 0, nsg_cfg_irpt: 0, nsg_cfg_irpt_flags: 0 }, tail: new Uint8Array() }],
          },
        },
      ),
      0x100,
    );
    const host = withIort([group(0x30, [0]), v2, rc(0x200, 0, [map(0, 0xffff, 0, 0x100)])]);
    const out = hide(host);
    expect(types(iortOf(out.tables).table)).toEqual([IORT_ITS_GROUP, IORT_ROOT_COMPLEX]);
    expect(sameEnds(iortOf(host).bytes, iortOf(out.tables).bytes)).toBe(0x10000);
    const plain = withIort([group(0x30, [0]), rc(0x200, 0, [map(0, 0xffff, 0, 0x30)])]);
    expect(hide(plain).warnings.map((w) => w.code)).toContain('BUILD_NO_SMMU');
  });

  it('the CLI: --hide-smmu, and check --dom0 on a pass-through IORT names it', async () => {
    const dir = tmp('hide-');
    const input = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    const r = await cli('build', input, '-o', join(dir, 'o'), '--hide-smmu', '--bootargs', 'console=hvc0');
    expect(r.code, r.err).toBe(0);
    expect((await cli('check', '--dom0', join(dir, 'o'))).code).toBe(0);
    expect((await cli('build', input, '-o', join(dir, 'x'), '--hide-smmu', '--profile', 'xen')).err).toMatch(/--hide-smmu: is for the design profile/);
    expect((await cli('build', input, '-o', join(dir, 'p'), '--bootargs', 'console=hvc0')).code).toBe(0);
    const c = await cli('check', '--dom0', '--fail-on', 'info', join(dir, 'p'));
    expect(c.out).toMatch(/DOM0_IORT_SMMU.*build --hide-smmu/);
  });

  it.skipIf(!HAVE_CORPUS)('the corpus sets with an SMMU: the same ends for every ID', () => {
    const sets: [string, object][] = [
      ['qemu-virt-gicv3-ras-smmuv3-smp4/acpidump.txt', {}],
      ['honeycomb-lx2160a/acpidump.txt', { relocate: 'all' }],
      ['morello-fvp', { relocate: 'all', mem: [{ base: 0x80000000n, size: 0x40000000n }], base: 0xc0000000n }],
    ];
    for (const [name, opts] of sets) {
      const host = readTables(join(CORPUS, name)).set;
      const out = hide(host, opts);
      expect(
        types(iortOf(out.tables).table).some((t) => t === IORT_SMMU || t === IORT_SMMU_V3 || t === IORT_PMCG),
        name,
      ).toBe(false);
      expect(sameEnds(iortOf(host).bytes, iortOf(out.tables).bytes), name).toBeGreaterThan(0);
    }
  });
});
