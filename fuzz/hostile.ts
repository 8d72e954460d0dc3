// Hostile inputs at scale (issue 27 §3): table sets whose size or depth no firmware has, built to
// find recursion that overflows the stack and work that grows faster than n log n. Each is the
// server-class sample with one table replaced (placed after the others, its XSDT entry following),
// or a capture or baseline made from it. Shared by the fuzz tests (test/fuzz/hostile.test.ts) and
// the bench (bench/bench.ts, `npm run bench -- scale`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { make, EMPTY, variantFor, type Node } from '../src/layout/codec.js';
import { checksumOf } from '../src/layout/codec.js';
import { encodeTable } from '../src/tables/registry.js';
import { readTables } from '../src/io/read.js';
import { formatAcpidumpSet } from '../src/io/acpidump.js';
import { writeImage } from '../src/io/image.js';
import { writeElfCore } from '../src/io/elf.js';
import { findTable, type TableSet } from '../src/model/tableset.js';
import { idMapping, iortFamily, IORT_ITS_GROUP, IORT_ROOT_COMPLEX, IORT_SMMU_V3 } from '../src/tables/iort.js';
import { ppttProcessor, PPTT_PROCESSOR, PPTT_PHYSICAL_PACKAGE, PPTT_LEAF } from '../src/tables/pptt.js';
import { BASELINE_FORMAT, type Baseline } from '../src/check/baseline.js';
import { MADT_GICR, MADT_MSI_FRAME } from '../src/tables/madt.js';

function root(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, d = dirname(d)) if (existsSync(join(d, 'package.json'))) return d;
  return process.cwd();
}
/** The sample every hostile set starts from: a two-socket, 128-CPU server with IORT and PPTT. */
export const HOSTILE_BASE = join(root(), 'samples', 'server-128cpu', 'acpidump.txt');

const baseSet = (): TableSet => readTables(readFileSync(HOSTILE_BASE), { name: 'server-128cpu' }).set;

/** The base set with the table of `signature` replaced by `bytes`, placed after every other table
 * (8-byte aligned) with its XSDT entry following it, as acpidump text. */
export function replaced(signature: string, bytes: Uint8Array): Buffer {
  const set = baseSet();
  const old = findTable(set, signature);
  if (!old) throw new Error(`the base set has no ${signature}`);
  const end = set.tables.reduce((m, e) => (e.address !== undefined && e.address + BigInt(e.bytes.length) > m ? e.address + BigInt(e.bytes.length) : m), 0n);
  const at = (end + 0xfffn) & ~0xfffn;
  const xsdt = findTable(set, 'XSDT')!;
  const items = xsdt.table.items!.map((n) => (n.fields.address === old.address ? { ...n, fields: { ...n.fields, address: at } } : n));
  const xsdtBytes = encodeTable({ ...xsdt.table, items });
  const tables = set.tables.map((e) => (e === old ? { ...e, address: at, bytes } : e === xsdt ? { ...e, bytes: xsdtBytes } : e));
  return Buffer.from(formatAcpidumpSet({ ...set, tables }));
}

/** The sample's MADT followed by `n` two-byte subtables of the OEM-reserved type 0x80 (the smallest
 * subtable a walker accepts: type and length). */
export function madtWithTinySubtables(n: number): Uint8Array {
  const base = findTable(baseSet(), 'APIC')!.bytes;
  const b = Buffer.alloc(base.length + 2 * n);
  b.set(base);
  for (let i = 0; i < n; i++) {
    b[base.length + 2 * i] = 0x80;
    b[base.length + 2 * i + 1] = 2;
  }
  b.writeUInt32LE(b.length, 4);
  b[9] = checksumOf(b, b.length, 9);
  return b;
}

/** The sample's MADT followed by `n` GICR subtables at one base, each region 64 KiB longer than the
 * one before (so each holds all before it): thousands of nested regions of one kind. */
export function madtNestedGicrs(n: number): Uint8Array {
  const base = findTable(baseSet(), 'APIC')!.bytes;
  const b = Buffer.alloc(base.length + 16 * n);
  b.set(base);
  for (let i = 0; i < n; i++) {
    const at = base.length + 16 * i;
    b[at] = MADT_GICR;
    b[at + 1] = 16;
    b.writeBigUInt64LE(0x200000000000n, at + 4);
    b.writeUInt32LE(0x10000 * (i + 1), at + 12);
  }
  b.writeUInt32LE(b.length, 4);
  b[9] = checksumOf(b, b.length, 9);
  return b;
}

/** The sample's MADT followed by `n` GICR subtables at one base, each region 64 KiB longer than the
 * one before (as madtNestedGicrs), and `n` GICv2m MSI frames 16 bytes apart from that base: each
 * frame (4 KiB) lies inside every GICR region, so the two kinds overlap n² times. */
export function madtGicrsAndMsiFrames(n: number): Uint8Array {
  const base = findTable(baseSet(), 'APIC')!.bytes;
  const b = Buffer.alloc(base.length + 16 * n + 24 * n);
  b.set(base);
  for (let i = 0; i < n; i++) {
    const at = base.length + 16 * i;
    b[at] = MADT_GICR;
    b[at + 1] = 16;
    b.writeBigUInt64LE(0x200000000000n, at + 4);
    b.writeUInt32LE(0x10000 * (i + 1), at + 12);
  }
  for (let i = 0; i < n; i++) {
    const at = base.length + 16 * n + 24 * i;
    b[at] = MADT_MSI_FRAME;
    b[at + 1] = 24;
    b.writeUInt32LE(i, at + 4);
    b.writeBigUInt64LE(0x200000000000n + BigInt(i) * 0x10n, at + 8);
  }
  b.writeUInt32LE(b.length, 4);
  b[9] = checksumOf(b, b.length, 9);
  return b;
}

/** The sample's PPTT with a parent chain `depth` deep: `depth` − 2 processor nodes between the
 * first package and its first CPU (the package, the chain and the CPU: `depth` nodes). */
export function ppttChain(depth: number): Uint8Array {
  const base = findTable(baseSet(), 'PPTT')!.table;
  const procs = base.items!.filter((n) => n.fields.type === PPTT_PROCESSOR);
  const [pkg, cpu] = procs;
  if (!(Number(pkg.fields.flags) & PPTT_PHYSICAL_PACKAGE) || !(Number(cpu.fields.flags) & PPTT_LEAF))
    throw new Error('the sample PPTT no longer starts package, CPU');
  const key = (i: number) => 0x1000_0000 + i; // offsets no node has: references name them until encode
  const chain: Node[] = Array.from({ length: depth - 2 }, (_x, i) => ({
    ...make(ppttProcessor, { type: PPTT_PROCESSOR, flags: 0, parent: i === 0 ? pkg.at! : key(i - 1), acpi_processor_id: 0 }),
    at: key(i),
  }));
  const items: Node[] = [];
  for (const n of base.items!) {
    if (n === cpu) items.push({ ...n, fields: { ...n.fields, parent: depth > 2 ? key(depth - 3) : pkg.at! } });
    else items.push(n);
    if (n === pkg) for (const c of chain) items.push(c);
  }
  return encodeTable({ ...base, items });
}

const iortNode = (type: number, revision = 0) => variantFor(iortFamily.types.get(type)!, revision);
const mapping = (input: number, count: number, output: number, to: number) =>
  make(idMapping, { input_base: input, id_count: count, output_base: output, output_reference: to, flags: 0 });
const itsGroup = (key: number) =>
  ({
    ...make(
      iortNode(IORT_ITS_GROUP),
      { type: IORT_ITS_GROUP, revision: 1, identifier: 0, its_count: 0 },
      { parts: { identifiers: [{ fields: { value: 0 }, tail: EMPTY }] } },
    ),
    at: key,
  }) as Node;
const smmuV3 = (key: number, id: number, maps: Node[]) =>
  ({
    ...make(
      iortNode(IORT_SMMU_V3),
      {
        type: IORT_SMMU_V3,
        revision: 4,
        identifier: id,
        flags: 0,
        base_address: 0x300000000000n + BigInt(id) * 0x100000n, // clear of the sample's GIC and SMMUs
        model: 0,
        // wired interrupts: no DeviceID mapping of its own, so Linux's walk takes every mapping
        event_gsiv: 0x200,
        pri_gsiv: 0x201,
        gerr_gsiv: 0x202,
        sync_gsiv: 0x203,
        proximity_domain: 0,
        id_mapping_index: 0,
      },
      { parts: { mappings: maps } },
    ),
    at: key,
  }) as Node;
const rootComplex = (id: number, segment: number, maps: Node[]) =>
  make(
    iortNode(IORT_ROOT_COMPLEX, 4),
    {
      type: IORT_ROOT_COMPLEX,
      revision: 4,
      identifier: id,
      memory_properties: { cache_coherency: 1, hints: 0, reserved: 0, memory_flags: 3 },
      ats_attribute: 0,
      pci_segment: segment,
      memory_address_limit: 48,
      pasid_capabilities: 0,
      reserved: 0,
    },
    { parts: { mappings: maps } },
  );

/** An IORT table of these nodes on the sample's header. */
function iortOf(items: Node[]): Uint8Array {
  const base = findTable(baseSet(), 'IORT')!.table;
  return encodeTable({ ...base, items });
}

/** At most this many 20-byte mappings fit a node (its length is 16 bits). */
const PER_NODE = 3000;

/** An IORT with `n` single-ID mappings in all: root complexes of up to 3,000 mappings each (one
 * per PCI requester ID), every one to the one SMMUv3, which maps all IDs to the one ITS group. The
 * root complexes take turns at the base set's two PCI segments (its MCFG has ECAM for 0 and 1). */
export function iortManyMappings(n: number): Uint8Array {
  const items: Node[] = [itsGroup(1), smmuV3(2, 0x100, [mapping(0, 0xffff, 0, 1)])];
  for (let k = 0, left = n; left > 0; k++, left -= PER_NODE) {
    const maps = Array.from({ length: Math.min(PER_NODE, left) }, (_x, i) => mapping(i, 0, (k << 12) + i, 2));
    items.push(rootComplex(0x200 + k, k % 2, maps));
  }
  return iortOf(items);
}

/** An IORT with a chain of `depth` SMMUv3s, each mapping every ID to the next, the last to the ITS
 * group, and one root complex at the head of the chain. */
export function iortSmmuChain(depth: number): Uint8Array {
  const items: Node[] = [itsGroup(1)];
  for (let i = 0; i < depth; i++) items.push(smmuV3(2 + i, 0x100 + i, [mapping(0, 0xffff, 0, i === depth - 1 ? 1 : 3 + i)]));
  items.push(rootComplex(0x20000, 0, [mapping(0, 0xffff, 0, 2)]));
  return iortOf(items);
}

/** A 216-byte IORT: an ITS group no mapping reaches, one SMMUv3 whose one mapping leads back into
 * itself one ID up (input base 0, `count` IDs, output base 1), and a root complex whose IDs all
 * enter it at 0. Linux's walk goes round the SMMU once per ID until the ID leaves the mapping (with
 * 0xFFFFFFFF IDs the u32 ID wraps inside it, and the walk never ends). */
export function iortShiftingSelfLoop(count: number): Uint8Array {
  return iortOf([itsGroup(1), smmuV3(2, 0x100, [mapping(0, count, 1, 2)]), rootComplex(0x200, 0, [mapping(0, 0xffff, 0, 2)])]);
}

/** An IORT whose SMMUv3 maps `m` single IDs, each on its own (ID j to 2j: no two continue each
 * other), to the ITS group, and whose root complex maps `m` ranges of `m` IDs each onto those same
 * `m` SMMU IDs. Composed through the SMMU (--hide-smmu), the root complex would need m² mappings
 * (m = 400, a 16 KB IORT: 160,000, 3.2 MB), far past what its 16-bit node length can hold. */
export function iortComposedSquare(m: number): Uint8Array {
  const smmu = smmuV3(
    2,
    0x100,
    Array.from({ length: m }, (_x, j) => mapping(j, 0, 2 * j, 1)),
  );
  const rc = rootComplex(
    0x200,
    0,
    Array.from({ length: m }, (_x, k) => mapping(k * m, m - 1, 0, 2)),
  );
  return iortOf([itsGroup(1), smmu, rc]);
}

/** The base set in memory, as an ELF core of `n` PT_LOAD segments: the tables in the first, and
 * n − 1 more of 4 KiB of RAM each (no file bytes: memory past a segment's file size is zero), one
 * every 64 KiB below them. */
export function elfManySegments(n: number): Uint8Array {
  const w = writeImage(baseSet());
  const segs = [{ paddr: w.base, bytes: w.image }];
  for (let i = 1; i < n; i++) segs.push({ paddr: 0x1_0000_0000n + BigInt(i) * 0x10000n, bytes: EMPTY, zeroTail: 0x1000 } as never);
  return writeElfCore(segs as { paddr: bigint; bytes: Uint8Array; zeroTail?: number }[]);
}

/** A baseline file holding the same entry `n` times (code, table and path of a finding the base set
 * gives with --dom0), for every input. */
export function repeatedBaseline(n: number, entry = { code: 'DOM0_PSCI_HVC', table: 'FACP', path: 'FACP.arm_boot_flags' }): string {
  const b: Baseline = { format: BASELINE_FORMAT, findings: Array.from({ length: n }, () => ({ ...entry })) };
  return JSON.stringify(b);
}

/** What a hostile case hands its commands: the input, a path for an output, and any other file. */
export interface HostileFiles {
  input: string;
  out: string;
  baseline?: string;
}

/** One hostile input at the size issue 27 §3 measured, and the commands run on it. */
export interface Hostile {
  name: string;
  /** the item: a stack that overflowed, or work that grew faster than n log n */
  item: 'recursion' | 'super-linear';
  /** writes the input (and any other file a command reads) into `dir` */
  write(dir: string): Omit<HostileFiles, 'out'>;
  commands: Record<string, (f: HostileFiles) => string[]>;
}

const file = (dir: string, name: string, bytes: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

export const HOSTILE: Hostile[] = [
  {
    name: 'MADT of 130,000 two-byte subtables',
    item: 'recursion',
    write: (dir) => ({ input: file(dir, 'madt.txt', replaced('APIC', madtWithTinySubtables(130_000))) }),
    commands: {
      dump: (f) => ['dump', f.input, '-t', 'APIC'],
      'dump --json': (f) => ['dump', f.input, '-t', 'APIC', '--json'],
      report: (f) => ['report', f.input, '-o', f.out],
      'check --dom0': (f) => ['check', '--dom0', f.input],
      diff: (f) => ['diff', f.input, f.input],
      'build --no-report': (f) => ['build', f.input, '-o', f.out, '--no-report'],
    },
  },
  {
    name: 'MADT of 40,000 nested GICR regions',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'gicr.txt', replaced('APIC', madtNestedGicrs(40_000))) }),
    commands: {
      check: (f) => ['check', f.input],
      report: (f) => ['report', f.input, '-o', f.out],
    },
  },
  {
    name: 'MADT of 4,000 nested GICR regions and 4,000 MSI frames inside them',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'gicr-msi.txt', replaced('APIC', madtGicrsAndMsiFrames(4000))) }),
    commands: {
      check: (f) => ['check', f.input],
      report: (f) => ['report', f.input, '-o', f.out],
    },
  },
  {
    name: 'PPTT parent chain 3,000 deep',
    item: 'recursion',
    write: (dir) => ({ input: file(dir, 'pptt.txt', replaced('PPTT', ppttChain(3000))) }),
    commands: {
      check: (f) => ['check', f.input],
      report: (f) => ['report', f.input, '-o', f.out],
      diff: (f) => ['diff', f.input, f.input],
      build: (f) => ['build', f.input, '-o', f.out],
    },
  },
  {
    name: 'IORT of 9,000 ID mappings',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'iort9000.txt', replaced('IORT', iortManyMappings(9000))) }),
    commands: {
      report: (f) => ['report', f.input, '-o', f.out],
      check: (f) => ['check', f.input],
    },
  },
  {
    name: 'IORT of 3,000 ID mappings',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'iort3000.txt', replaced('IORT', iortManyMappings(3000))) }),
    commands: {
      build: (f) => ['build', f.input, '-o', f.out],
      'build --hide-smmu': (f) => ['build', f.input, '-o', f.out, '--hide-smmu', '--no-report'],
    },
  },
  {
    name: 'IORT chain of 4,000 SMMUs',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'chain.txt', replaced('IORT', iortSmmuChain(4000))) }),
    commands: {
      check: (f) => ['check', f.input],
      report: (f) => ['report', f.input, '-o', f.out],
      'build --hide-smmu': (f) => ['build', f.input, '-o', f.out, '--hide-smmu', '--no-report'],
    },
  },
  {
    name: 'IORT SMMU mapping 0xFFFFFFFF IDs into itself, one up',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'selfloop.txt', replaced('IORT', iortShiftingSelfLoop(0xffffffff))) }),
    commands: {
      check: (f) => ['check', f.input],
      report: (f) => ['report', f.input, '-o', f.out],
      build: (f) => ['build', f.input, '-o', f.out],
    },
  },
  {
    name: 'IORT of 400 ranges onto 400 one-ID SMMU mappings',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'square.txt', replaced('IORT', iortComposedSquare(400))) }),
    commands: {
      'build --hide-smmu': (f) => ['build', f.input, '-o', f.out, '--hide-smmu', '--no-report'],
    },
  },
  {
    name: 'ELF core of 10,000 segments',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'core.elf', elfManySegments(10_000)) }),
    commands: {
      report: (f) => ['report', f.input, '-o', f.out],
      dump: (f) => ['dump', f.input, '--summary'],
    },
  },
  {
    name: 'check baseline of 60,000 repeated entries',
    item: 'super-linear',
    write: (dir) => ({ input: file(dir, 'host.txt', readFileSync(HOSTILE_BASE)), baseline: file(dir, 'baseline.json', repeatedBaseline(60_000)) }),
    commands: {
      'check --baseline': (f) => ['check', '--dom0', f.input, '--baseline', f.baseline!],
    },
  },
];
