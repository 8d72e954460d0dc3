// Inputs that are not regular files (issue 27 §2): a FIFO, a shell's process substitution
// (/dev/fd/N), standard input on a pipe, a character device. Each is read once, as a stream, in
// bounded memory: two in one command work, and one that goes on for ever (/dev/zero) is refused at
// its limit with one line naming it.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readTables } from '../../src/io/read.js';
import { MAX_STREAM, MAX_TABLE, MAX_TEXT, sizeText } from '../../src/io/bounded.js';
import { findTable } from '../../src/model/tableset.js';
import { BIN, BUILT, ROOT, SAMPLES, cli, tmp } from '../helpers.js';

const TEXT = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const SERVER = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
const HAVE_MKFIFO = spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status === 0;

/** A FIFO with a writer process that copies `from` into it once a reader opens it. */
function fifo(from: string): { path: string; writer: ChildProcess } {
  const path = join(tmp('fifo-'), 'tables.fifo');
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', from, path], { stdio: 'ignore' });
  writer.unref(); // a test that fails before reading leaves no process holding the run open
  return { path, writer };
}

/** The installed command run by bash, so that <(…) makes /dev/fd/N as it does for a user. */
function bash(script: string, stdin?: string) {
  const r = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', input: stdin, env: { ...process.env, BIN } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!HAVE_MKFIFO)('readTables on a FIFO', () => {
  it('reads acpidump text from a FIFO once, as a stream, named as given', () => {
    const { path, writer } = fifo(TEXT);
    const { set, findings } = readTables(path);
    writer.kill();
    expect(findings).toEqual([]);
    expect(set.origin).toBe(path);
    expect(set.tables.map((e) => e.table.signature)).toEqual(['DSDT', 'FACP', 'APIC', 'GTDT', 'SPCR', 'XSDT']);
    expect(set.rsdp?.address).toBe(0x7c430018n);
  });

  it('reads a binary table and a memory image from a FIFO by content', async () => {
    const facp = join(tmp('fifo-src-'), 'facp.dat');
    writeFileSync(facp, findTable(readTables(TEXT).set, 'FACP')!.bytes);
    const t = fifo(facp);
    expect(readTables(t.path).set.tables.map((e) => e.table.signature)).toEqual(['FACP']);
    t.writer.kill();
    const img = join(tmp('fifo-src-'), 'mem.img');
    expect((await cli('convert', TEXT, '--to', 'image', '-o', img)).code).toBe(0);
    const i = fifo(img);
    const r = readTables(i.path, { imageBase: 0x7c430000n });
    i.writer.kill();
    expect(r.findings).toEqual([]);
    expect(r.set.tables.map((e) => e.table.signature)).toEqual(['XSDT', 'FACP', 'DSDT', 'APIC', 'GTDT', 'SPCR']);
  });

  it('--exclude on a stream is refused as on a file', () => {
    const { path, writer } = fifo(TEXT);
    const { findings } = readTables(path, { exclude: ['facp.dat'] });
    writer.kill();
    expect(findings).toEqual([expect.objectContaining({ code: 'INPUT_EXCLUDE', message: expect.stringMatching(/this input is one stream$/) })]);
  });
});

describe('character devices are streams too', () => {
  it.skipIf(!existsSync('/dev/null'))('/dev/null is empty', () => {
    expect(readTables('/dev/null').findings.map((f) => f.code)).toEqual(['INPUT_EMPTY']);
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero is read to the table limit and refused there, naming it and the limit', () => {
    expect(readTables('/dev/zero').findings).toEqual([
      expect.objectContaining({
        code: 'INPUT_TOO_LARGE',
        file: '/dev/zero',
        message: `more than ${sizeText(MAX_TABLE)} on a stream, and neither acpidump text nor an ELF core: no table is that large (for a memory image give --image-base, and the image as a file)`,
      }),
    ]);
  });

  it.skipIf(!existsSync('/dev/null'))('/dev/null given to a command: one line naming it', async () => {
    const r = await cli('dump', '/dev/null');
    expect(r.code).toBe(2);
    expect(r.err).toBe('dom0-acpi: error: /dev/null: empty file\n');
  });
});

describe.skipIf(!BUILT)('the command on streams (needs the bundle: npm run build)', () => {
  it('diff <(…) <(…): both read, named /dev/fd/N as bash gives them', () => {
    const r = bash(`node "$BIN" diff <(cat ${TEXT}) <(cat ${SERVER}) -t FACP`);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^--- \/dev\/fd\/\d+\n\+\+\+ \/dev\/fd\/\d+\nFACP\n/);
    const same = bash(`node "$BIN" diff <(cat ${TEXT}) <(cat ${TEXT})`);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/^\/dev\/fd\/\d+ and \/dev\/fd\/\d+: no differences\n$/);
  });

  it('check <(a) <(b): each checked, not "empty file"', () => {
    const r = bash(`node "$BIN" check <(cat ${TEXT}) <(cat ${SERVER})`);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\/dev\/fd\/\d+: 7 table\(s\), 0 error\(s\), 0 warning\(s\), 0 info — ok\n\/dev\/fd\/\d+: 15 table\(s\), 0 error\(s\)/);
    expect(r.out).not.toMatch(/INPUT_EMPTY/);
  });

  it('dump, report and build read a process substitution; a device tree on a stream is printed as DTS', () => {
    const d = tmp('stream-cmds-');
    expect(bash(`node "$BIN" dump <(cat ${TEXT}) --summary`).out).toMatch(/^\/dev\/fd\/\d+: acpidump, 7 table\(s\)\n/);
    const report = bash(`node "$BIN" report <(cat ${TEXT}) -o ${d}/r.html`);
    expect(report.code).toBe(0);
    expect(readFileSync(join(d, 'r.html'), 'utf8')).toMatch(/<title>ACPI report: \/dev\/fd\/\d+<\/title>/);
    const build = bash(`node "$BIN" build <(cat ${TEXT}) -o ${d}/out --bootargs console=hvc0`);
    expect(build.code).toBe(0);
    expect(build.out).toMatch(/^dom0 ACPI set \(design profile\) from \/dev\/fd\/\d+ → /);
    const dts = bash(`node "$BIN" dump <(cat ${d}/out/dom0.dtb)`);
    expect(dts.code).toBe(0);
    expect(dts.out).toMatch(/^\/dts-v1\/;\n\n\/ \{\n/);
    const stdin = bash(`node "$BIN" dump - < ${d}/out/dom0.dtb`);
    expect(stdin.out).toBe(dts.out);
  });

  it('two FIFOs in one command', () => {
    const a = fifo(TEXT);
    const b = fifo(SERVER);
    const r = spawnSync(process.execPath, [BIN, 'check', a.path, b.path], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `${a.path}: 7 table(s), 0 error(s), 0 warning(s), 0 info — ok`,
      `${b.path}: 15 table(s), 0 error(s), 0 warning(s), 0 info — ok`,
    ]);
  });

  it('check --fix of a stream is refused: it writes the input in its own form', () => {
    const r = bash(`node "$BIN" check --fix <(cat ${TEXT}) -o ${tmp('fix-')}/fixed.txt`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^dom0-acpi: error: --fix writes the input in its own form: give a file or folder, not a stream \(\/dev\/fd\/\d+\)\n$/);
  });

  it('standard input on a pipe: read once, in bounded memory; /dev/zero is refused at the limit for what it is', () => {
    expect(bash(`cat ${TEXT} | node "$BIN" dump - --summary`).out).toMatch(/^<stdin>: acpidump, 7 table\(s\)\n/);
    const zero = bash(`node "$BIN" dump - < /dev/zero`);
    expect(zero.code).toBe(2);
    expect(zero.err).toBe(
      `dom0-acpi: error: <stdin>: more than ${sizeText(MAX_TABLE)} on a stream, and neither acpidump text nor an ELF core: no table is that large (for a memory image give --image-base, and the image as a file)\n`,
    );
    const image = bash(`node "$BIN" check - --image-base 0 < /dev/zero`);
    expect(image.code).toBe(1); // check reports what cannot be read as a finding
    expect(image.out).toContain(
      `error INPUT_TOO_LARGE: <stdin>: a memory capture on a stream passing ${sizeText(MAX_STREAM)}, the most a stream is read to (it is held in memory whole): give the capture as a file, which is read in chunks`,
    );
    // acpidump text on a stream that goes on past its limit: the text's own limit
    const text = bash(`(cat ${TEXT}; yes '    0000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................') | node "$BIN" dump - --summary`);
    expect(text.code).toBe(2);
    expect(text.err).toBe(
      `dom0-acpi: error: <stdin>: acpidump text of more than ${sizeText(MAX_TEXT)}, the most read (real acpidump text is at most tens of MiB)\n`,
    );
  });
});
