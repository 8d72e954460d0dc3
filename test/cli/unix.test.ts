// The CLI in a pipeline: "-" reads standard input, and a reader that quits early ends the command
// quietly (no EPIPE stack trace, exit 0).
import { describe, expect, it } from 'vitest';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { run } from '../../cli/run.js';
import { readTables } from '../../src/io/read.js';
import { findTable } from '../../src/model/tableset.js';
import { BIN, BUILT, ROOT, SAMPLES, tmp } from '../helpers.js';

const TEXT = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
async function withStdin(stdin: Uint8Array, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (s) => void (out += s), err: (s) => void (err += s), tty: false, stdin: () => stdin });
  return { code, out, err };
}

describe('"-" is standard input', () => {
  const text = readFileSync(TEXT);

  it('dump - reads acpidump text from stdin, named <stdin>', async () => {
    const r = await withStdin(text, 'dump', '-', '--summary');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('<stdin>: acpidump, 7 table(s)');
  });

  it('a binary table on stdin is read by its content', async () => {
    const facp = findTable(readTables(TEXT).set, 'FACP')!.bytes;
    const r = await withStdin(facp, 'dump', '-', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tables.map((t: { signature: string }) => t.signature)).toEqual(['FACP']);
  });

  it('check, diff and build take "-" beside a file; standard input is named <stdin> in every message, summary and report', async () => {
    const c = await withStdin(text, 'check', '-');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^<stdin>: 7 table\(s\), 0 error\(s\)/m);
    const junit = await withStdin(text, 'check', '-', '--format', 'junit');
    expect(junit.out).toMatch(/<testsuite name="&lt;stdin&gt;"/);
    expect(junit.out).not.toMatch(/name="-"/);
    expect(JSON.parse((await withStdin(text, 'check', '-', '--json')).out).inputs[0].input).toBe('<stdin>');
    const d = await withStdin(text, 'diff', '-', SERVER, '-t', 'FACP');
    expect(d.out.split('\n')[0]).toBe('--- <stdin>');
    expect(JSON.parse((await withStdin(text, 'diff', TEXT, '-', '--json')).out).b).toBe('<stdin>');
    const b = await withStdin(text, 'build', '-', '-o', join(tmp('stdin-build-'), 'out'), '--bootargs', 'console=hvc0');
    expect(b.out.split('\n')[0]).toMatch(/^dom0 ACPI set \(design profile\) from <stdin> → /);
    const refused = await withStdin(text, 'build', '-', '-o', join(tmp('stdin-build-'), 'out'), '--vcpus', '9');
    expect(refused.err).toMatch(/^dom0-acpi: error: <stdin>: --vcpus 9 is above 4/);
    expect(`${c.out}${c.err}${d.out}${d.err}${b.out}${b.err}${refused.err}`).not.toMatch(/(^|\s)-:/m);
  });

  it('"-" twice, or --fix of standard input, is refused with exit 2', async () => {
    expect((await withStdin(text, 'diff', '-', '-')).err).toMatch(/standard input \(-\) can be only one/);
    expect((await withStdin(text, 'check', '-', '-')).code).toBe(2);
    const fix = await withStdin(text, 'check', '-', '--fix', '-o', '/tmp/never');
    expect(fix.code).toBe(2);
    expect(fix.err).toMatch(/--fix writes the input in its own form/);
  });
});

describe('a closed pipe', () => {
  it.skipIf(!BUILT)('dump | head: exit 0 and nothing on stderr (needs the bundle: npm run build)', () => {
    const errFile = join(tmp('epipe-'), 'err.txt');
    for (const args of [
      'dump samples/server-128cpu/acpidump.txt',
      'dump samples/server-128cpu/acpidump.txt --json',
      'convert samples/server-128cpu/acpidump.txt --to text -o -',
    ]) {
      const r = spawnSync('bash', ['-c', `node ${BIN} ${args} 2>${errFile} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat ${errFile}`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      const [status, ...err] = r.stdout.split('\n');
      expect(status, args).toBe('0');
      expect(err.join('\n').trim(), args).toBe('');
    }
  });

  it.skipIf(!BUILT || !existsSync('/dev/full'))('output to a full device: exit 2 and one error line naming why, not a stack trace', () => {
    const r = spawnSync(process.execPath, [BIN, 'dump', 'samples/server-128cpu/acpidump.txt'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'],
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('dom0-acpi: error: cannot write to standard output: no space left on the device\n');
  });
});

describe("a build's acpi.img given as the input", () => {
  it('reads the whole build output beside it, with a note naming --image-base for the image alone', async () => {
    const out = join(tmp('img-'), 'out');
    const { cli } = await import('../helpers.js');
    expect((await cli('build', TEXT, '-o', out)).code).toBe(0);
    const r = await cli('dump', join(out, 'acpi.img'), '--summary');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`${out}: build, 8 table(s), 3 EFI structure(s)`);
    expect(r.err).toMatch(/^dom0-acpi: note: .*acpi\.img is a build's region image \(at 0x5FFFF000, holding only the new tables\).*--image-base 0x5FFFF000/m);
    // with --image-base, the image alone (its pointers to reused host tables lead outside it)
    const alone = await cli('dump', join(out, 'acpi.img'), '--image-base', '0x5FFFF000');
    expect(alone.code).toBe(2);
    expect(alone.err).toMatch(/IMAGE_POINTER_OUTSIDE|is outside the image/);
  });
});

describe('file-system problems in words', () => {
  it('a missing input, and a file output that names a folder (even with --force)', async () => {
    const { cli } = await import('../helpers.js');
    const d = tmp('fs-');
    const missing = await cli('dump', join(d, 'nope', 'x.txt'));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`dom0-acpi: error: ${join(d, 'nope', 'x.txt')}: no such file or folder\n`);
    const toFolder = await cli('convert', TEXT, '--to', 'text', '-o', d, '--force');
    expect(toFolder.code).toBe(2);
    expect(toFolder.err).toBe(`dom0-acpi: error: ${d} is a folder: give a file name for this output\n`);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable input says permission denied, not "no such file" (skipped as root)', async () => {
    const { cli } = await import('../helpers.js');
    const { writeFileSync, chmodSync } = await import('node:fs');
    const f = join(tmp('fs-'), 'secret.txt');
    writeFileSync(f, readFileSync(TEXT));
    chmodSync(f, 0);
    const r = await cli('dump', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/permission denied/);
  });
});

describe('one prefix for every message on stderr', () => {
  it('errors, warnings, notes and commander’s own errors all read "dom0-acpi: LEVEL: …"', async () => {
    const { cli } = await import('../helpers.js');
    const d = tmp('prefix-');
    const bad = join(d, 'bad.dat');
    writeFileSync(bad, Buffer.from('APIC\x08\x00\x00\x00'));
    const cases = [
      await cli('dump', join(d, 'none')),
      await cli('dump', bad),
      await cli('dump', '--no-such-option', TEXT),
      await cli('build', TEXT, '--vcpus', 'x', '-o', join(d, 'o')),
      await cli('build', TEXT, '-o', join(d, 'ok')),
      await cli('nonsense'),
    ];
    const lines = cases.flatMap((r) => r.err.split('\n').filter((l) => l && !l.startsWith('(run dom0-acpi help')));
    expect(lines.length).toBeGreaterThan(6);
    for (const l of lines) expect(l).toMatch(/^dom0-acpi: (error|warning|note): /);
  });
});

describe('diff --ignore addresses on inputs without addresses', () => {
  it('a binary folder against its own acpidump text is the same; against a build shows only the real changes', async () => {
    const { cli } = await import('../helpers.js');
    const d = tmp('noaddr-');
    expect((await cli('extract', TEXT, '-o', join(d, 'bins'))).code).toBe(0);
    expect((await cli('build', TEXT, '-o', join(d, 'out'))).code).toBe(0);
    const same = await cli('diff', join(d, 'bins'), TEXT);
    expect(same.code).toBe(0);
    const r = await cli('diff', join(d, 'bins'), join(d, 'out'), '--ignore', 'derived,addresses');
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/@0x|address/);
    expect(r.out).toMatch(/^XSDT\n {2}\+ entry\[4\]\n\+ STAO \(table added\)\n10 change\(s\)\n$/m);
    const json = JSON.parse((await cli('diff', join(d, 'bins'), join(d, 'out'), '--ignore', 'derived,addresses', '--format', 'json')).out) as {
      changes: { path: string; new?: unknown }[];
    };
    expect(json.changes.find((c) => c.path === 'XSDT.entry[4]')?.new).toEqual({});
  });
});

describe('output paths in words', () => {
  it('a folder output naming a file, an existing (even empty) file, an unwritable place', async () => {
    const { cli } = await import('../helpers.js');
    const d = tmp('outpaths-');
    const file = join(d, 'empty.txt');
    writeFileSync(file, '');
    for (const force of [[], ['--force']]) {
      const r = await cli('extract', TEXT, '-o', file, ...force);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`dom0-acpi: error: ${file} is a file: give a folder for this output\n`);
    }
    const exists = await cli('convert', TEXT, '--to', 'text', '-o', file);
    expect(exists.err).toBe(`dom0-acpi: error: ${file} exists (--force replaces it)\n`);
    expect(readFileSync(file, 'utf8')).toBe('');
    // a path under a file: the message names the output, not an internal temporary file
    const under = await cli('extract', TEXT, '-o', join(file, 'sub'));
    expect(under.code).toBe(2);
    expect(under.err).toBe(`dom0-acpi: error: ${join(file, 'sub')}: cannot write: ${file} is not a folder\n`);
    const underFile = await cli('convert', TEXT, '--to', 'text', '-o', join(file, 'x.txt'));
    expect(underFile.err).toBe(`dom0-acpi: error: ${join(file, 'x.txt')}: cannot write: ${file} is not a folder\n`);
  });

  it('paths are shown as typed, not rewritten relative to the current folder', async () => {
    const { cli } = await import('../helpers.js');
    const d = tmp('typed-');
    expect((await cli('extract', TEXT, '-o', join(d, 'bins'))).code).toBe(0);
    writeFileSync(join(d, 'bins', 'apic.dat'), Buffer.from('APIC\x08\x00\x00\x00'));
    const typed = `${d}/./bins/`;
    const r = await cli('dump', typed, '--summary');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${d}/bins/apic.dat: APIC: offset 0x4: declared length 8`);
  });
});

describe('dump --partial: what decodes before a fault', () => {
  it('prints each table up to its fault, then the one error line, exit 2; not without --partial off a terminal', async () => {
    const { cli } = await import('../helpers.js');
    const { offsetIn } = await import('../helpers.js');
    const { set } = readTables(TEXT);
    const apic = findTable(set, 'APIC')!;
    const bytes = Buffer.from(apic.bytes);
    bytes[offsetIn(apic.table, 'APIC.gicc[1].length')] = 0;
    const f = join(tmp('partial-'), 'apic.dat');
    writeFileSync(f, bytes);
    const plain = await cli('dump', f);
    expect(plain.code).toBe(2);
    expect(plain.out).toBe('');
    expect(plain.err.trim().split('\n')).toHaveLength(1);
    const partial = await cli('dump', f, '--partial');
    expect(partial.code).toBe(2);
    expect(partial.err).toBe(plain.err);
    expect(partial.out).toContain('[088h 0136   8]                    ARM MPIDR : 0000000000000000');
    expect(partial.out).toMatch(/\[094h 0148 276\] +Trailing bytes : 276 bytes/);
    const json = await cli('dump', f, '--partial', '--format', 'json');
    expect(JSON.parse(json.out).tables[0].signature).toBe('APIC');
    // a terminal gets it by default; --no-partial turns it off
    const tty = async (...a: string[]) => {
      let out = '';
      const code = await run(a, { out: (s) => void (out += s), err: () => undefined, tty: true });
      return { code, out };
    };
    expect((await tty('dump', f)).out).toContain('ARM MPIDR');
    expect((await tty('dump', f, '--no-partial')).out).toBe('');
  });
});

describe('an image read without --image-base', () => {
  it('tables one after another: the trailing-data error hints --image-base', async () => {
    const { cli } = await import('../helpers.js');
    const { set } = readTables(TEXT);
    const f = join(tmp('concat-'), 'mem.img');
    writeFileSync(f, Buffer.concat(set.tables.slice(0, 3).map((e) => Buffer.from(e.bytes))));
    const r = await cli('dump', f, '--summary');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/more bytes|after the table/);
    expect(r.err).toMatch(
      /the bytes after it start "[A-Z]{4}", like another table: a memory image; give --image-base ADDR, the address of its first byte\)\n$/,
    );
  });
});
