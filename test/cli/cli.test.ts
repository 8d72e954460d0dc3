import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { findTable } from '../../src/model/tableset.js';
import { checksumOf } from '../../src/layout/codec.js';
import { cli, CORPUS, HAVE_CORPUS, HAVE_ACPIXTRACT, SAMPLES, tmp, offsetIn } from '../helpers.js';

const SAMPLE = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
const sampleTable = (sig: string, path = SAMPLE) => Uint8Array.from(findTable(readTables(path).set, sig)!.bytes);
/** Where a field of a sample table is (the bytes the malformed cases poke). */
const sampleAt = (sig: string, field: string, path = SAMPLE) => offsetIn(findTable(readTables(path).set, sig)!.table, `${sig}.${field}`);

/** Write bytes as a file with a valid checksum (so only the intended fault is present). */
function writeTable(dir: string, name: string, b: Uint8Array, fixChecksum = true): string {
  if (fixChecksum && b.length >= 10) b[9] = checksumOf(b, b.length, 9);
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
}
const setU8 = (b: Uint8Array, at: number, v: number) => ((b[at] = v), b);
const setU16 = (b: Uint8Array, at: number, v: number) => (Buffer.from(b.buffer, b.byteOffset).writeUInt16LE(v, at), b);
const setU32 = (b: Uint8Array, at: number, v: number) => (Buffer.from(b.buffer, b.byteOffset).writeUInt32LE(v, at), b);

describe('dump', () => {
  it('prints iasl-style lines for every table', async () => {
    const r = await cli('dump', SAMPLE);
    expect(r.code).toBe(0);
    expect(r.out).toContain('[081h 0129   2]    ARM Flags (decoded below) : 0001');
    expect(r.out).toContain('                              PSCI Compliant : 1');
    expect(r.out).toContain('[02Ch 0044   1]                Subtable Type : 0C [Generic Interrupt Distributor]');
    expect(r.out).toContain('[028h 0040  12]         Serial Port Register : [Generic Address Structure]');
  });

  it('gives JSON with u64 as hex strings and field offsets', async () => {
    const r = await cli('dump', SAMPLE, '--json', '--table', 'apic');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.tables).toHaveLength(1);
    const t = j.tables[0];
    expect(t.signature).toBe('APIC');
    expect(t.address).toBe('0x7C4302F8');
    expect(t.values.subtables[1]).toMatchObject({ kind: 'gicc', arm_mpidr: '0x0', length: 80 });
    // the offset written out by hand on purpose: this checks the engine's layout (header 44, GICD 24, GICC 80, MPIDR at 68)
    expect(t.fields).toContainEqual({ path: 'APIC.gicc[3].arm_mpidr', offset: 44 + 24 + 3 * 80 + 68, width: 8, label: 'ARM MPIDR', value: '0x3' });
  });

  it('summarises a set', async () => {
    const r = await cli('dump', SERVER, '--summary');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/APIC .* 128 GICC \(128 enabled, 80 bytes\), GICD v3, 2 GICR, 4 ITS/);
    expect(r.out).toMatch(/GTDT .* rev 3, .* 2 platform timer\(s\)/);
  });

  it('exits 2 for a table that is not in the input, and for usage errors', async () => {
    expect((await cli('dump', SAMPLE, '--table', 'IORT')).code).toBe(2);
    expect((await cli('dump')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('dump', '/nonexistent/x')).err).toMatch(/no such file/);
    expect((await cli('--help')).code).toBe(0);
  });

  it('marks a wrong checksum as iasl does', async () => {
    const d = tmp();
    const b = sampleTable('GTDT');
    b[9] ^= 0x5a;
    const r = await cli('dump', writeTable(d, 'gtdt.dat', b, false));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Checksum : [0-9A-F]{2}     \/\* Incorrect checksum, should be [0-9A-F]{2} \*\//);
  });
});

describe('malformed input: one clear line naming file, table and offset, exit 2', () => {
  const d = tmp('malformed-');
  const cases: [string, () => string, RegExp][] = [
    [
      'truncated table',
      () => writeTable(d, 'trunc.dat', sampleTable('APIC').subarray(0, 100), false),
      /trunc\.dat: APIC: offset 0x4: declared length 424 \(0x1A8\) but only 100 bytes are present/,
    ],
    [
      'length larger than the data',
      () => writeTable(d, 'long.dat', setU32(sampleTable('FACP'), 4, 300)),
      /long\.dat: FACP: offset 0x4: declared length 300 .* but only 276 bytes/,
    ],
    [
      'length smaller than the data',
      () => writeTable(d, 'short.dat', setU32(sampleTable('FACP'), 4, 268)),
      /short\.dat: FACP: offset 0x10C: declared length 268 \(0x10C\) but the data has 276 bytes \(8 after the table\)/,
    ],
    [
      'MADT subtable length 0',
      () => writeTable(d, 'zero.dat', setU8(sampleTable('APIC'), sampleAt('APIC', 'gicc[1].length'), 0)),
      /zero\.dat: APIC: offset 0x94: subtable 2 \(Generic Interrupt Controller, type 0x0B\) has length 0/,
    ],
    [
      'MADT subtable past the end',
      () => {
        const b = sampleTable('APIC');
        return writeTable(d, 'past.dat', setU8(b, b.length - 20 + 1, 40));
      },
      /past\.dat: APIC: offset 0x194: subtable 6 \(Generic Interrupt Translator, type 0x0F\) has length 40 and runs past the end at 0x1A8/,
    ],
    [
      'GTDT platform timer length 0',
      () => writeTable(d, 'gt0.dat', setU16(sampleTable('GTDT', SERVER), 104 + 1, 0)),
      /gt0\.dat: GTDT: offset 0x68: subtable 0 \(Generic Timer Block, type 0x00\) has length 0/,
    ],
    [
      'GTDT platform timer past the end',
      () => writeTable(d, 'gtpast.dat', setU16(sampleTable('GTDT', SERVER), 104 + 100 + 1, 60)),
      /gtpast\.dat: GTDT: offset 0xCC: subtable 1 \(Generic Watchdog Timer, type 0x01\) has length 60 and runs past the end at 0xE8/,
    ],
    [
      'GTDT count past the subtables',
      () => writeTable(d, 'gtcount.dat', setU32(sampleTable('GTDT', SERVER), 88, 3)),
      /gtcount\.dat: GTDT: offset 0x58: 3 subtables declared, only 2 fit before the end at 0xE8/,
    ],
    [
      'platform timer offset outside the table',
      () => writeTable(d, 'gtoff.dat', setU32(sampleTable('GTDT', SERVER), 92, 0x400)),
      /gtoff\.dat: GTDT: offset 0x5C: platform_timer_offset 0x400 is outside the space after the fixed fields \(0x68\.\.0xE8\)/,
    ],
    [
      'platform timer offset inside the fixed fields',
      () => writeTable(d, 'gtin.dat', setU32(sampleTable('GTDT', SERVER), 92, 0x40)),
      /gtin\.dat: GTDT: offset 0x5C: platform_timer_offset 0x40 is outside/,
    ],
    [
      'GT Block frame count past its length',
      () => writeTable(d, 'gtframes.dat', setU32(sampleTable('GTDT', SERVER), 104 + 12, 5)),
      /gtframes\.dat: GTDT: offset 0x74: 5 Generic Timer Block Timer entries of 40 bytes need 0xC8 bytes but only 0x50 remain/,
    ],
    [
      'GICC shorter than 76 bytes (cut to 40, the rest moved up: the walk goes on past it)',
      () => {
        const b = sampleTable('APIC');
        const at = sampleAt('APIC', 'gicc[0].length') - 1;
        const cut = Buffer.concat([b.subarray(0, at + 40), b.subarray(at + 80)]);
        cut.writeUInt32LE(cut.length, 4);
        return writeTable(d, 'gicc40.dat', setU8(cut, at + 1, 40));
      },
      /gicc40\.dat: APIC: offset 0x45: subtable 1 \(Generic Interrupt Controller, type 0x0B\) has length 40, below the minimum 76; the walk goes on past it by its length/,
    ],
    [
      'non-printable signature',
      () => writeTable(d, 'sig.dat', setU8(sampleTable('SPCR'), 2, 0x01), false),
      /sig\.dat: offset 0x0: signature bytes 53 50 01 52 \("SP\.R"\) are not printable ASCII; .*: not an ACPI table/,
    ],
    [
      'binary that is not a table',
      () => {
        const p = join(d, 'random.bin');
        writeFileSync(p, Buffer.from([0x4d, 0x5a, 0x90, 0x00, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]));
        return p;
      },
      /random\.bin: offset 0x0: signature bytes 4d 5a 90 00 \("MZ\.\."\) are not printable ASCII; .*: not an ACPI table/,
    ],
    [
      'an ELF file that is not a core',
      () => {
        const p = join(d, 'a.out');
        writeFileSync(p, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xb7, 0, 1, 0, 0, 0, ...new Array(40).fill(0)]));
        return p;
      },
      /a\.out: offset 0x10: an ELF file that is not a readable memory capture: an ELF file of type 2, not a core \(4\): not a memory capture/,
    ],
    [
      'a text file given as a table (a printable signature with a space)',
      () => {
        const p = join(d, 'script.sh');
        writeFileSync(p, '# do not run\necho hi\n');
        return p;
      },
      /script\.sh: offset 0x0: signature bytes 23 20 64 6f \("# do"\) are printable but hold a space; a table signature is 4 printable characters without spaces: not an ACPI table/,
    ],
    ['empty file', () => writeTable(d, 'empty.dat', new Uint8Array(0), false), /empty\.dat: empty file/],
    [
      'empty folder',
      () => {
        const p = join(d, 'nothing');
        mkdirSync(p);
        return p;
      },
      /nothing: no ACPI tables and no acpidump text in this folder/,
    ],
    [
      'acpidump text with a hex line out of sequence',
      () => {
        const p = join(d, 'broken.txt');
        writeFileSync(p, readFileSync(SAMPLE, 'latin1').replace(/(\nFACP @[^\n]*\n(?:[^\n]*\n){2})    0020:/, '$1    0040:'));
        return p;
      },
      /broken\.txt:\d+: FACP: offset 0x20: hex line offset 0x40 where 0x20 was expected/,
    ],
    [
      'memory image with no RSDP',
      () => writeTable(d, 'zeros.img', new Uint8Array(4096), false),
      /zeros\.img: no RSDP with valid checksums on any 8-byte boundary/,
    ],
  ];
  it.each(cases)('%s', async (_what, make, message) => {
    const p = make();
    const args = p.endsWith('.img') ? ['dump', p, '--image-base', '0x40000000'] : ['dump', p];
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('extract', () => {
  it.skipIf(!HAVE_CORPUS || !HAVE_ACPIXTRACT)('gives the same files and bytes as acpixtract -a on honeycomb', async () => {
    const input = join(CORPUS, 'honeycomb-lx2160a/acpidump.txt');
    const theirs = tmp('acpixtract-');
    execFileSync('acpixtract', ['-a', input], { cwd: theirs, stdio: 'ignore' });
    const ours = join(tmp('extract-'), 'out');
    const r = await cli('extract', input, '-o', ours);
    expect(r.code).toBe(0);
    const files = readdirSync(theirs).sort();
    expect(readdirSync(ours).sort()).toEqual(['.dom0-acpi-files.json', ...files]);
    expect(files.length).toBe(9);
    for (const f of files) expect(readFileSync(join(ours, f)).equals(readFileSync(join(theirs, f)))).toBe(true);
  });

  it('refuses a non-empty output folder unless --force, and never leaves a partial folder', async () => {
    const out = join(tmp('extract-'), 'o');
    expect((await cli('extract', SAMPLE, '-o', out)).code).toBe(0);
    const again = await cli('extract', SAMPLE, '-o', out);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists and is not empty \(--force replaces a previous output of dom0-acpi\)/);
    expect((await cli('extract', SAMPLE, '-o', out, '--force', '--table', 'FACP')).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.dom0-acpi-files.json', 'facp.dat']);
    const bad = join(tmp('extract-'), 'never');
    expect((await cli('extract', join(SAMPLES, 'no-such.txt'), '-o', bad)).code).toBe(2);
    expect(existsSync(bad)).toBe(false);
  });
});

describe('convert', () => {
  it('text → binaries → text gives back the same tables; text → image → text gives back the text', async () => {
    const d = tmp('convert-');
    expect((await cli('convert', SAMPLE, '--to', 'binaries', '-o', join(d, 'bin'))).code).toBe(0);
    expect(readdirSync(join(d, 'bin')).sort()).toEqual([
      '.dom0-acpi-files.json',
      'apic.dat',
      'dsdt.dat',
      'facp.dat',
      'gtdt.dat',
      'rsdp.dat',
      'spcr.dat',
      'xsdt.dat',
    ]);
    const img = join(d, 'mem.img');
    const r = await cli('convert', SAMPLE, '--to', 'image', '-o', img);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/at 0x000000007C430000; RSDP at 0x000000007C430018/);
    const back = await cli('convert', img, '--image-base', '0x7c430000', '--to', 'text', '-o', '-');
    expect(back.code).toBe(0);
    const sorted = (t: string) => t.split('\n\n').filter(Boolean).sort();
    expect(sorted(back.out)).toEqual(sorted(readFileSync(SAMPLE, 'latin1')));
  });

  it('an input without addresses becomes an image with every table placed, a new XSDT and RSDP', async () => {
    const d = tmp('convert-');
    expect((await cli('convert', SAMPLE, '--to', 'binaries', '-o', join(d, 'bin'))).code).toBe(0);
    const r = await cli('convert', join(d, 'bin'), '--to', 'image', '-o', join(d, 'x.img'), '--out-base', '0x50000000');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no table addresses; every table was placed from 0x50000000/);
    expect(r.out).toMatch(/at 0x0000000050000000; RSDP at 0x00000000500/);
    const back = readTables(join(d, 'x.img'), { imageBase: 0x50000000n });
    expect(back.findings).toEqual([]);
    const sigs = back.set.tables.map((e) => e.table.signature).sort();
    expect(sigs).toEqual(['APIC', 'DSDT', 'FACP', 'GTDT', 'SPCR', 'XSDT']);
    for (const e of back.set.tables.filter((x) => x.table.signature !== 'XSDT' && x.table.signature !== 'FACP')) {
      const orig = readTables(SAMPLE).set.tables.find((x) => x.table.signature === e.table.signature)!;
      expect(Buffer.from(e.bytes).equals(Buffer.from(orig.bytes))).toBe(true);
    }
  });
});
