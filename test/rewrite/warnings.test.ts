// Each code `build` reports: an input with exactly its cause gives exactly that code (on top of a
// clean build that reports nothing), with the catalogue's severity; a code without a case fails the
// last test. The same codes reach the CLI as warning:/note: lines and the manifest.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { readTables } from '../../src/io/read.js';
import { formatAcpidumpSet } from '../../src/io/acpidump.js';
import { findTable, type TableSet, type TableEntry } from '../../src/model/tableset.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { BUILD_CODES, type BuildCode } from '../../src/rewrite/codes.js';
import type { BuildOptions } from '../../src/rewrite/types.js';
import { decodeTable, encodeTable, withoutFaults, type AcpiTable } from '../../src/tables/registry.js';
import { checksumOf } from '../../src/layout/codec.js';
import { generate, HOSTS } from '../../samples/generate.js';
import { make, variantFor, type Node } from '../../src/layout/codec.js';
import { idMapping, iortFamily, IORT_RMR, IORT_SMMU_V3 } from '../../src/tables/iort.js';
import { cli, SAMPLES, tmp } from '../helpers.js';

const host = (name: string): TableSet => readTables(join(SAMPLES, name, 'acpidump.txt')).set;
const qemu = host('qemu-virt-gicv3');
/** Options under which the qemu sample builds without a word: console=hvc0, the host GTDT kept. */
const QUIET: Partial<BuildOptions> = { bootargs: 'console=hvc0', skip: ['gtdt'] };

const entry = (set: TableSet, sig: string) => findTable(set, sig)!;

/** The set with `sig` replaced by an edited, re-encoded copy (checksum right). */
function edit(set: TableSet, sig: string, f: (t: AcpiTable) => AcpiTable): TableSet {
  return {
    ...set,
    tables: set.tables.map((e) => {
      if (e.table.signature !== sig) return e;
      const bytes = encodeTable(withoutFaults(f(e.table)));
      return { ...e, bytes, table: decodeTable(bytes).table! };
    }),
  };
}

/** The set with `sig`'s bytes replaced as they are (a wrong checksum stays wrong). */
function rewrite(set: TableSet, sig: string, f: (b: Buffer) => Buffer): TableSet {
  return {
    ...set,
    tables: set.tables.map((e) => {
      if (e.table.signature !== sig) return e;
      const b = f(Buffer.from(e.bytes));
      return { ...e, bytes: new Uint8Array(b), table: decodeTable(b).table! };
    }),
  };
}

/** The set without `sig`, and without the XSDT entry that pointed at it. */
function drop(set: TableSet, sig: string): TableSet {
  const gone = entry(set, sig);
  const without = { ...set, tables: set.tables.filter((e) => e !== gone) };
  return edit(without, 'XSDT', (t) => ({ ...t, items: t.items!.filter((i) => i.fields.address !== gone.address) }));
}

/** The set with its XSDT listing one more address. */
function listed(set: TableSet, address: bigint, extra: TableEntry[] = []): TableSet {
  const withEntry = edit(set, 'XSDT', (t) => ({ ...t, items: [...t.items!, { ...t.items![0], fields: { address } }] }));
  return { ...withEntry, tables: [...withEntry.tables, ...extra] };
}

/** The server sample with an IORT that has no SMMU (its root complexes map to the ITS groups). */
function noSmmu(): TableSet {
  return edit(host('server-128cpu'), 'IORT', (t) => {
    const groups = t.items!.filter((n) => n.fields.type === 0);
    const rcs = t.items!.filter((n) => n.fields.type === 2);
    const direct = rcs.map((rc, k) => ({
      ...rc,
      parts: { ...rc.parts, mappings: [make(idMapping, { input_base: 0, id_count: 0xffff, output_base: 0, output_reference: groups[k].at! })] },
    }));
    return { ...t, items: [...groups, ...direct] };
  });
}
const smmus = (t: AcpiTable) => t.items!.filter((n) => n.fields.type === IORT_SMMU_V3);
const narrowed = (n: Node): Node => ({
  ...n,
  parts: { ...n.parts, mappings: (n.parts!.mappings as Node[]).map((m) => ({ ...m, fields: { ...m.fields, id_count: 0x7fff } })) },
});
const rmr = (smmu: number): Node =>
  make(
    variantFor(iortFamily.types.get(IORT_RMR)!, 3),
    { type: IORT_RMR, revision: 3, identifier: 0x400, flags: 0 },
    {
      parts: {
        mappings: [make(idMapping, { input_base: 0, id_count: 0, output_base: 0x10, output_reference: smmu, flags: 1 })],
        ranges: [{ fields: { base_address: 0x80000000n, length: 0x10000n, reserved: 0 }, tail: new Uint8Array() }],
      },
    },
  );

interface Case {
  code: BuildCode;
  path?: string;
  set: () => TableSet;
  opts: Partial<BuildOptions>;
}

const cases: Case[] = [
  { code: 'BUILD_EL2_TIMER_MASKED', path: 'GTDT.non_secure_el2_interrupt', set: () => qemu, opts: { bootargs: 'console=hvc0' } },
  {
    code: 'BUILD_GTDT_SHORT',
    path: 'GTDT.header.length',
    set: () =>
      rewrite(qemu, 'GTDT', (whole) => {
        const b = Buffer.from(whole.subarray(0, 60));
        b.writeUInt32LE(60, 4);
        b[9] = checksumOf(b, 60, 9);
        return b;
      }),
    opts: { bootargs: 'console=hvc0' },
  },
  { code: 'BUILD_NO_GTDT', path: 'GTDT', set: () => drop(qemu, 'GTDT'), opts: { bootargs: 'console=hvc0' } },
  {
    code: 'BUILD_VCPUS_CAPPED',
    path: 'APIC.gicc',
    // a GICv2 host with 12 CPUs: dom0 gets 8
    set: () =>
      readTables(Buffer.from(generate({ ...HOSTS.find((h) => h.name === 'gicv2-8cpu')!, name: 'gicv2-12cpu', cpus: 12 })), { name: 'gicv2-12cpu.txt' }).set,
    opts: QUIET,
  },
  { code: 'BUILD_MPIDR_NOT_VIRTUAL', path: 'APIC.gicc[1].arm_mpidr', set: () => host('server-128cpu'), opts: { ...QUIET, vcpus: 4, hostMpidrs: true } },
  {
    code: 'BUILD_GICR_SHORT',
    path: 'APIC.gicr',
    // one redistributor's worth of GICR region for 4 vCPUs (the xen profile makes the GICR list anew)
    set: () =>
      edit(qemu, 'APIC', (t) => ({
        ...t,
        items: t.items!.map((s) => (s.fields.type === 0x0e ? { ...s, fields: { ...s.fields, length_region: 0x20000 } } : s)),
      })),
    opts: { ...QUIET, profile: 'xen' },
  },
  { code: 'BUILD_STAO_NO_SPCR', path: 'STAO.ignore_uart', set: () => drop(qemu, 'SPCR'), opts: { ...QUIET, profile: 'xen' } },
  { code: 'BUILD_STAO_UART_ZERO', path: 'STAO.ignore_uart', set: () => drop(qemu, 'SPCR'), opts: QUIET },
  // a --stao-path name that is a processor: the tables need it, so it stays present (Linux ignores the STAO's list)
  { code: 'BUILD_STAO_NAME_KEPT', path: 'STAO', set: () => qemu, opts: { ...QUIET, staoPaths: ['\\_SB.C000'] } },
  { code: 'BUILD_NO_HVC_CONSOLE', path: 'DT./chosen.bootargs', set: () => qemu, opts: { skip: ['gtdt'] } },
  {
    code: 'BUILD_POINTER_MISSING',
    path: 'FACP.x_dsdt',
    set: () => ({ ...qemu, tables: qemu.tables.filter((e) => e.table.signature !== 'DSDT') }),
    opts: { ...QUIET, relocate: 'all' },
  },
  { code: 'BUILD_XSDT_DANGLING', set: () => listed(qemu, 0x7c4f0000n), opts: QUIET },
  {
    code: 'BUILD_XSDT_REPEAT',
    path: 'XSDT.entry[4].address',
    // a second FADT in the gap after the tables
    set: () => listed(qemu, 0x7c430f00n, [{ ...entry(qemu, 'FACP'), address: 0x7c430f00n }]),
    opts: QUIET,
  },
  {
    // the GIC distributor where the Arm FVP has it: not QEMU virt's map, and no SRAT says where RAM is
    code: 'BUILD_RAM_DEFAULTS',
    path: 'memory',
    set: () =>
      edit(qemu, 'APIC', (t) => ({
        ...t,
        items: t.items!.map((s) => (s.fields.type === 0x0c ? { ...s, fields: { ...s.fields, base_address: 0x2c010000n } } : s)),
      })),
    opts: QUIET,
  },
  {
    code: 'BUILD_RAM_SMALL',
    path: 'EFI.memory_map',
    set: () => qemu,
    opts: { ...QUIET, mem: [{ base: 0x40000000n, size: 0x100000n }] },
  },
  { code: 'BUILD_NO_IORT', path: 'IORT', set: () => qemu, opts: { ...QUIET, hideSmmu: true } },
  {
    code: 'BUILD_NO_SMMU',
    path: 'IORT',
    // the two-socket server's IORT without its SMMUs and PMCG: root complexes straight to the ITS groups
    set: noSmmu,
    opts: { ...QUIET, hideSmmu: true },
  },
  {
    code: 'BUILD_IORT_UNROUTED',
    path: 'IORT',
    // the first SMMU sends only stream IDs 0-0x7FFF on to its ITS group
    set: () => edit(host('server-128cpu'), 'IORT', (t) => ({ ...t, items: t.items!.map((n) => (n === smmus(t)[0] ? narrowed(n) : n)) })),
    opts: { ...QUIET, hideSmmu: true },
  },
  {
    code: 'BUILD_IORT_RMR_DROPPED',
    path: 'IORT',
    // an RMR whose stream ID the first SMMU translates: a reserved range the hypervisor must honour
    set: () => edit(host('server-128cpu'), 'IORT', (t) => ({ ...t, items: [...t.items!, rmr(smmus(t)[0].at!)] })),
    opts: { ...QUIET, hideSmmu: true },
  },
  {
    code: 'BUILD_REUSED_CHECKSUM',
    path: 'DSDT.header.checksum',
    set: () =>
      rewrite(qemu, 'DSDT', (b) => {
        b[9] ^= 0x5a;
        return b;
      }),
    opts: { ...QUIET, relocate: 'none' },
  },
];

describe('each build code, from exactly its cause', () => {
  it('the quiet baseline reports nothing', () => {
    expect(buildDom0(qemu, QUIET).warnings).toEqual([]);
  });

  it.each(cases.map((c) => [c.code, c] as const))('%s', (code, c) => {
    const out = buildDom0(c.set(), c.opts);
    expect(out.warnings.map((w) => w.code)).toEqual([code]);
    expect(out.warnings[0].severity).toBe(BUILD_CODES[code].severity);
    if (c.path) expect(out.warnings[0].path).toBe(c.path);
    // the manifest carries it too
    expect((out.manifest.warnings as { code: string }[]).map((w) => w.code)).toEqual([code]);
  });

  it('every catalogued code has a case above', () => {
    expect(cases.map((c) => c.code).sort()).toEqual(Object.keys(BUILD_CODES).sort());
  });
});

describe('the CLI prints them as warning: and note: lines', () => {
  it("QEMU virt's RAM map on a host without an SRAT and with another map: a warning in the summary, the manifest and the JSON", async () => {
    const d = tmp('warn-');
    const input = join(SAMPLES, 'acpi51-gicv3', 'acpidump.txt'); // an FVP-like map: GICD at 0x2C010000
    const r = await cli('build', input, '--skip', 'gtdt', '--bootargs', 'console=hvc0', '-o', join(d, 'out'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^dom0-acpi: warning: the input describes no RAM .* QEMU virt's 0x8000000: .* \[BUILD_RAM_DEFAULTS\]$/m);
    expect(r.out).toMatch(/^ {2}1 warning\(s\), above$/m);
    const manifest = JSON.parse(readFileSync(join(d, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.warnings.map((w: { code: string }) => w.code)).toEqual(['BUILD_RAM_DEFAULTS']);
    const json = await cli('build', input, '--skip', 'gtdt', '--bootargs', 'console=hvc0', '-o', join(d, 'json'), '--format', 'json');
    expect(JSON.parse(json.out).warnings.map((w: { code: string }) => w.code)).toEqual(['BUILD_RAM_DEFAULTS']);
    // QEMU virt itself: its own map, no warning
    const virt = await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '--skip', 'gtdt', '--bootargs', 'console=hvc0', '-o', join(d, 'virt'));
    expect(virt.err).toBe('');
  });

  it('a warning and a note, each on its own line ending in its code, exit 0', async () => {
    const d = tmp('warn-');
    const input = join(d, 'nospcr.txt');
    writeFileSync(input, formatAcpidumpSet(drop(qemu, 'SPCR')));
    const r = await cli('build', input, '-o', join(d, 'out'));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^dom0-acpi: warning: GTDT: EL2 timer GSIV 26 masked to 0: .* \[BUILD_EL2_TIMER_MASKED\]$/m);
    expect(r.err).toMatch(/^dom0-acpi: note: STAO: .* \[BUILD_STAO_UART_ZERO\]$/m);
    const manifest = JSON.parse(readFileSync(join(d, 'out', 'manifest.json'), 'utf8'));
    expect(manifest.warnings.map((w: { code: string }) => w.code).sort()).toEqual(['BUILD_EL2_TIMER_MASKED', 'BUILD_STAO_UART_ZERO']);
  });
});
