// Nothing is ever lost: an output never is, holds or lies inside an input (or the current folder);
// --force replaces a previous output of dom0-acpi and nothing else; and a run killed at any step
// of a write leaves the old output or the new one, whole, and the next run finishes cleanly.
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileAtomic, writeFolderAtomic, leftBeside, tempPrefix, RECORD } from '../../src/io/output.js';
import { BIN, BUILT, DIST_SRC, SAMPLES, cli, tmp } from '../helpers.js';

const HOST = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');

/** Every file under a folder (links as "-> target"), by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) walk(p);
      else out[rel] = readFileSync(p).toString('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** A firmware folder as users keep them: the acpidump text, notes, a git repository. */
function firmwareFolder(): string {
  const d = tmp('fw-');
  writeFileSync(join(d, 'host.txt'), readFileSync(HOST));
  writeFileSync(join(d, 'notes.md'), 'bring-up notes\n');
  mkdirSync(join(d, '.git'));
  writeFileSync(join(d, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return d;
}

/** Runs the CLI with the current folder set to `cwd`. */
async function cliIn(cwd: string, ...argv: string[]) {
  const was = process.cwd();
  process.chdir(cwd);
  try {
    return await cli(...argv);
  } finally {
    process.chdir(was);
  }
}

describe('an output apart from the inputs', () => {
  it('build -o . --force in the firmware folder is refused, one line naming both; nothing changes', async () => {
    const d = firmwareFolder();
    const before = snapshot(d);
    const r = await cliIn(d, 'build', 'host.txt', '-o', '.', '--force');
    expect(r.code).toBe(2);
    expect(r.err).toBe('dom0-acpi: error: .: the output folder holds the input host.txt: give an output apart from the inputs\n');
    expect(snapshot(d)).toEqual(before);
  });

  it('-o . is refused even when the current folder holds no input (it would be replaced under the shell)', async () => {
    const d = tmp('cwd-');
    const r = await cliIn(d, 'build', HOST, '-o', '.');
    expect(r.code).toBe(2);
    expect(r.err).toBe('dom0-acpi: error: .: the output folder is the current folder: give a folder of its own (it is replaced as a whole)\n');
    const up = await cliIn(join(d), 'extract', HOST, '-o', '..', '--force');
    expect(up.err).toMatch(/^dom0-acpi: error: \.\.: the output folder (holds the current folder|holds the input)/);
    expect(readdirSync(d)).toEqual([]);
  });

  it('extract x/host.txt -o x --force and check x --fix -o x --force leave x as it was', async () => {
    const d = firmwareFolder();
    const x = join(d, 'x');
    mkdirSync(x);
    writeFileSync(join(x, 'host.txt'), readFileSync(HOST));
    writeFileSync(join(x, 'README'), 'keep me\n');
    const before = snapshot(d);
    const e = await cli('extract', join(x, 'host.txt'), '-o', x, '--force');
    expect(e.code).toBe(2);
    expect(e.err).toBe(`dom0-acpi: error: ${x}: the output folder holds the input ${join(x, 'host.txt')}: give an output apart from the inputs\n`);
    const f = await cli('check', x, '--fix', '-o', x, '--force');
    expect(f.code).toBe(2);
    expect(f.err).toMatch(new RegExp(`dom0-acpi: error: ${x}: the output is the input folder ${x}: give an output apart from the inputs\\n$`));
    expect(snapshot(d)).toEqual(before);
  });

  it('an output inside an input folder, or the input file itself, is refused for every command', async () => {
    const d = firmwareFolder();
    const before = snapshot(d);
    const cases: [string[], RegExp][] = [
      [['build', d, '-o', join(d, 'out')], /lies inside the input folder/],
      [['extract', d, '-o', join(d, 'bins')], /lies inside the input folder/],
      [['convert', d, '--to', 'binaries', '-o', join(d, 'bins')], /lies inside the input folder/],
      [['convert', join(d, 'host.txt'), '--to', 'text', '-o', join(d, 'host.txt'), '--force'], /the output is the input/],
      [['convert', d, '--to', 'image', '-o', join(d, 'mem.img')], /lies inside the input folder/],
      [['check', join(d, 'host.txt'), '--fix', '-o', join(d, 'host.txt'), '--force'], /the output is the input/],
    ];
    for (const [argv, why] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(why);
      expect(r.err.split('\n').filter((l) => l.includes('error:')).length).toBe(1); // one line
    }
    expect(snapshot(d)).toEqual(before);
  });

  it('through symbolic links: an output reached through a link to the input folder is refused', async () => {
    const d = firmwareFolder();
    const link = join(tmp('link-'), 'fw');
    symlinkSync(d, link);
    const before = snapshot(d);
    const r = await cli('build', join(d, 'host.txt'), '-o', link, '--force');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the output folder holds the input/);
    expect(snapshot(d)).toEqual(before);
  });
});

describe('--force replaces a previous output of dom0-acpi and nothing else', () => {
  it('a file the tool did not write is never deleted: refused, naming the first such file', async () => {
    const d = tmp('force-');
    const out = join(d, 'out');
    expect((await cli('build', HOST, '-o', out)).code).toBe(0);
    writeFileSync(join(out, 'tables', 'my-notes.txt'), 'mine\n');
    const before = snapshot(d);
    const r = await cli('build', HOST, '-o', out, '--force');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `dom0-acpi: error: ${join(out, 'tables/my-notes.txt')} was not written by dom0-acpi: --force replaces a previous output of dom0-acpi and nothing else (move it, or give another folder)\n`,
    );
    expect(snapshot(d)).toEqual(before);
  });

  it('a file of ours that something else rewrote is no longer ours', async () => {
    const d = tmp('force-');
    const out = join(d, 'out');
    expect((await cli('extract', HOST, '-o', out)).code).toBe(0);
    writeFileSync(join(out, 'facp.dat'), 'edited by hand');
    const r = await cli('extract', HOST, '-o', out, '--force');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/facp\.dat was not written by dom0-acpi/);
    expect(readFileSync(join(out, 'facp.dat'), 'utf8')).toBe('edited by hand');
  });

  it('a symbolic link inside an old output is not ours: refused, and nothing is followed', async () => {
    const d = tmp('force-');
    const out = join(d, 'out');
    const precious = join(d, 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'data'), 'precious\n');
    expect((await cli('build', HOST, '-o', out)).code).toBe(0);
    symlinkSync(precious, join(out, 'link'));
    const r = await cli('build', HOST, '-o', out, '--force');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/out\/link was not written by dom0-acpi/);
    expect(readFileSync(join(precious, 'data'), 'utf8')).toBe('precious\n');
  });

  it('-o naming a link to a previous output replaces it where it lives; the link stays', async () => {
    const d = tmp('force-');
    const real = join(d, 'real');
    expect((await cli('build', HOST, '-o', real)).code).toBe(0);
    symlinkSync(real, join(d, 'out'));
    expect((await cli('build', HOST, '-o', join(d, 'out'), '--force', '--vcpus', '2')).code).toBe(0);
    expect(lstatSync(join(d, 'out')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(real, 'manifest.json'), 'utf8')).options.vcpus).toBe(2);
    expect(readdirSync(d).sort()).toEqual(['out', 'real']);
  });

  it('a build output of a version that wrote no record is known by its manifest', async () => {
    const d = tmp('force-');
    const out = join(d, 'out');
    expect((await cli('build', HOST, '-o', out)).code).toBe(0);
    rmSync(join(out, RECORD));
    expect((await cli('build', HOST, '-o', out, '--force')).code).toBe(0);
    expect(existsSync(join(out, RECORD))).toBe(true);
  });

  it("a single file named with -o is the user's choice: refused when it exists, replaced whole with --force; nothing else is written beside it", async () => {
    const d = tmp('force-');
    const txt = join(d, 'dom0.txt');
    expect((await cli('convert', HOST, '--to', 'text', '-o', txt)).code).toBe(0);
    expect(readdirSync(d)).toEqual(['dom0.txt']); // no record, no temporary file
    writeFileSync(txt, 'a capture someone saved there\n');
    const r = await cli('convert', HOST, '--to', 'text', '-o', txt);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`dom0-acpi: error: ${txt} exists (--force replaces it)\n`);
    expect(readFileSync(txt, 'utf8')).toBe('a capture someone saved there\n');
    expect((await cli('convert', HOST, '--to', 'text', '-o', txt, '--force')).code).toBe(0);
    expect(readFileSync(txt, 'utf8')).toMatch(/^RSD PTR @ 0x/);
    expect((await cli('convert', HOST, '--to', 'image', '-o', join(d, 'mem.img'))).code).toBe(0);
    expect((await cli('convert', HOST, '--to', 'image', '-o', join(d, 'mem.img'), '--force')).code).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['dom0.txt', 'mem.img']);
  });
});

describe('standard output as -o -', () => {
  it('convert --to image -o - writes the image to a pipe, refuses a terminal, and never makes a file named -', async () => {
    const d = tmp('stdout-');
    let bytes = Buffer.alloc(0);
    let err = '';
    const { run } = await import('../../cli/run.js');
    const was = process.cwd();
    process.chdir(d);
    try {
      const io = { out: () => {}, err: (s: string) => void (err += s), outBytes: (b: Uint8Array) => void (bytes = Buffer.concat([bytes, b])), tty: false };
      expect(await run(['convert', HOST, '--to', 'image', '-o', '-'], io)).toBe(0);
      expect(err).toMatch(/^dom0-acpi: note: image: \d+ bytes at 0x000000007C430000/);
      expect(bytes.subarray(0x18, 0x20).toString('latin1')).toBe('RSD PTR ');
      const tty = await run(['convert', HOST, '--to', 'image', '-o', '-'], { ...io, tty: true });
      expect(tty).toBe(2);
      expect(err).toMatch(/-o -: binary output to a terminal/);
      for (const argv of [
        ['extract', HOST, '-o', '-'],
        ['convert', HOST, '--to', 'binaries', '-o', '-'],
        ['build', HOST, '-o', '-'],
        ['check', HOST, '--fix', '-o', '-'],
      ])
        expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(readdirSync(d)).toEqual([]);
    } finally {
      process.chdir(was);
    }
  });
});

// ---------------------------------------------------------------- killed at every step

const OLD = new Map<string, string>([
  ['a.txt', 'old a\n'],
  ['sub/b.txt', 'old b\n'],
]);
const NEW = new Map<string, string>([
  ['a.txt', 'new a\n'],
  ['sub/c.txt', 'new c\n'],
]);

/** A child process writes NEW to `target` (a folder or a file) with --force and kills itself with
 * SIGKILL before step `k` (counting from 1). Returns whether it was killed. */
function writeAndDie(kind: 'folder' | 'file', target: string, k: number): boolean {
  const script = `
    import { writeFolderAtomic, writeFileAtomic } from ${JSON.stringify(join(DIST_SRC, 'io/output.js'))};
    const [kind, target, k] = process.argv.slice(1);
    let n = 0;
    const onStep = () => { if (++n === Number(k)) process.kill(process.pid, 'SIGKILL'); };
    const files = new Map(${JSON.stringify([...NEW])});
    if (kind === 'folder') writeFolderAtomic(target, files, { force: true, onStep });
    else writeFileAtomic(target, 'new file\\n', { force: true, onStep });
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, kind, target, String(k)], { encoding: 'utf8' });
  if (r.signal !== 'SIGKILL' && r.status !== 0) throw new Error(r.stderr);
  return r.signal === 'SIGKILL';
}

const tree = (files: Map<string, string>) => Object.fromEntries([...files].map(([n, s]) => [n, Buffer.from(s).toString('hex')]));
const withoutRecord = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([n]) => n !== RECORD));

describe.skipIf(!BUILT)('a write killed at any step (SIGKILL) leaves the old output or the new one, whole', () => {
  for (const previous of [false, true]) {
    it(`a folder${previous ? ' replacing a previous output' : ''}`, () => {
      let killedAt = 0;
      for (let k = 1; ; k++) {
        const parent = tmp('killstep-');
        writeFileSync(join(parent, 'notes.md'), 'mine\n');
        const out = join(parent, 'out');
        if (previous) writeFolderAtomic(out, OLD);
        const killed = writeAndDie('folder', out, k);
        expect(readFileSync(join(parent, 'notes.md'), 'utf8')).toBe('mine\n');
        const now = withoutRecord(snapshot(out));
        if (existsSync(out)) expect([tree(NEW), ...(previous ? [tree(OLD)] : [])]).toContainEqual(now);
        else if (previous) expect(leftBeside(out)).toBeDefined(); // between the two renames: both whole beside it
        // the next run is not confused by what the killed one left
        writeFolderAtomic(out, NEW, { force: true });
        expect(withoutRecord(snapshot(out))).toEqual(tree(NEW));
        expect(readdirSync(parent).sort()).toEqual(['notes.md', 'out']);
        if (!killed) break;
        killedAt = k;
      }
      expect(killedAt).toBeGreaterThanOrEqual(previous ? 8 : 5); // every step was a kill point
    });

    it(`a single file${previous ? ' replacing a previous output' : ''}`, () => {
      let killedAt = 0;
      for (let k = 1; ; k++) {
        const parent = tmp('killstep-');
        writeFileSync(join(parent, 'notes.md'), 'mine\n');
        const out = join(parent, 'x.txt');
        if (previous) writeFileAtomic(out, 'old file\n');
        const killed = writeAndDie('file', out, k);
        expect(readFileSync(join(parent, 'notes.md'), 'utf8')).toBe('mine\n');
        if (existsSync(out)) expect(['new file\n', ...(previous ? ['old file\n'] : [])]).toContain(readFileSync(out, 'utf8'));
        writeFileAtomic(out, 'next\n', { force: true });
        expect(readFileSync(out, 'utf8')).toBe('next\n');
        expect(readdirSync(parent).sort()).toEqual(['notes.md', 'x.txt']);
        if (!killed) break;
        killedAt = k;
      }
      expect(killedAt).toBeGreaterThanOrEqual(2);
    });
  }

  it('a folder a killed run left with a file cut short (its record names it) is cleared by the next run', () => {
    const parent = tmp('killcut-');
    const out = join(parent, 'out');
    writeFolderAtomic(out, OLD);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that is gone
    const box = tempPrefix(out, 'new', dead) + 'Ab3dE9';
    mkdirSync(box, { mode: 0o700 });
    const left = join(box, 'output');
    mkdirSync(join(left, 'sub'), { recursive: true });
    copyFileSync(join(out, RECORD), join(left, RECORD));
    writeFileSync(join(left, 'a.txt'), 'new'); // cut short: not the content the record names
    writeFolderAtomic(out, NEW, { force: true });
    expect(readdirSync(parent).sort()).toEqual(['out']);
    expect(withoutRecord(snapshot(out))).toEqual(tree(NEW));
  });

  it('the real command, killed at random moments while replacing its output, never loses a file', async () => {
    const parent = tmp('killcli-');
    writeFileSync(join(parent, 'notes.md'), 'mine\n');
    const out = join(parent, 'out');
    const host = join(SAMPLES, 'server-128cpu', 'acpidump.txt');
    expect((await cli('build', host, '-o', out)).code).toBe(0);
    const whole = withoutRecord(snapshot(out));
    for (let i = 0; i < 12; i++) {
      const child = spawn(process.execPath, [BIN, 'build', host, '-o', out, '--force'], { stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, 40 + i * 15));
      child.kill('SIGKILL');
      await closed;
      expect(readFileSync(join(parent, 'notes.md'), 'utf8')).toBe('mine\n');
      if (existsSync(out)) expect(withoutRecord(snapshot(out))).toEqual(whole);
      else expect(leftBeside(out)).toBeDefined();
      const again = await cli('build', host, '-o', out, '--force');
      expect(again.code).toBe(0);
      expect(readdirSync(parent).sort()).toEqual(['notes.md', 'out']);
    }
  });
});
