import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync, renameSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { findTable, type TableSet } from '../../src/model/tableset.js';
import { buildDom0 } from '../../src/rewrite/build.js';
import { selectPasses } from '../../src/rewrite/pipeline.js';
import { DEFAULTS, type BuildOptions } from '../../src/rewrite/types.js';
import { decodeTable } from '../../src/tables/registry.js';
import { SBSA_MEMORY, MORELLO_MEMORY } from './memory-args.js';
import { BIN, BUILT, cli, CORPUS, HAVE_CORPUS, HAVE_DTC, ROOT, SAMPLES, tmp, offsetIn } from '../helpers.js';
import { checkOutput } from './referees.js';

const sample = (name: string) => join(SAMPLES, name, 'acpidump.txt');
/** the region these tests place explicitly (below QEMU virt's RAM) */
const BASE = 0x38000000n;
const opts = (o: Partial<BuildOptions> = {}): BuildOptions => ({
  profile: 'design',
  base: BASE,
  mem: DEFAULTS.mem,
  staoPaths: [],
  xenVersion: '4.20',
  its: false,
  relocate: 'none',
  skip: [],
  ...o,
});
const host = (p: string): TableSet => readTables(p).set;
const built = (out: ReturnType<typeof buildDom0>, sig: string) => findTable(out.tables, sig)!;

async function build(input: string, ...args: string[]): Promise<string> {
  const dir = join(tmp('build-'), 'out');
  const r = await cli('build', input, '-o', dir, ...args);
  if (r.code !== 0) throw new Error(`build ${input} ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return dir;
}

const SETS: [string, string[]][] = [
  ...readdirSync(SAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => [sample(d.name), []] as [string, string[]]),
  ...(HAVE_CORPUS
    ? ([
        [join(CORPUS, 'qemu-virt-gicv3-smp4/acpidump.txt'), []],
        [join(CORPUS, 'qemu-virt-gicv2-smp4/acpidump.txt'), []],
        [join(CORPUS, 'qemu-virt-gicv3-smp64/acpidump.txt'), []],
        [join(CORPUS, 'xen-4.17-gicv2-dom0v2/host/acpidump.txt'), []],
        [join(CORPUS, 'honeycomb-lx2160a/acpidump.txt'), ['--relocate', 'all']],
        [join(CORPUS, 'qemu-sbsa-ref'), ['--relocate', 'all', ...SBSA_MEMORY]],
        [join(CORPUS, 'morello-fvp'), ['--relocate', 'all', ...MORELLO_MEMORY]],
        [join(CORPUS, 'qemu-virt-gicv3-smp4'), ['--relocate', 'all']], // binaries with an XSDT and an RSDP, no addresses
      ] as [string, string[]][])
    : []),
];

describe('every build output passes the referees', () => {
  const cases = SETS.flatMap(([input, extra]) =>
    (['design', 'xen'] as const).map(
      (p) =>
        [`${input.replace(ROOT + '/', '').replace(CORPUS + '/', 'corpus/')} ${p}`, input, [...extra, '--profile', p, '--bootargs', 'console=hvc0']] as const,
    ),
  );
  it.each(cases)('%s', async (_name, input, args) => {
    const dir = await build(input, ...args);
    const r = checkOutput(dir);
    expect(r.iasl).toEqual({});
    expect(r.iaslFields).toEqual([]);
    expect(r.acpixtract).toEqual([]);
    expect(r.efi).toEqual([]);
    expect(r.coverage).toEqual([]);
    if (HAVE_DTC) {
      expect(r.dtcStderr).toBe('');
      expect(r.dtNodes).toEqual(['/', '/chosen', '/hypervisor', '/hypervisor/uefi']);
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('xen profile against real Xen 4.17 output', () => {
  const X = join(CORPUS, 'xen-4.17-gicv2-dom0v2');
  it("acpi.img equals Xen's page except the two RSDP checksum bytes; dom0.dtb is the same tree (and the same bytes)", async () => {
    const dir = await build(
      join(X, 'host/acpidump.txt'),
      '--profile',
      'xen',
      '--vcpus',
      '2',
      '--base',
      '0xBC2F1000',
      '--mem',
      '0x60000000:0x20000000',
      '--acpi-region',
      '0xBC430000:0x10000',
      '--bootargs',
      'console=hvc0 earlycon=xen loglevel=8 rdinit=/init',
      '--initrd',
      '0x68200000:0xF1018',
      '--xen-version',
      '4.17',
    );
    const ours = readFileSync(join(dir, 'acpi.img'));
    const xen = readFileSync(join(X, 'xen/acpi-page.bin'));
    expect(ours.length).toBe(xen.length);
    const differ = [...ours].map((b, i) => (b !== xen[i] ? i : -1)).filter((i) => i >= 0);
    const rsdpAt = xen.indexOf(Buffer.from('RSD PTR '));
    expect(differ).toEqual([rsdpAt + 8, rsdpAt + 32]);
    // ours: both RSDP checksums hold; Xen's: only the 36-byte one
    const sum = (b: Buffer) => b.reduce((a, x) => a + x, 0) & 0xff;
    expect(sum(ours.subarray(rsdpAt, rsdpAt + 20))).toBe(0);
    expect(sum(ours.subarray(rsdpAt, rsdpAt + 36))).toBe(0);
    expect(readFileSync(join(dir, 'dom0.dtb')).equals(readFileSync(join(X, 'xen/dom0.dtb')))).toBe(true);
    if (HAVE_DTC) {
      const dts = (p: string) => spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', p], { encoding: 'utf8' }).stdout;
      expect(dts(join(dir, 'dom0.dtb'))).toBe(dts(join(X, 'xen/dom0.dtb')));
    }
    // every table dom0 saw is what Xen gave it, but the RSDP (checksums)
    for (const f of readdirSync(join(X, 'xen')).filter((f) => f.endsWith('.dat') && !f.startsWith('efi-') && f !== 'rsdp.dat')) {
      expect(readFileSync(join(dir, 'tables', f)).equals(readFileSync(join(X, 'xen', f))), f).toBe(true);
    }
  });
});

describe('exact bytes of each pass', () => {
  it('xen: the GICC for vCPU 17 (made from host GICC[0], virtual MPIDR Aff1=1 Aff0=1)', () => {
    const out = buildDom0(host(sample('server-128cpu')), opts({ profile: 'xen', vcpus: 24 }));
    const madt = built(out, 'APIC');
    const off = offsetIn(madt.table, 'APIC.gicc[17]');
    expect(Buffer.from(madt.bytes.subarray(off, off + 80)).toString('hex')).toBe(
      '0b50' +
        '0000' +
        '11000000' +
        '11000000' +
        '01000000' +
        '00000000' +
        '00000000' +
        '0000000000000000' +
        '0000000000000000' +
        '0000000000000000' +
        '0000000000000000' +
        '00000000' +
        '0000000000000000' +
        '0101000000000000' +
        '00' +
        '00' +
        '1500',
    );
  });

  it('xen: GICR regions cover the vCPUs (128 KiB each), ITS only with --its', () => {
    const h = host(sample('server-128cpu'));
    const types = (o: ReturnType<typeof buildDom0>) => built(o, 'APIC').table.items!.map((s) => Number(s.fields.type));
    const few = buildDom0(h, opts({ profile: 'xen', vcpus: 4 }));
    expect(types(few).filter((t) => t === 0x0e).length).toBe(1); // 0x1000000 / 0x20000 = 128 redistributors in region 0
    const many = buildDom0(h, opts({ profile: 'xen', vcpus: 128 }));
    expect(types(many).filter((t) => t === 0x0e).length).toBe(1);
    expect(types(many).filter((t) => t === 0x0f).length).toBe(0);
    const its = buildDom0(h, opts({ profile: 'xen', vcpus: 4, its: true }));
    expect(types(its).filter((t) => t === 0x0f).length).toBe(4);
    const gicr = built(many, 'APIC').table.items!.find((s) => s.fields.type === 0x0e)!;
    expect(gicr.fields).toMatchObject({ flags: 0, reserved: 0, base_address: 0x100100140000n, length_region: 0x1000000 });
  });

  it('design: FADT bytes 129-131 (PSCI|HVC, minor) and 268-275 ("XenVMM")', () => {
    const out = buildDom0(host(sample('qemu-virt-gicv3')), opts());
    const b = built(out, 'FACP').bytes;
    expect(Array.from(b.subarray(129, 132))).toEqual([0x03, 0x00, 0x00]);
    expect(Array.from(b.subarray(268, 276))).toEqual([0x58, 0x65, 0x6e, 0x56, 0x4d, 0x4d, 0x00, 0x00]);
    const xen = buildDom0(host(sample('qemu-virt-gicv3')), opts({ profile: 'xen' }));
    expect(Array.from(built(xen, 'FACP').bytes.subarray(268, 276))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('design: the STAO bytes, with names from --stao-path', () => {
    const out = buildDom0(host(sample('qemu-virt-gicv3')), opts({ staoPaths: ['\\_SB.COM0'] }));
    const b = Buffer.from(built(out, 'STAO').bytes);
    expect(b.length).toBe(47);
    expect(b.subarray(0, 8).toString('latin1')).toBe('STAO/\0\0\0');
    expect(b[8]).toBe(1);
    expect(b.subarray(10, 36).toString('latin1')).toBe('DOM0ACVIRTGIC3\x01\0\0\0D0AC\x21\x11\x26\x20');
    expect(Array.from(b.subarray(36))).toEqual([1, ...Buffer.from('\\_SB.COM0\0', 'latin1')]);
    expect(b.reduce((a, x) => a + x, 0) & 0xff).toBe(0);
    const xen = buildDom0(host(sample('qemu-virt-gicv3')), opts({ profile: 'xen', staoPaths: ['\\_SB.COM0'] }));
    expect(built(xen, 'STAO').bytes.length).toBe(37);
  });

  it('design: GTDT EL2 timer masked (bytes 72-79), the virtual EL2 timer too on rev 3; xen: GTDT reused', () => {
    const out = buildDom0(host(sample('server-128cpu')), opts());
    const g = built(out, 'GTDT');
    expect(Array.from(g.bytes.subarray(72, 80))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(g.bytes.subarray(96, 104))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(out.warnings.map((w) => w.code)).toContain('BUILD_EL2_TIMER_MASKED');
    const xen = buildDom0(host(sample('server-128cpu')), opts({ profile: 'xen' }));
    expect(xen.origins.get(built(xen, 'GTDT'))).toBe('reused');
  });

  it('design: the first N enabled GICCs with vCPU MPIDRs, what dom0 cannot use cleared; GICD/GICR/ITS kept', () => {
    const h = host(sample('server-128cpu'));
    const out = buildDom0(h, opts({ vcpus: 20 }));
    const items = built(out, 'APIC').table.items!;
    const hostGiccs = findTable(h, 'APIC')!.table.items!.filter((s) => s.fields.type === 0x0b);
    const giccs = items.filter((s) => s.fields.type === 0x0b);
    expect(giccs).toEqual(
      hostGiccs.slice(0, 20).map((g, i) => ({
        ...g,
        fields: {
          ...g.fields,
          arm_mpidr: BigInt((i & 0xf) | ((i >> 4) << 8)),
          parking_version: 0,
          parked_address: 0n,
          gicv_base_address: 0n,
          gich_base_address: 0n,
          vgic_interrupt: 0,
          gicr_base_address: 0n,
        },
      })),
    );
    // kept as the host had them: UID (PPTT/SRAT/DSDT processors still match), flags, PMU, SPE, efficiency class
    expect(giccs.map((g) => [g.fields.uid, g.fields.flags, g.fields.performance_interrupt, g.fields.spe_interrupt])).toEqual(
      hostGiccs.slice(0, 20).map((g) => [g.fields.uid, g.fields.flags, 23, 21]),
    );
    expect(items.map((s) => Number(s.fields.type))).toEqual([0x0c, ...Array(20).fill(0x0b), 0x0e, 0x0e, 0x0f, 0x0f, 0x0f, 0x0f]);
    // exact bytes of GICC 17: MPIDR Aff1 = 1, Aff0 = 1 at offset 68
    const { bytes: b, table: m } = built(out, 'APIC');
    const at = (f: string) => offsetIn(m, `APIC.gicc[17].${f}`);
    expect(Buffer.from(b.subarray(at('arm_mpidr'), at('arm_mpidr') + 8)).readBigUInt64LE()).toBe(0x101n);
    expect(Array.from(b.subarray(at('parking_version'), at('parking_version') + 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(b.subarray(at('parked_address'), at('parked_address') + 8))).toEqual(Array(8).fill(0));
    expect(out.warnings.map((w) => w.code)).not.toContain('BUILD_MPIDR_NOT_VIRTUAL');
  });

  it('design on GICv2: GICV/GICH bases and the VGIC maintenance interrupt cleared, the CPU-interface base kept', () => {
    const out = buildDom0(host(sample('gicv2-8cpu')), opts());
    const giccs = built(out, 'APIC').table.items!.filter((s) => s.fields.type === 0x0b);
    expect(giccs).toHaveLength(8);
    for (const g of giccs) expect(g.fields).toMatchObject({ base_address: 0x08010000n, gicv_base_address: 0n, gich_base_address: 0n, vgic_interrupt: 0 });
    expect(built(out, 'APIC').table.items!.filter((s) => s.fields.type === 0x0d)).toHaveLength(1); // the MSI frame
  });

  it('ACPI 5.1 host: design grows the FADT to 276 bytes rev 6 with 80-byte GICCs; xen keeps 268 bytes and 76-byte GICCs', () => {
    const h = host(sample('acpi51-gicv3'));
    const d = buildDom0(h, opts());
    const fd = built(d, 'FACP');
    expect(fd.bytes.length).toBe(276);
    expect(fd.bytes[8]).toBe(6);
    expect(fd.bytes[131]).toBe(0);
    expect(
      built(d, 'APIC')
        .table.items!.filter((s) => s.fields.type === 0x0b)
        .every((s) => s.fields.length === 80),
    ).toBe(true);
    const x = buildDom0(h, opts({ profile: 'xen' }));
    const fx = built(x, 'FACP');
    expect(fx.bytes.length).toBe(268);
    expect([fx.bytes[8], fx.bytes[131]]).toEqual([5, 1]);
    expect(
      built(x, 'APIC')
        .table.items!.filter((s) => s.fields.type === 0x0b)
        .every((s) => s.fields.length === 76),
    ).toBe(true);
  });

  it('xsdt: FACP and APIC (and GTDT in design) replaced in place, STAO appended; rsdp: both checksums', () => {
    const h = host(sample('qemu-virt-gicv3'));
    for (const [profile, replaced] of [
      ['design', ['FACP', 'APIC', 'GTDT']],
      ['xen', ['FACP', 'APIC']],
    ] as const) {
      const out = buildDom0(h, opts({ profile }));
      const x = built(out, 'XSDT');
      const addrs = x.table.items!.map((i) => i.fields.address as bigint);
      const sigAt = (a: bigint) => [...(out.tables.rsdp ? [out.tables.rsdp] : []), ...out.tables.tables].find((e) => e.address === a)?.table.signature;
      expect(addrs.map(sigAt)).toEqual(['FACP', 'APIC', 'GTDT', 'SPCR', 'STAO']);
      for (const s of replaced) expect(built(out, s).address! >= BASE).toBe(true);
      expect(built(out, 'SPCR').address).toBe(findTable(h, 'SPCR')!.address);
      const r = built(out, 'RSDP').bytes;
      expect(r.subarray(0, 20).reduce((a, v) => a + v, 0) & 0xff).toBe(0);
      expect(r.reduce((a, v) => a + v, 0) & 0xff).toBe(0);
      expect(Buffer.from(r).readBigUInt64LE(24)).toBe(x.address);
    }
  });

  it('EFI memory map: RAM banks, then host ACPI regions, then the new region, all WB', () => {
    const out = buildDom0(
      host(sample('qemu-virt-gicv3')),
      opts({
        mem: [
          { base: 0x40000000n, size: 0x10000000n },
          { base: 0x80000000n, size: 0x1000000n },
        ],
      }),
    );
    const m = out.manifest.efi as { memory_map: { entries: { type: string; start: string; pages: number; attribute: string }[] } };
    expect(m.memory_map.entries).toEqual([
      { type: 'Conventional', start: '0x40000000', pages: 0x10000, attribute: '0x8' },
      { type: 'Conventional', start: '0x80000000', pages: 0x1000, attribute: '0x8' },
      { type: 'ACPIReclaim', start: '0x7C430000', pages: 1, attribute: '0x8' },
      { type: 'ACPIReclaim', start: '0x38000000', pages: 1, attribute: '0x8' },
    ]);
  });
});

describe('refusals: what cannot work is refused with a clear message', () => {
  const S = sample('qemu-virt-gicv3');
  const refused = async (input: string, args: string[], msg: RegExp) => {
    const dir = join(tmp('refuse-'), 'out');
    const r = await cli('build', input, '-o', dir, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(dir)).toBe(false);
  };
  it('vCPUs: 0, above the host for design, above 128 for xen, above 8 on GICv2', async () => {
    await refused(S, ['--vcpus', '0'], /--vcpus 0: dom0 needs at least one vCPU/);
    await refused(S, ['--vcpus', '5'], /--vcpus 5 is above 4 \(the host has 4 enabled GICC entries/);
    await refused(sample('server-128cpu'), ['--vcpus', '129'], /--vcpus 129 is above 128 \(Xen's MAX_VIRT_CPUS on arm64\)/);
    await refused(sample('gicv2-8cpu'), ['--vcpus', '9'], /--vcpus 9 is above 8 \(GICv2 has 8 CPU interfaces\)/);
    await refused(S, ['--vcpus', '129', '--profile', 'xen'], /--vcpus 129 is above 128/);
    await refused(sample('gicv2-8cpu'), ['--vcpus', '9', '--profile', 'xen'], /--vcpus 9 is above 8 \(GICv2 has 8 CPU interfaces\)/);
    expect((await cli('build', S, '-o', join(tmp(), 'o'), '--vcpus', '16', '--profile', 'xen')).code).toBe(0); // more than the host: Xen allows it
  });
  it('regions that overlap', async () => {
    await refused(S, ['--base', '0x7C430000'], /the new region 0x7C430000-0x7C431000 \(--base\) overlaps the host (DSDT|SPCR)/);
    await refused(S, ['--base', '0x40000000', '--mem', '0x40000000:0x20000000'], /overlaps the --mem bank 0x40000000-0x60000000/);
    // a region given inside derived or default RAM is carved out of it instead
    expect((await cli('build', S, '-o', join(tmp(), 'o'), '--base', '0x40000000')).code).toBe(0);
    await refused(S, ['--mem', '0x7C000000:0x1000000'], /the --mem bank 0x7C000000-0x7D000000 overlaps the host ACPI region 0x7C430000-0x7C431000/);
    await refused(S, ['--acpi-region', '0x10000000:0x1000'], /the host DSDT at .* is not inside any --acpi-region/);
    await refused(S, ['--mem', '0x40000800:0x1000'], /error: --mem: 0x40000800:0x1000 must be 4 KiB aligned in base and size/);
  });
  it('inputs that lack what a dom0 needs', async () => {
    const bins = join(tmp('bins-'), 'b');
    expect((await cli('convert', S, '--to', 'binaries', '-o', bins)).code).toBe(0);
    await refused(bins, [], /no host address for RSDP, APIC, DSDT, FACP, GTDT, SPCR, XSDT \(folders of binary tables carry none\).*--relocate all/);
    // acpidump text whose headers give no address: the message says so, and does not ask for acpidump text
    const zero = join(tmp('zero-'), 'zero.txt');
    writeFileSync(zero, readFileSync(S, 'latin1').replace(/@ 0x[0-9A-Fa-f]+/g, '@ 0x0000000000000000'));
    await refused(
      zero,
      [],
      /\(its acpidump text gives them as 0 or not at all\): .*give acpidump text with the addresses \(as acpidump prints them\) or a memory image, or --relocate all/,
    );
    const d = tmp('nofadt-');
    spawnSync('cp', [join(ROOT, 'samples/qemu-virt-gicv3/acpidump.txt'), join(d, 'x.txt')]);
    const text = readFileSync(join(d, 'x.txt'), 'latin1').replace(/FACP @[^]*?\n\n/, '');
    const p = join(d, 'nofacp.txt');
    await import('node:fs').then((fs) => fs.writeFileSync(p, text));
    await refused(p, ['--relocate', 'all'], /no FADT \(FACP\) in the input/);
    await refused(S, ['--skip', 'bogus'], /unknown pass "bogus"/);
    await refused(S, ['--skip', 'efi'], /the dt pass needs the efi pass/);
  });
  it('no GICD, and GICv2 CPU-interface bases that differ (library)', () => {
    const h = host(sample('gicv2-8cpu'));
    const madt = findTable(h, 'APIC')!;
    const noGicd = {
      ...h,
      tables: h.tables.map((e) => (e === madt ? { ...e, table: { ...e.table, items: e.table.items!.filter((s) => s.fields.type !== 0x0c) } } : e)),
    };
    expect(() => buildDom0(noGicd, opts())).toThrow(/no GICD/);
    const items = madt.table.items!.map((s, i) => (i === 3 ? { ...s, fields: { ...s.fields, base_address: 0x09990000n } } : s));
    const differ = { ...h, tables: h.tables.map((e) => (e === madt ? { ...e, table: { ...e.table, items } } : e)) };
    expect(() => buildDom0(differ, opts())).toThrow(/GICv2 GICCs carry different CPU-interface base addresses \(0x8010000, 0x9990000\)/);
  });
});

describe('outputs', () => {
  const files = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string, rel: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p, `${rel}${f}/`);
        else out[rel + f] = readFileSync(p).toString('hex');
      }
    };
    walk(dir, '');
    return out;
  };

  it('are byte-identical for identical inputs, and the input is never modified', async () => {
    const before = readFileSync(sample('server-128cpu'));
    const a = await build(sample('server-128cpu'), '--bootargs', 'console=hvc0', '--stao-path', '\\_SB.COM0');
    const b = await build(sample('server-128cpu'), '--bootargs', 'console=hvc0', '--stao-path', '\\_SB.COM0');
    expect(files(a)).toEqual(files(b));
    expect(Object.keys(files(a)).sort()).toEqual([
      '.dom0-acpi-files.json',
      'acpi.img',
      'acpidump.txt',
      'dom0.dtb',
      'manifest.json',
      'report.html',
      ...['apic', 'dbg2', 'dsdt', 'facp', 'gtdt', 'hest', 'iort', 'mcfg', 'pcct', 'pptt', 'rsdp', 'slit', 'spcr', 'srat', 'stao', 'xsdt'].map(
        (t) => `tables/${t}.dat`,
      ),
    ]);
    expect(readFileSync(sample('server-128cpu')).equals(before)).toBe(true);
  });

  it('the output folder reads back as an input with its addresses', async () => {
    const dir = await build(sample('qemu-virt-gicv3'));
    const { set, findings } = readTables(dir);
    expect(findings).toEqual([]);
    expect(set.kind).toBe('build');
    expect(set.rsdp!.address).toBe(0x5ffff398n);
    expect(findTable(set, 'DSDT')!.address).toBe(0x7c430100n);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.changes.map((c: { pass: string }) => c.pass)).toEqual(selectPasses({ profile: 'design', skip: [] }));
    expect(m.changes[0].changes).toContainEqual({ path: 'FACP.arm_boot_flags.psci_use_hvc', kind: 'changed', old: 0, new: 1 });
    expect(m.changes[0].changes).toContainEqual({
      path: 'FACP.hypervisor_id',
      kind: 'changed',
      old: '0x0',
      new: '0x4D4D566E6558',
      text: { old: '0x0', new: '"XenVMM"' },
    });
    expect(decodeTable(readFileSync(join(dir, 'tables/facp.dat'))).table!.faults).toBeUndefined();
  });

  it('refuses a non-empty output folder without --force', async () => {
    const dir = await build(sample('qemu-virt-gicv3'));
    const r = await cli('build', sample('qemu-virt-gicv3'), '-o', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exists and is not empty \(--force replaces a previous output of dom0-acpi\)/);
    expect((await cli('build', sample('qemu-virt-gicv3'), '-o', dir, '--force')).code).toBe(0);
  });

  it.skipIf(!BUILT)('killing a build mid-run leaves no output folder, or a complete one', async () => {
    for (const delay of [5, 30, 60, 90, 120, 160, 220, 300]) {
      const parent = tmp('kill-');
      const dir = join(parent, 'out');
      const child = spawn(process.execPath, [BIN, 'build', sample('server-128cpu'), '-o', dir], { stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await closed;
      if (existsSync(dir))
        expect(readdirSync(dir).sort()).toEqual(['.dom0-acpi-files.json', 'acpi.img', 'acpidump.txt', 'dom0.dtb', 'manifest.json', 'report.html', 'tables']);
      expect(readdirSync(parent).filter((f) => !f.startsWith('.'))).toEqual(existsSync(dir) ? ['out'] : []);
    }
  });
});

describe('cross-table invariants the passes enforce', () => {
  it('X3: a second FACP or APIC entry in the host XSDT is dropped, with a warning', () => {
    const h = host(sample('qemu-virt-gicv3'));
    const fadt = findTable(h, 'FACP')!;
    const xsdt = findTable(h, 'XSDT')!;
    const second = { ...fadt, address: 0x7c430f00n }; // a second FADT in the gap after the tables
    const items = [...xsdt.table.items!, { fields: { address: 0x7c430f00n }, tail: xsdt.table.tail }];
    const twice: TableSet = { ...h, tables: [...h.tables.map((e) => (e === xsdt ? { ...e, table: { ...e.table, items } } : e)), second] };
    const out = buildDom0(twice, opts());
    const x = built(out, 'XSDT');
    const sigs = x.table.items!.map((i) => [...out.tables.tables].find((e) => e.address === i.fields.address)?.table.signature);
    expect(sigs).toEqual(['FACP', 'APIC', 'GTDT', 'SPCR', 'STAO']);
    expect(out.warnings.map((w) => w.code)).toContain('BUILD_XSDT_REPEAT');
    // the repeat is left out of the set too: dom0's tables/ and acpidump.txt hold one FADT
    expect(out.tables.tables.filter((e) => e.table.signature === 'FACP').length).toBe(1);
  });

  it('two MADTs in a folder of binary tables: refused naming both files; --exclude picks one', async () => {
    const d = tmp('twomadt-');
    const bins = join(d, 'qcom');
    expect((await cli('convert', sample('qemu-virt-gicv3'), '--to', 'binaries', '-o', bins)).code).toBe(0);
    renameSync(join(bins, 'apic.dat'), join(bins, 'APIC.aml'));
    copyFileSync(join(bins, 'APIC.aml'), join(bins, 'APIC.4Cores.aml'));
    const r = await cli('build', bins, '-o', join(d, 'out'), '--relocate', 'all');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `dom0-acpi: error: ${bins}: the input holds 2 APIC tables (${join(bins, 'APIC.4Cores.aml')}, ${join(bins, 'APIC.aml')}) and no XSDT entry picks one: dom0 must see one APIC; leave the others out with --exclude FILE\n`,
    );
    expect(existsSync(join(d, 'out'))).toBe(false);
    const ok = await cli('build', bins, '-o', join(d, 'out'), '--relocate', 'all', '--exclude', 'APIC.4Cores.aml');
    expect(ok.code).toBe(0);
    expect(readdirSync(join(d, 'out', 'tables')).filter((f) => f.startsWith('apic'))).toEqual(['apic.dat']);
    const check = await cli('check', '--dom0', join(d, 'out'));
    expect(check.out).not.toMatch(/DUPLICATE_TABLE/);
    expect(check.code).toBe(0);
    // a typo in --exclude is an error, not a silent no-op
    const typo = await cli('build', bins, '-o', join(d, 'out2'), '--relocate', 'all', '--exclude', 'APIC.4cores.aml');
    expect(typo.err).toMatch(/--exclude APIC\.4cores\.aml: no such file in this folder/);
    expect(typo.code).toBe(2);
  });

  it('a second MADT the XSDT does not list is left out of the dom0 set, with a warning', () => {
    const h = host(sample('qemu-virt-gicv3'));
    const apic = findTable(h, 'APIC')!;
    const twice: TableSet = { ...h, tables: [...h.tables, { ...apic, address: 0x7c430f00n, source: 'apic-4cores' }] };
    const out = buildDom0(twice, opts());
    expect(out.tables.tables.filter((e) => e.table.signature === 'APIC').length).toBe(1);
    expect(out.warnings.find((w) => w.code === 'BUILD_XSDT_REPEAT')?.message).toMatch(/APIC#1: the XSDT does not list it but lists another APIC/);
  });

  it('X1/X2: the GICC length always matches the output FADT revision, whatever the host had', () => {
    const h = host(sample('acpi51-gicv3'));
    for (const profile of ['design', 'xen'] as const) {
      for (const skip of [[], ['fadt']]) {
        const out = buildDom0(h, opts({ profile, skip, vcpus: 2 }));
        const rev = built(out, 'FACP').bytes[8];
        const lens = new Set(
          built(out, 'APIC')
            .table.items!.filter((s) => s.fields.type === 0x0b)
            .map((s) => s.fields.length),
        );
        expect([...lens]).toEqual([rev >= 6 ? 80 : 76]);
        expect(built(out, 'FACP').bytes.length).toBe(rev >= 6 ? 276 : 268);
      }
    }
  });
});

describe('warnings for what works but costs something', () => {
  it('--host-mpidrs keeps host MPIDRs: warned when they are not the vCPU MPIDRs Xen gives dom0', () => {
    const server = buildDom0(host(sample('server-128cpu')), opts({ vcpus: 4, hostMpidrs: true }));
    expect(server.warnings.find((w) => w.code === 'BUILD_MPIDR_NOT_VIRTUAL')).toMatchObject({ path: 'APIC.gicc[1].arm_mpidr' });
    expect(
      built(server, 'APIC')
        .table.items!.filter((s) => s.fields.type === 0x0b)
        .map((g) => g.fields.arm_mpidr),
    ).toEqual([0n, 0x100n, 0x200n, 0x300n]);
    const qemu = buildDom0(host(sample('qemu-virt-gicv3')), opts({ hostMpidrs: true }));
    expect(qemu.warnings.map((w) => w.code)).not.toContain('BUILD_MPIDR_NOT_VIRTUAL');
    expect(qemu.warnings.map((w) => w.code)).toEqual(['BUILD_EL2_TIMER_MASKED', 'BUILD_NO_HVC_CONSOLE']);
    expect(() => buildDom0(host(sample('qemu-virt-gicv3')), opts({ hostMpidrs: true, profile: 'xen' }))).toThrow(/--host-mpidrs is for the design profile/);
  });
});

describe('library API', () => {
  it('runPasses(set, passes) runs just those passes; the change log names them', async () => {
    const { runPasses } = await import('../../src/rewrite/pipeline.js');
    const r = runPasses(host(sample('qemu-virt-gicv3')), ['fadt', 'stao', 'xsdt', 'rsdp']);
    expect(r.passes).toEqual(['fadt', 'stao', 'xsdt', 'rsdp']);
    expect(r.log.map((l) => l.pass)).toEqual(['fadt', 'stao', 'xsdt', 'rsdp']);
    expect(
      r.set.tables
        .filter((t) => t.origin === 'new')
        .map((t) => t.id)
        .sort(),
    ).toEqual(['FACP', 'RSDP', 'STAO', 'XSDT']);
    expect(r.dtb).toBeUndefined();
  });
});
