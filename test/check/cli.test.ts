import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, readdirSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { checkTables } from '../../src/check/index.js';
import { diffTables } from '../../src/diff/set.js';
import { checksumOf } from '../../src/layout/codec.js';
import { writeImage } from '../../src/io/image.js';
import { writeElfCore } from '../../src/io/elf.js';
import { cli, corpusBlobs, sampleBlobs, CORPUS, HAVE_CORPUS, HAVE_IASL, SAMPLES, tmp } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

describe('check on the samples and the corpus', () => {
  it('every sample and corpus input is clean, but for the findings listed here with their reason', async () => {
    const inputs = [
      ...readdirSync(SAMPLES, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(SAMPLES, d.name, 'acpidump.txt')),
    ];
    if (HAVE_CORPUS) {
      for (const d of readdirSync(CORPUS, { withFileTypes: true }).filter((x) => x.isDirectory())) {
        const text = join(CORPUS, d.name, 'acpidump.txt');
        inputs.push(existsSync(text) ? text : existsSync(join(CORPUS, d.name, 'host')) ? join(CORPUS, d.name, 'host', 'acpidump.txt') : join(CORPUS, d.name));
      }
    }
    // QEMU 7.2 writes IORT ID counts one too large (QEMU 8.0 fixed it): the root complex's two
    // mappings both claim input ID 0x100, and Linux applies its off-by-one workaround (a warning)
    // QEMU's DBG2 names its UART "COM0", a relative name where the DBG2 specification wants the
    // full path (\_SB.COM0): spec-only, no consumer reads it
    const DBG2 = 'AML_DBG2_NAMEPATH DBG2.device[0].namepath';
    const KNOWN: Record<string, string[]> = {
      'qemu-virt-gicv3-ras-smmuv3-smp4': [DBG2, 'IORT_ID_OVERLAP_END IORT.root_complex[0].mapping[1].input_base'],
      'qemu-virt-gicv2-smp4': [DBG2],
      'qemu-virt-gicv3-numa3-hmat-smp6': [DBG2],
      'qemu-virt-gicv3-smp4': [DBG2],
      'qemu-virt-gicv3-smp64': [DBG2],
      'xen-4.17-gicv2-dom0v2': [DBG2],
    };
    const r = await cli('check', '--json', ...inputs);
    expect(r.err).toBe('');
    const reports = JSON.parse(r.out).inputs as { input: string; findings: { code: string; path: string }[] }[];
    expect(reports).toHaveLength(inputs.length);
    for (const rep of reports) {
      const name = Object.keys(KNOWN).find((k) => rep.input.includes(k));
      expect(
        rep.findings.map((f) => `${f.code} ${f.path}`),
        rep.input,
      ).toEqual(name ? KNOWN[name] : []);
    }
  });

  it.skipIf(!HAVE_IASL)('finds every bad checksum iasl complains about, and only those', () => {
    const dir = tmp('cksum-');
    const blobs = [...corpusBlobs(), ...sampleBlobs()].filter(
      (b) => b.bytes.length >= 36 && Buffer.from(b.bytes.subarray(0, 8)).toString('latin1') !== 'RSD PTR ',
    );
    let bad = 0;
    blobs.forEach((b, i) => {
      const x = Buffer.from(b.bytes);
      if (i % 2 === 0) {
        x[9] = (x[9] + 1 + (i % 200)) & 0xff; // every other table gets a wrong checksum
        bad++;
      }
      const sub = join(dir, `t${i}`);
      mkdirSync(sub);
      writeFileSync(join(sub, 't.dat'), x);
      const iasl = spawnSync('iasl', ['-d', 't.dat'], { cwd: sub, encoding: 'utf8' });
      const iaslSays = /Incorrect checksum/i.test(`${iasl.stdout}${iasl.stderr}${readFileSync(join(sub, 't.dsl'), 'utf8')}`);
      const ours = checkTables(readTables(join(sub, 't.dat')).set).some((f) => f.code === 'CHECKSUM');
      expect([b.name, ours]).toEqual([b.name, iaslSays]);
      expect(ours).toBe(i % 2 === 0 && checksumOf(x, x.length, -1) !== 0);
    });
    expect(bad).toBeGreaterThan(HAVE_CORPUS ? 40 : 10);
  });
});

describe('check --fix', () => {
  it("writes corrected checksums in the input's form; the output passes check (and iasl); the input is unchanged", async () => {
    const d = tmp('fix-');
    // a binary folder with two broken tables and a broken RSDP
    const bin = join(d, 'bin');
    expect((await cli('convert', SAMPLE, '--to', 'binaries', '-o', bin)).code).toBe(0);
    for (const f of ['apic.dat', 'xsdt.dat']) {
      const b = readFileSync(join(bin, f));
      b[9] ^= 0x33;
      writeFileSync(join(bin, f), b);
    }
    const r = readFileSync(join(bin, 'rsdp.dat'));
    r[8] ^= 1;
    writeFileSync(join(bin, 'rsdp.dat'), r);
    const before = Object.fromEntries(readdirSync(bin).map((f) => [f, readFileSync(join(bin, f)).toString('hex')]));
    // checksums are warnings (every consumer only warns): --fail-on warning makes them fail
    const broken = await cli('check', bin, '--fail-on', 'warning');
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/CHECKSUM.*APIC/);
    expect(broken.out).toMatch(/RSDP_CHECKSUM/);
    expect(broken.out).toMatch(/RSDP_EXT_CHECKSUM/);
    const out = join(d, 'fixed');
    const fixed = await cli('check', bin, '--fix', '-o', out, '--fail-on', 'warning');
    expect(fixed.code).toBe(1); // the findings were in the input
    expect(fixed.err).toMatch(/--fix: 3 checksum\(s\) corrected \(RSDP, APIC, XSDT\)/);
    expect(readdirSync(out).sort()).toEqual([...new Set(['.dom0-acpi-files.json', ...readdirSync(bin)])].sort());
    expect(Object.fromEntries(readdirSync(bin).map((f) => [f, readFileSync(join(bin, f)).toString('hex')]))).toEqual(before);
    const again = await cli('check', out);
    expect(again.code).toBe(0);
    if (HAVE_IASL) {
      for (const f of readdirSync(out).filter((x) => x.endsWith('.dat') && x !== 'rsdp.dat')) {
        const w = tmp('fixiasl-');
        copyFileSync(join(out, f), join(w, 't.dat'));
        const iasl = spawnSync('iasl', ['-d', 't.dat'], { cwd: w, encoding: 'utf8' });
        expect(`${iasl.stdout}${readFileSync(join(w, 't.dsl'), 'utf8')}`).not.toMatch(/Incorrect checksum/i);
      }
    }
  });

  it('acpidump text in, acpidump text out; refuses an existing output and in-place use', async () => {
    const d = tmp('fixtxt-');
    const txt = join(d, 'in.txt');
    writeFileSync(
      txt,
      readFileSync(SAMPLE, 'latin1').replace(
        /(FACP @[^\n]*\n    0000: 46 41 43 50 14 01 00 00 06 )([0-9A-F]{2})/,
        (_m, a, b) => `${a}${((parseInt(b, 16) + 1) & 0xff).toString(16).toUpperCase().padStart(2, '0')}`,
      ),
    );
    expect((await cli('check', txt, '--fail-on', 'warning')).code).toBe(1);
    const out = join(d, 'out.txt');
    expect((await cli('check', txt, '--fix', '-o', out, '--fail-on', 'warning')).code).toBe(1);
    expect((await cli('check', out)).code).toBe(0);
    expect(readFileSync(out, 'latin1')).toBe(readFileSync(SAMPLE, 'latin1'));
    expect((await cli('check', txt, '--fix', '-o', out)).code).toBe(2);
    expect((await cli('check', txt, '--fix')).code).toBe(2);
    expect((await cli('check', txt, txt, '--fix', '-o', join(d, 'x'))).code).toBe(2);
  });
});

describe('check output formats and exit codes', () => {
  const broken = () => {
    const d = tmp('fmt-');
    const p = join(d, 'broken.txt');
    writeFileSync(p, readFileSync(SAMPLE, 'latin1').replace(/(GTDT @[^\n]*\n    0000: 47 54 44 54 60 00 00 00 02 )([0-9A-F]{2})/, '$1FF'));
    return p;
  };

  it('exit 0 clean, 1 at or above --fail-on, 2 trouble', async () => {
    expect((await cli('check', SAMPLE)).code).toBe(0);
    expect((await cli('check', broken())).code).toBe(0); // a checksum is a warning: every consumer only warns
    expect((await cli('check', broken(), '--fail-on', 'warning')).code).toBe(1);
    expect((await cli('check', SAMPLE, '--dom0')).code).toBe(0); // info only: PSCI conduit SMC, which the build fixes
    expect((await cli('check', SAMPLE, '--dom0', '--fail-on', 'warning')).code).toBe(0);
    expect((await cli('check', SAMPLE, '--dom0', '--fail-on', 'info')).code).toBe(1);
    expect((await cli('check', '/no/such/input')).code).toBe(2);
    expect((await cli('check', SAMPLE, '--format', 'xml')).code).toBe(2);
  });

  it('--json lists every finding with code, severity, path and offset', async () => {
    const r = await cli('check', broken(), SAMPLE, '--json', '--fail-on', 'warning');
    const j = JSON.parse(r.out);
    expect(j.inputs).toHaveLength(2);
    expect(j.inputs[0].failed).toBe(true);
    expect(j.inputs[0].findings).toEqual([
      expect.objectContaining({ code: 'CHECKSUM', severity: 'warning', table: 'GTDT', path: 'GTDT.header.checksum', offset: 9 }),
    ]);
    // each finding carries its consumers: who reads those bytes and what each does
    expect(j.inputs[0].findings[0].consumers).toContainEqual(expect.objectContaining({ who: 'ACPICA', effect: 'fw-bug-logged' }));
    expect(j.inputs[1]).toMatchObject({ failed: false, findings: [] });
  });

  it('--format junit: testsuites > testsuite per input > testcase per table > failure', async () => {
    const r = await cli('check', broken(), SAMPLE, '--format', 'junit', '--dom0', '--fail-on', 'warning');
    const doc = parseXml(r.out);
    expect(doc.name).toBe('testsuites');
    expect(doc.children.map((c) => c.name)).toEqual(['testsuite', 'testsuite']);
    let failures = 0;
    for (const suite of doc.children) {
      expect(Object.keys(suite.attrs).sort()).toEqual(['errors', 'failures', 'name', 'skipped', 'tests']);
      expect(Number(suite.attrs.tests)).toBe(suite.children.length);
      expect(suite.children.every((c) => c.name === 'testcase' && c.attrs.classname && c.attrs.name)).toBe(true);
      const failing = suite.children.filter((c) => c.children.some((x) => x.name === 'failure'));
      expect(Number(suite.attrs.failures)).toBe(failing.length);
      failures += failing.length;
      for (const c of suite.children) for (const x of c.children) expect(['failure', 'system-out']).toContain(x.name);
    }
    expect(doc.children[0].children.map((c) => c.attrs.name)).toEqual(['RSDP', 'DSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'XSDT']);
    expect(Number(doc.attrs.failures)).toBe(failures);
    expect(failures).toBe(1);
    const f = doc.children[0].children[4].children[0];
    expect(f.attrs).toMatchObject({ type: 'CHECKSUM' });
  });

  it('--format github: workflow commands', async () => {
    const r = await cli('check', broken(), '--format', 'github', '--dom0');
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice) file=[^,:]+(,line=\d+)?,title=[^:,]+::[^\r\n]+$/);
    expect(lines[0]).toMatch(
      /^::warning file=.*broken\.txt,line=\d+,title=CHECKSUM GTDT::GTDT offset 0x9 \[GTDT\.header\.checksum\]: checksum 0xFF should be 0x[0-9A-F]{2}$/,
    );
    expect(lines[1]).toMatch(/^::notice .*title=DOM0_PSCI_HVC FACP::.*the build fixes this/);
  });

  it('text on a TTY is coloured unless NO_COLOR', async () => {
    const { run } = await import('../../cli/run.js');
    let out = '';
    await run(['check', broken()], { out: (s) => void (out += s), err: () => {}, tty: true });
    expect(out).toContain('\x1b[33mwarning\x1b[0m');
    process.env.NO_COLOR = '1';
    out = '';
    await run(['check', broken()], { out: (s) => void (out += s), err: () => {}, tty: true });
    delete process.env.NO_COLOR;
    expect(out).not.toContain('\x1b[');
  });
});

describe('diff', () => {
  it("a sample against its own build output lists exactly the passes' change logs", async () => {
    for (const [sample, args] of [
      ['qemu-virt-gicv3', []],
      ['server-128cpu', ['--vcpus', '3']],
      ['server-128cpu', ['--profile', 'xen', '--vcpus', '20']],
      ['acpi51-gicv3', []],
      ['gicv2-8cpu', ['--profile', 'xen', '--vcpus', '2']],
    ] as const) {
      const out = join(tmp('diffbuild-'), 'out');
      expect((await cli('build', join(SAMPLES, sample, 'acpidump.txt'), '-o', out, ...args)).code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      const logged = manifest.changes.flatMap((p: { changes: { path: string }[] }) => p.changes).filter((c: { path: string }) => !/^(EFI|DT)\./.test(c.path));
      const r = await cli('diff', join(SAMPLES, sample, 'acpidump.txt'), out, '--json');
      expect(r.code).toBe(1);
      const diffed = JSON.parse(r.out).changes;
      const norm = (cs: object[]) => cs.map((c) => JSON.stringify(c)).sort();
      expect(norm(diffed)).toEqual(norm(logged));
    }
  });

  it("--relocate all: each table's move is logged once, by the step that moves it (not again by each pass after)", async () => {
    const out = join(tmp('moves-'), 'out');
    expect((await cli('build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--relocate', 'all')).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const moves = manifest.changes.flatMap((p: { pass: string; changes: { path: string }[] }) =>
      p.changes.filter((c) => c.path.endsWith('.@address')).map((c) => `${p.pass} ${c.path}`),
    );
    expect(moves.sort()).toEqual(['RSDP', 'DSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'XSDT'].map((s) => `relocate ${s}.@address`).sort());
  });

  it('a trim shows as removed CPUs by UID (unique on both sides), not shifted fields', () => {
    const out = join(tmp('trim-'), 'o');
    return cli('build', join(SAMPLES, 'server-128cpu', 'acpidump.txt'), '-o', out, '--vcpus', '2', '--host-mpidrs').then(() => {
      const changes = diffTables(readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set, readTables(out).set, {
        tables: ['APIC'],
        ignore: ['derived', 'addresses'],
      });
      // the VGIC maintenance interrupt is Xen's, so the kept GICCs lose it
      expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
        'changed APIC.gicc[uid=0x0].vgic_interrupt',
        'changed APIC.gicc[uid=0x1].vgic_interrupt',
        ...Array.from({ length: 126 }, (_, i) => `removed APIC.gicc[uid=0x${(i + 2).toString(16)}]`),
      ]);
    });
  });

  it("vCPU MPIDRs show as each kept CPU's MPIDR change (GICCs pair by UID), and by MPIDR when UIDs repeat", () => {
    const out = join(tmp('trim-'), 'o');
    return cli('build', join(SAMPLES, 'server-128cpu', 'acpidump.txt'), '-o', out, '--vcpus', '2').then(() => {
      const changes = diffTables(readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set, readTables(out).set, {
        tables: ['APIC'],
        ignore: ['derived', 'addresses'],
      });
      expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
        'changed APIC.gicc[uid=0x0].vgic_interrupt',
        'changed APIC.gicc[uid=0x1].vgic_interrupt',
        'changed APIC.gicc[uid=0x1].arm_mpidr',
        ...Array.from({ length: 126 }, (_, i) => `removed APIC.gicc[uid=0x${(i + 2).toString(16)}]`),
      ]);
      // a side whose UIDs repeat: every GICC pairs by MPIDR instead
      const host = readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;
      const apic = host.tables.find((e) => e.table.signature === 'APIC')!;
      const items = apic.table.items!.map((n) => (n.fields.type === 0x0b ? { ...n, fields: { ...n.fields, uid: 7 } } : n));
      const same = { ...host, tables: host.tables.map((e) => (e === apic ? { ...e, table: { ...e.table, items } } : e)) };
      const byMpidr = diffTables(host, same, { tables: ['APIC'] });
      expect(byMpidr.slice(0, 2).map((c) => `${c.kind} ${c.path}`)).toEqual(['changed APIC.gicc[mpidr=0x0].uid', 'changed APIC.gicc[mpidr=0x100].uid']);
    });
  });

  it('exit 0 same, 1 different, 2 trouble; --table and --ignore; text form', async () => {
    expect((await cli('diff', SAMPLE, SAMPLE)).code).toBe(0);
    expect((await cli('diff', SAMPLE, SAMPLE)).out).toMatch(/no differences/);
    const out = join(tmp('diff-'), 'o');
    await cli('build', SAMPLE, '-o', out);
    const t = await cli('diff', SAMPLE, out, '--table', 'FACP', '--ignore', 'derived,addresses');
    expect(t.code).toBe(1);
    expect(t.out).toBe(`--- ${SAMPLE}\n+++ ${out}\nFACP\n  ~ arm_boot_flags.psci_use_hvc: 0 → 1\n  ~ hypervisor_id: 0x0 → "XenVMM"\n2 change(s)\n`);
    expect((await cli('diff', SAMPLE, out, '--table', 'SPCR')).code).toBe(0);
    expect((await cli('diff', SAMPLE, '/no/such')).code).toBe(2);
    expect((await cli('diff', SAMPLE, out, '--ignore', 'colour')).code).toBe(2);
  });

  it('SSDTs pair by OEM table id, then order', () => {
    const { set } = readTables(SAMPLE);
    const dsdt = set.tables.find((e) => e.table.signature === 'DSDT')!;
    const ssdt = (id: string, body: number) => {
      const b = Buffer.from(dsdt.bytes);
      b.write('SSDT', 0, 'latin1');
      b.write(id.padEnd(8), 16, 'latin1');
      b[40] = body;
      b[9] = checksumOf(b, b.length, 9);
      return b;
    };
    const d = tmp('ssdt-');
    const a = join(d, 'a');
    const b = join(d, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'ssdt1.dat'), ssdt('CPUS', 1));
    writeFileSync(join(a, 'ssdt2.dat'), ssdt('PCIE', 1));
    writeFileSync(join(b, 'ssdt1.dat'), ssdt('PCIE', 2));
    writeFileSync(join(b, 'ssdt2.dat'), ssdt('CPUS', 1));
    expect(statSync(a).isDirectory()).toBe(true);
    const changes = diffTables(readTables(a).set, readTables(b).set, { ignore: ['derived'] });
    expect(changes.map((c) => c.path)).toEqual(['SSDT[PCIE].tail']);
  });
});

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** Enough XML to check structure: elements, attributes, nesting; text is skipped. */
function parseXml(text: string): XmlNode {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: XmlNode[] = [{ name: '#doc', attrs: {}, children: [] }];
  const re = /<(\/?)([a-zA-Z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*(\/?)>/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const [, close, name, attrText, self] = m;
    if (close) {
      const n = stack.pop()!;
      if (n.name !== name) throw new Error(`</${name}> closes <${n.name}>`);
      continue;
    }
    const attrs = Object.fromEntries([...attrText.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const node = { name, attrs, children: [] };
    stack[stack.length - 1].children.push(node);
    if (!self) stack.push(node);
  }
  if (stack.length !== 1) throw new Error('unclosed elements');
  return stack[0].children[0];
}

describe('check --fix on a memory image', () => {
  it('patches the tables in a copy of the image; the copy reads back clean', async () => {
    const d = tmp('fiximg-');
    const img = join(d, 'm.img');
    expect((await cli('convert', SAMPLE, '--to', 'image', '-o', img)).code).toBe(0);
    const b = readFileSync(img);
    const gtdt = readTables(SAMPLE).set.tables.find((e) => e.table.signature === 'GTDT')!;
    b[Number(gtdt.address! - 0x7c430000n) + 9] ^= 0x10;
    writeFileSync(img, b);
    const before = readFileSync(img).toString('hex');
    expect((await cli('check', img, '--image-base', '0x7c430000', '--fail-on', 'warning')).code).toBe(1);
    const out = join(d, 'fixed.img');
    const r = await cli('check', img, '--image-base', '0x7c430000', '--fix', '-o', out);
    expect(r.err).toMatch(/1 checksum\(s\) corrected \(GTDT\)/);
    expect(readFileSync(img).toString('hex')).toBe(before);
    expect((await cli('check', out, '--image-base', '0x7c430000')).code).toBe(0);
    expect(readFileSync(out).length).toBe(b.length);
  });

  it('an ELF core: the tables are patched at their file offsets, not at their physical addresses', async () => {
    const d = tmp('fixelf-');
    const { set } = readTables(SAMPLE);
    const { image, base } = writeImage(set);
    const gtdt = set.tables.find((e) => e.table.signature === 'GTDT')!;
    image[Number(gtdt.address! - base) + 9] ^= 0x10;
    const half = 0x800;
    const core = join(d, 'vm.core');
    writeFileSync(
      core,
      writeElfCore([
        { paddr: base, bytes: image.subarray(0, half) },
        { paddr: base + BigInt(half), bytes: image.subarray(half), zeroTail: 0x1000 },
      ]),
    );
    const before = readFileSync(core).toString('hex');
    const out = join(d, 'fixed.core');
    const r = await cli('check', core, '--fix', '-o', out, '--fail-on', 'warning');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1 checksum\(s\) corrected \(GTDT\)/);
    expect(readFileSync(core).toString('hex')).toBe(before);
    expect(readFileSync(out).length).toBe(readFileSync(core).length);
    expect((await cli('check', out)).code).toBe(0);
  });
});
