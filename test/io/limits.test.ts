// Memory bounded by what is real, not by what a count claims (issue 27 §3): each hostile size the
// tester measured is refused, or read in bounded memory, with one line naming the file and the
// limit. The large files here are sparse (a few KiB on disk whatever their size).
import { describe, expect, it } from 'vitest';
import { closeSync, ftruncateSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { writeElfCore, MAX_PROGRAM_HEADERS } from '../../src/io/elf.js';
import { writeImage } from '../../src/io/image.js';
import { MAX_JSON, MAX_STREAM, MAX_TABLE, MAX_TEXT, sizeText } from '../../src/io/bounded.js';
import { findTable } from '../../src/model/tableset.js';
import { BIN, BUILT, ROOT, SAMPLES, cli, tmp } from '../helpers.js';
import { elfClaiming, imageDeclaring } from '../../fuzz/contract.js';

const TEXT = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** A sparse file of `size` bytes holding `parts` (offset, bytes) and zeros elsewhere. */
function sparse(path: string, size: number, ...parts: [number, Uint8Array][]): string {
  const fd = openSync(path, 'w');
  try {
    for (const [at, b] of parts) writeSync(fd, b, 0, b.length, at);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
  return path;
}

describe('ELF cores: the program-header count is checked against the file and a limit before anything is allocated', () => {
  it.each([
    [0xffffffff, 'as large as it claims (224 GiB, sparse)'],
    [30_000_000, 'of 1.6 GiB'],
  ])('a core claiming %i program headers, in a file %s: refused naming the count and the limit', (count) => {
    const f = sparse(join(tmp('phnum-'), 'vmcore'), 0xc0 + count * 56, [0, elfClaiming(count)]);
    expect(readTables(f).findings).toEqual([
      expect.objectContaining({
        code: 'IMAGE_FORMAT',
        offset: 0x80 + 44,
        message: `an ELF file that is not a readable memory capture: ${count} program headers, more than the ${MAX_PROGRAM_HEADERS} read (a core has one per memory range)`,
      }),
    ]);
  });

  it('program headers are read in batches: a core of 5,000 segments reads the tables in the last one', () => {
    const set = readTables(TEXT).set;
    const { image, base } = writeImage(set);
    const segments = Array.from({ length: 4999 }, (_, i) => ({ paddr: 0x100000000n + BigInt(i) * 0x1000n, bytes: new Uint8Array(8) }));
    const core = writeElfCore([...segments, { paddr: base, bytes: image }]);
    const r = readTables(core, { name: 'many.elf' });
    expect(r.findings).toEqual([]);
    expect(r.set.memory).toHaveLength(5000);
    expect(r.set.tables.map((e) => e.table.signature)).toEqual(['XSDT', 'FACP', 'DSDT', 'APIC', 'GTDT', 'SPCR']);
  });
});

describe('a table length in a capture is checked against the limit before anything is allocated', () => {
  it.each([
    [0xffffffff, 2 ** 33],
    [0x7ffff000, 2 ** 32],
  ])('a table declaring %i bytes in an image that holds them: refused, one line', async (length, size) => {
    const f = sparse(join(tmp('table-length-'), 'mem.img'), size, [0, imageDeclaring(length)]);
    const r = await cli('dump', f, '--image-base', '0x80000000', '--summary');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `dom0-acpi: error: ${f}: XSDT: offset 0x180: the table at 0x80000180 (reached through XSDT.entry[0].address) declares length ${length}, more than the ${sizeText(MAX_TABLE)} a table may have: not read\n`,
    );
    // as an ELF core's zero tail, which holds any length it claims
    const img = imageDeclaring(length);
    const core = writeElfCore([{ paddr: 0x80000000n, bytes: img, zeroTail: 2 ** 40 }]);
    expect(readTables(core, { name: 'tail.elf' }).findings.map((x) => x.code)).toEqual(['IMAGE_TABLE_TOO_LARGE']);
  });
});

describe('acpidump text is read up to its limit', () => {
  // real text for as much as a reader sniffs (a file of zeros after it is not text)
  const head = readFileSync(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).subarray(0, 16 << 10);

  it('a file of 1 GiB (sparse after its first 16 KiB) is refused by its size, naming the file and the limit, not read', () => {
    const f = sparse(join(tmp('big-text-'), 'acpidump.txt'), 2 ** 30, [0, head]);
    const message = `acpidump text of ${2 ** 30} bytes, more than the ${sizeText(MAX_TEXT)} read (real acpidump text is at most tens of MiB)`;
    expect(readTables(f).findings).toEqual([expect.objectContaining({ code: 'INPUT_TOO_LARGE', file: f, message })]);
    // the one text of a folder, beside binary tables: read instead of them, so refused the same way
    const d = tmp('big-text-folder-');
    sparse(join(d, 'acpidump.txt'), 2 ** 30, [0, head]);
    writeFileSync(join(d, 'facp.dat'), findTable(readTables(TEXT).set, 'FACP')!.bytes);
    expect(readTables(d).findings).toEqual([
      expect.objectContaining({ code: 'INPUT_SOURCE' }),
      expect.objectContaining({
        code: 'INPUT_TOO_LARGE',
        file: join(d, 'acpidump.txt'),
        message: `acpidump text of ${2 ** 30} bytes, more than the ${sizeText(MAX_TEXT)} read (real acpidump text is at most tens of MiB)`,
      }),
    ]);
  });
});

describe('a stray huge file in a folder is sniffed by its head, never read whole', () => {
  it.each([2 ** 30, 3 * 2 ** 30])('%i bytes starting "DATA" beside the tables: skipped with a warning naming it and the limit', async (size) => {
    const d = tmp('stray-');
    for (const e of readTables(TEXT).set.tables) writeFileSync(join(d, `${e.table.signature.toLowerCase()}.dat`), e.bytes);
    sparse(join(d, 'DATA.bin'), size, [0, Buffer.from('DATA\x00\x10\x00\x00')]);
    const { set, findings } = readTables(d);
    expect(set.tables).toHaveLength(6);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_NOT_TABLE',
        severity: 'warning',
        message: `skipped 1 file(s) that are neither ACPI tables nor acpidump text: DATA.bin (${size} bytes, more than the ${sizeText(MAX_TABLE)} a table may have)`,
      }),
    ]);
    const r = await cli('check', d);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`warning INPUT_NOT_TABLE: ${d}: skipped 1 file(s)`);
  });

  it('a device tree file larger than any is refused in one line', async () => {
    const f = sparse(join(tmp('big-dtb-'), 'dom0.dtb'), 65 << 20, [0, Uint8Array.of(0xd0, 0x0d, 0xfe, 0xed)]);
    const r = await cli('dump', f);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`dom0-acpi: error: ${f}: a device tree of more than ${sizeText(MAX_TABLE)}: not read (a device tree is some KiB)\n`);
  });

  it("a build output's files are read up to what a build writes", async () => {
    const out = join(tmp('big-build-'), 'out');
    expect((await cli('build', TEXT, '-o', out, '--no-report')).code).toBe(0);
    truncateSync(join(out, 'acpi.img'), 3 * 2 ** 30);
    expect(readTables(out).findings).toEqual([
      expect.objectContaining({ code: 'INPUT_MANIFEST', message: `${join(out, 'acpi.img')} is larger than the 256 MiB a build writes` }),
    ]);
  });
});

describe('--baseline is a small JSON document', () => {
  it('a 3 GB file is refused by its size, /dev/zero at the limit: one line naming the file and the limit', async () => {
    const f = sparse(join(tmp('baseline-'), 'baseline.json'), 3e9, [0, Buffer.from('{"format": "dom0-acpi check baseline v1", "findings": [')]);
    for (const b of [f, '/dev/zero']) {
      const r = await cli('check', TEXT, '--baseline', b);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`dom0-acpi: error: --baseline ${b}: more than ${sizeText(MAX_JSON)}, the most read (a baseline is a small JSON document)\n`);
    }
  });

  it.skipIf(!BUILT)('a baseline on a stream is read (needs the bundle: npm run build)', () => {
    const d = tmp('baseline-stream-');
    const baseline = join(d, 'baseline.json');
    expect(spawnSync(process.execPath, [BIN, 'check', TEXT, '--write-baseline', baseline]).status).toBe(0);
    const r = spawnSync('bash', ['-c', `node "${BIN}" check "${TEXT}" --baseline <(cat "${baseline}")`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe.skipIf(!BUILT)('the RSDP scan keeps bounded memory however many bad candidates (needs the bundle: npm run build)', () => {
  it('1 M "RSD PTR " candidates in a sparse 1 GiB image read with a 24 MB heap: refused naming the first three', () => {
    const d = tmp('candidates-');
    const dense = Buffer.alloc(8 << 20);
    for (let at = 0; at < dense.length; at += 8) dense.write('RSD PTR ', at, 'latin1');
    const f = sparse(join(d, 'mem.img'), 2 ** 30, [512 << 20, dense]);
    // read ahead in 4 MiB chunks (from 1 GiB): half a million candidates a chunk, none of them kept
    const r = spawnSync(process.execPath, ['--max-old-space-size=24', BIN, 'dump', f, '--image-base', '0'], { encoding: 'utf8' });
    expect(r.stderr).toMatch(
      /^dom0-acpi: error: .*mem\.img: no RSDP with valid checksums on any 8-byte boundary of the image 0x0\.\.0x40000000 \(1073741824 bytes\); "RSD PTR " found at 0x20000000 \(\+0x20000000\): its 20-byte checksum fails; 0x20000008 \(\+0x20000008\): its 20-byte checksum fails; 0x20000010 \(\+0x20000010\): its 20-byte checksum fails — give --rsdp 0x20000000 to read through it anyway\n$/,
    );
    expect(r.status).toBe(2);
  });
});

describe('the limits are the ones the README states', () => {
  it('each limit in the code is the one in the Inputs section', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(
      `up to a limit their first 8 KiB decide: ${sizeText(MAX_TEXT)} of acpidump text, ${sizeText(MAX_STREAM)} of a capture (an ELF core, or anything given \`--image-base\` or \`--rsdp\`), ${sizeText(MAX_TABLE)} of anything else (a table)`,
    );
    expect(readme).toContain(`a table ${sizeText(MAX_TABLE)} (a table file,`);
    expect(readme).toContain(`acpidump text ${sizeText(MAX_TEXT)} (real acpidump text`);
    expect(readme).toContain(`a \`--baseline\` file or a build's \`manifest.json\` ${sizeText(MAX_JSON)}`);
    expect(readme).toContain(`read 4,096 at a time, ${MAX_PROGRAM_HEADERS.toLocaleString('en')} at most`);
  });
});
