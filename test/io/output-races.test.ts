// Nothing is lost, round two (issue 27 §1): what real machines and adversaries do around an output.
// Another process writing into the output folder during --force; shared sticky folders and several
// users; a full disk; the replaced folder's group, mode and ACLs; an unwritable parent; links and
// folders planted at temporary names; hard links and bind mounts to an input; and the file system's
// refusals said in one line naming the path the user gave. The tests that need another user or a
// mount run as root (as CI does) and are skipped, saying so, elsewhere.
import { afterAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileAtomic, writeFolderAtomic, RECORD } from '../../src/io/output.js';
import { BIN, BUILT, SAMPLES, cli, tmp } from '../helpers.js';

const HOST = join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt');
const ROOT_USER = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = { uid: 65534, gid: 65534 };
const DAEMON = { uid: 1, gid: 1 };
const can = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const HAVE_ACL = can('setfacl', '--version') && can('getfacl', '--version');
if (!HAVE_ACL && process.env.CI === 'true') throw new Error('CI=true but getfacl/setfacl are not installed (.ci/run installs acl)');

/** Folders made outside the run's private temporary root (other users must reach them). */
const shared: string[] = [];
afterAll(() => {
  for (const d of shared) rmSync(d, { recursive: true, force: true });
});
function sharedFolder(mode: number): string {
  const d = mkdtempSync(join(tmpdir(), 'dom0-acpi-shared-'));
  chmodSync(d, mode);
  shared.push(d);
  return d;
}

/** The built command run as another user. */
function asUser(who: { uid: number; gid: number }, ...argv: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { ...who, encoding: 'utf8', env: { ...process.env, DOM0_ACPI_CACHE: 'off' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A tmpfs mounted for the test (root only), unmounted after it. */
async function withMount(options: string, f: (dir: string) => Promise<void>): Promise<void> {
  const dir = tmp('mnt-');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status !== 0) throw new Error('mount failed');
  try {
    await f(dir);
  } finally {
    spawnSync('umount', ['-l', dir]);
  }
}
const CAN_MOUNT =
  ROOT_USER && spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s']).status === 0;

describe('--force while another process writes into the output folder', () => {
  it('a file written into the folder between the check and the swap is kept in the new folder, and named', () => {
    const out = join(tmp('race-'), 'out');
    writeFolderAtomic(out, new Map([['a.txt', 'old a\n']]));
    const warnings: string[] = [];
    writeFolderAtomic(out, new Map([['a.txt', 'new a\n']]), {
      force: true,
      warn: (m) => warnings.push(m),
      onStep: (s) => {
        if (s === 'move the old folder aside') {
          writeFileSync(join(out, 'late.log'), 'written meanwhile\n');
          mkdirSync(join(out, 'cache'));
          writeFileSync(join(out, 'cache', 'x'), 'x\n');
        }
      },
    });
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('new a\n');
    expect(readFileSync(join(out, 'late.log'), 'utf8')).toBe('written meanwhile\n');
    expect(readFileSync(join(out, 'cache', 'x'), 'utf8')).toBe('x\n');
    expect(warnings).toEqual([
      expect.stringMatching(/^2 file\(s\) dom0-acpi did not write appeared in .*out while it ran: kept, in the new .*out: cache, late\.log$/),
    ]);
    expect(readdirSync(join(out, '..'))).toEqual(['out']);
  });

  it('one whose place the new output takes (ours, rewritten meanwhile) stays in the old folder, left beside it and named', () => {
    const parent = tmp('race-');
    const out = join(parent, 'out');
    writeFolderAtomic(out, new Map([['a.txt', 'old a\n']]));
    const warnings: string[] = [];
    writeFolderAtomic(out, new Map([['a.txt', 'new a\n']]), {
      force: true,
      warn: (m) => warnings.push(m),
      onStep: (s) => s === 'move the old folder aside' && writeFileSync(join(out, 'a.txt'), 'edited meanwhile\n'),
    });
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('new a\n');
    expect(warnings).toHaveLength(1);
    const kept = /kept, with the old output, in (\S+): a\.txt$/.exec(warnings[0])![1];
    expect(kept).toBe(`${realpathSync(out)}.kept-${kept.slice(-6)}`); // a visible name beside it, not a temporary one
    expect(readFileSync(join(kept, 'a.txt'), 'utf8')).toBe('edited meanwhile\n');
    // the next run leaves what it did not write where it is
    writeFolderAtomic(out, new Map([['a.txt', 'next\n']]), { force: true });
    expect(readFileSync(join(kept, 'a.txt'), 'utf8')).toBe('edited meanwhile\n');
  });

  it.skipIf(!BUILT)(
    'build --force 30 times while another process writes files into the folder: none is lost',
    async () => {
      const parent = tmp('race-');
      const out = join(parent, 'out');
      const safe = join(parent, 'safe');
      mkdirSync(safe);
      expect((await cli('build', HOST, '-o', out, '--no-report')).code).toBe(0);
      // the writer: files w0, w1, … one every few milliseconds (the next only once one is written),
      // never touched again: a file lost is a gap in the numbers
      const writer = spawn(process.execPath, [
        '-e',
        `const fs=require('fs');let i=0;const w=()=>{try{fs.writeFileSync(${JSON.stringify(out)}+'/w'+i,'');i++}catch{}setTimeout(w,40+Math.random()*160)};w()`,
      ]);
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = spawnSync(process.execPath, [BIN, 'build', HOST, '-o', out, '--force', '--no-report'], { encoding: 'utf8' });
        codes.push(r.status!);
        if (r.status !== 0) expect(r.stderr).toMatch(/was not written by dom0-acpi/); // the check before the work
        // a user moving their files out of the way before the next build
        for (const n of readdirSync(out)) if (n.startsWith('w')) renameSync(join(out, n), join(safe, n));
      }
      writer.kill();
      await new Promise((r) => writer.on('close', r));
      const kept = readdirSync(parent)
        .filter((n) => n.startsWith('.out.dom0-acpi-old-'))
        .flatMap((h) => readdirSync(join(parent, h, 'output')).filter((n) => n.startsWith('w')));
      const found = [...readdirSync(safe), ...readdirSync(out).filter((n) => n.startsWith('w')), ...kept].map((n) => Number(n.slice(1)));
      expect(found.length).toBeGreaterThan(10);
      expect(new Set(found).size).toBe(found.length);
      expect(Math.max(...found) + 1).toBe(found.length); // no gap: every file written is somewhere
      expect(codes.filter((c) => c === 0).length).toBeGreaterThan(0);
    },
    60_000,
  );
});

describe('single files in shared folders', () => {
  it.skipIf(!BUILT || !ROOT_USER)('two users write into one sticky folder (/tmp-like): each succeeds; nothing but the outputs is written', () => {
    const d = sharedFolder(0o1777);
    const a = asUser(NOBODY, 'report', HOST, '-o', join(d, 'a.html'));
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const b = asUser(DAEMON, 'convert', HOST, '--to', 'text', '-o', join(d, 'b.txt'));
    expect(b.code).toBe(0);
    expect(readdirSync(d).sort()).toEqual(['a.html', 'b.txt']);
    // another user's file there is theirs: --force cannot replace it (the sticky bit), said so
    const c = asUser(DAEMON, 'report', HOST, '-o', join(d, 'a.html'), '--force');
    expect(c.code).toBe(2);
    expect(c.err).toBe(
      `dom0-acpi: error: ${join(d, 'a.html')}: cannot replace it: it belongs to another user, in a folder where only a file's owner may replace it\n`,
    );
    expect(statSync(join(d, 'a.html')).uid).toBe(NOBODY.uid);
    expect(readdirSync(d).sort()).toEqual(['a.html', 'b.txt']);
  });

  it.skipIf(!BUILT)('ten convert -o into one folder at once: all ten written, and --force replaces each', async () => {
    const d = tmp('parallel-');
    const run = (i: number, ...more: string[]) =>
      new Promise<number>((res) => spawn(process.execPath, [BIN, 'convert', HOST, '--to', 'text', '-o', join(d, `f${i}.txt`), ...more]).on('close', res));
    expect(await Promise.all([...Array(10).keys()].map((i) => run(i)))).toEqual(Array(10).fill(0));
    expect(readdirSync(d).sort()).toEqual([...Array(10).keys()].map((i) => `f${i}.txt`).sort());
    expect(await Promise.all([...Array(10).keys()].map((i) => run(i, '--force')))).toEqual(Array(10).fill(0));
    expect(readdirSync(d)).toHaveLength(10);
  });

  it.skipIf(!CAN_MOUNT)('a full disk: the old file is whole, the error says so, and nothing is left behind', async () => {
    await withMount('size=256k', async (d) => {
      const out = join(d, 'r.txt');
      writeFileSync(out, 'the old file\n');
      writeFileSync(join(d, 'filler'), Buffer.alloc(160 << 10));
      const r = await cli('convert', join(SAMPLES, 'server-128cpu', 'acpidump.txt'), '--to', 'text', '-o', out, '--force');
      expect(r.code).toBe(2);
      expect(r.err).toBe(`dom0-acpi: error: ${out}: cannot write: no space left on the device\n`);
      expect(readFileSync(out, 'utf8')).toBe('the old file\n');
      expect(readdirSync(d).sort()).toEqual(['filler', 'r.txt']);
      // room again: the retry works
      rmSync(join(d, 'filler'));
      expect((await cli('convert', join(SAMPLES, 'server-128cpu', 'acpidump.txt'), '--to', 'text', '-o', out, '--force')).code).toBe(0);
    });
  });
});

describe('a replaced folder keeps what it was given', () => {
  it.skipIf(!BUILT || !ROOT_USER)('owner, group, mode (set-group-ID included) and, with the acl tools, access and default ACLs', async () => {
    const out = join(sharedFolder(0o755), 'out');
    expect((await cli('build', HOST, '-o', out, '--no-report')).code).toBe(0);
    chownSync(out, NOBODY.uid, DAEMON.gid);
    chmodSync(out, 0o2750);
    const acl = () => spawnSync('getfacl', ['--omit-header', '--absolute-names', out], { encoding: 'utf8' }).stdout;
    if (HAVE_ACL) expect(spawnSync('setfacl', ['-m', 'u:daemon:rwx,g:nogroup:rx,d:u:daemon:rwx', out]).status).toBe(0);
    const before = { st: statSync(out), acl: HAVE_ACL ? acl() : '' };
    const r = await cli('build', HOST, '-o', out, '--force', '--vcpus', '2', '--no-report');
    expect(r.code).toBe(0);
    const after = statSync(out);
    expect(after.ino).not.toBe(before.st.ino); // a new folder
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([NOBODY.uid, DAEMON.gid, before.st.mode & 0o7777]);
    if (HAVE_ACL) {
      expect(acl()).toBe(before.acl);
      expect(before.acl).toMatch(/default:user:daemon:rwx/);
    }
  });

  it.skipIf(!BUILT || !ROOT_USER)('a parent that cannot be written is the one named; the output is untouched', () => {
    const parent = sharedFolder(0o755); // root's
    const out = join(parent, 'out');
    mkdirSync(out);
    chownSync(out, NOBODY.uid, NOBODY.gid);
    const r = asUser(NOBODY, 'build', HOST, '-o', out, '--no-report');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `dom0-acpi: error: ${out}: cannot write: permission denied in ${parent}, the folder that holds it (the new output is made there and renamed into place)\n`,
    );
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('temporary names: unpredictable, created exclusively, never followed or adopted', () => {
  it('links planted at the names an earlier version used (pid-based) catch nothing', async () => {
    const d = tmp('plant-');
    const victim = join(d, 'victim');
    writeFileSync(victim, 'precious\n');
    for (let pid = process.pid - 50; pid < process.pid + 50; pid++) symlinkSync(victim, join(d, `.r.txt.dom0-acpi-tmp-${pid}`));
    expect((await cli('convert', HOST, '--to', 'text', '-o', join(d, 'r.txt'))).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(d, 'r.txt')).isFile()).toBe(true);
    expect(readdirSync(d).filter((n) => !n.startsWith('.r.txt.dom0-acpi-tmp-'))).toEqual(['r.txt', 'victim']);
  });

  it('each run names its temporary file anew (a random part beside the pid)', () => {
    const d = tmp('names-');
    const seen: string[] = [];
    const onStep = (s: string) => s === 'move the new file in' && seen.push(...readdirSync(d).filter((n) => n.includes('.dom0-acpi-tmp-')));
    writeFileAtomic(join(d, 'x.txt'), 'a', { onStep });
    writeFileAtomic(join(d, 'x.txt'), 'b', { onStep, force: true });
    expect(seen).toHaveLength(2);
    for (const n of seen) expect(n).toMatch(new RegExp(`^\\.x\\.txt\\.dom0-acpi-tmp-[0-9a-f]{8}-${process.pid}-[0-9A-Za-z]{12}$`));
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('a folder planted at a holder name (a gone pid) is neither adopted nor emptied unless it is private and ours', () => {
    const parent = tmp('plant-');
    const out = join(parent, 'out');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    // looks like a killed run's whole output, but anyone could have written into it (0755)
    const box = join(parent, `.out.dom0-acpi-new-${dead}-Plant1`);
    mkdirSync(join(box, 'output'), { recursive: true });
    writeFolderAtomic(join(parent, 'model'), new Map([['a.txt', 'planted\n']]));
    for (const n of [RECORD, 'a.txt']) writeFileSync(join(box, 'output', n), readFileSync(join(parent, 'model', n)));
    chmodSync(box, 0o755);
    writeFolderAtomic(out, new Map([['b.txt', 'mine\n']]));
    expect(readdirSync(out).sort()).toEqual([RECORD, 'b.txt']); // not adopted in its place
    expect(readFileSync(join(box, 'output', 'a.txt'), 'utf8')).toBe('planted\n'); // nothing of it deleted
  });

  it.skipIf(!ROOT_USER)("another user's private folder at a holder name is not touched either", () => {
    const parent = tmp('plant-');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const box = join(parent, `.out.dom0-acpi-old-${dead}-Plant2`);
    mkdirSync(join(box, 'output'), { recursive: true, mode: 0o700 });
    writeFileSync(join(box, 'output', 'theirs'), 'x');
    chownSync(join(box, 'output'), NOBODY.uid, NOBODY.gid);
    chownSync(box, NOBODY.uid, NOBODY.gid);
    writeFolderAtomic(join(parent, 'out'), new Map([['b.txt', 'mine\n']]));
    expect(existsSync(join(box, 'output', 'theirs'))).toBe(true);
  });
});

describe('an output is never an input, however it is spelled', () => {
  it('a hard link to the input, given as -o with --force, is refused', async () => {
    const d = tmp('hard-');
    const input = join(d, 'host.txt');
    writeFileSync(input, readFileSync(HOST));
    linkSync(input, join(d, 'other-name.txt'));
    const r = await cli('convert', input, '--to', 'text', '-o', join(d, 'other-name.txt'), '--force');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the output is the input .*host\.txt: give an output apart from the inputs\n$/);
    expect(readFileSync(input)).toEqual(readFileSync(HOST));
  });

  it.skipIf(!CAN_MOUNT)('an input folder reached through a bind mount is still that folder', async () => {
    const fw = tmp('bind-');
    writeFileSync(join(fw, 'host.txt'), readFileSync(HOST));
    const view = tmp('view-');
    expect(spawnSync('mount', ['--bind', fw, view]).status).toBe(0);
    try {
      const r = await cli('build', fw, '-o', join(view, 'out'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/lies inside the input folder/);
      expect(readdirSync(fw)).toEqual(['host.txt']);
    } finally {
      spawnSync('umount', ['-l', view]);
    }
  });
});

describe("the file system's refusals, in one line naming the path given", () => {
  const oneLine = (err: string) => {
    expect(err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(err).not.toMatch(/ENOENT|EACCES|EROFS|mkdir '|open '|dom0-acpi-(tmp|new|old)-/);
  };

  it('a dangling link on the way, /proc, a name too long', async () => {
    const d = tmp('msg-');
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling'));
    const was = process.cwd();
    process.chdir(d);
    try {
      const cases: [string, string][] = [
        ['dangling/r.html', 'dangling/r.html: cannot write: dangling is a symbolic link to nothing'],
        ['/proc/r.html', '/proc/r.html: cannot write: /proc does not take new files'],
        ['n'.repeat(300), `${'n'.repeat(300)}: cannot write: a name in the path is longer than the file system allows`],
      ];
      for (const [o, said] of cases) {
        const r = await cli('report', HOST, '-o', o);
        expect(r.code, o).toBe(2);
        expect(r.err).toBe(`dom0-acpi: error: ${said}\n`);
        oneLine(r.err);
      }
      // a long name that fits (250 bytes): its temporary name is shortened, and it is written
      expect((await cli('report', HOST, '-o', 'n'.repeat(250))).code).toBe(0);
      expect(readdirSync(d).sort()).toEqual(['dangling', 'n'.repeat(250)]);
    } finally {
      process.chdir(was);
    }
  });

  it.skipIf(!CAN_MOUNT)('a read-only mount', async () => {
    await withMount('ro,size=64k', async (d) => {
      for (const argv of [
        ['report', HOST, '-o', join(d, 'r.html')],
        ['build', HOST, '-o', join(d, 'out')],
      ]) {
        const r = await cli(...argv);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/^dom0-acpi: error: \S+: cannot write: read-only file system in \S+, the folder that holds it/);
        oneLine(r.err);
      }
    });
  });
});

describe('what cannot be replaced is said before anything is done; a write that stands is not called a failure', () => {
  it.skipIf(!BUILT || !ROOT_USER)('an old output folder that is read-only (0555), or holds a read-only folder: refused up front, nothing left behind', () => {
    const parent = sharedFolder(0o777);
    const out = join(parent, 'out');
    expect(asUser(NOBODY, 'build', HOST, '-o', out, '--no-report').code).toBe(0);
    for (const [ro, what] of [
      [out, 'it'],
      [join(out, 'tables'), `${join(out, 'tables')}, a folder in it,`],
    ] as const) {
      chmodSync(ro, 0o555);
      const r = asUser(NOBODY, 'build', HOST, '-o', out, '--force', '--no-report');
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `dom0-acpi: error: ${out}: cannot replace it: ${what} cannot be written (permission denied, mode 0555): make it writable, or give another folder\n`,
      );
      expect(readdirSync(parent)).toEqual(['out']); // no holder, no temporary folder
      chmodSync(ro, 0o755);
      // made writable again, the next run goes through
      expect(asUser(NOBODY, 'build', HOST, '-o', out, '--force', '--no-report').code).toBe(0);
      expect(readdirSync(parent)).toEqual(['out']);
    }
  });

  it('a folder another hand made in an old output, empty or not, is theirs: refused at the check, kept when it appears during the run', () => {
    const out = join(tmp('dirs-'), 'out');
    writeFolderAtomic(out, new Map([['tables/a.dat', 'a']]));
    mkdirSync(join(out, 'empty-but-mine'));
    expect(() => writeFolderAtomic(out, new Map([['tables/a.dat', 'b']]), { force: true })).toThrow(/empty-but-mine was not written by dom0-acpi/);
    rmSync(join(out, 'empty-but-mine'), { recursive: true });
    const warnings: string[] = [];
    writeFolderAtomic(out, new Map([['tables/a.dat', 'b']]), {
      force: true,
      warn: (m) => warnings.push(m),
      onStep: (s) => s === 'move the old folder aside' && mkdirSync(join(out, 'made-meanwhile')),
    });
    expect(lstatSync(join(out, 'made-meanwhile')).isDirectory()).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/kept, in the new .*: made-meanwhile$/)]);
  });

  it('a link planted in the new folder before the old one is cleared is not written through: the file stays with the old output', () => {
    const parent = tmp('plant-new-');
    const out = join(parent, 'out');
    const victim = join(parent, 'victim');
    mkdirSync(victim);
    writeFolderAtomic(out, new Map([['tables/a.dat', 'a']]));
    const warnings: string[] = [];
    writeFolderAtomic(out, new Map([['tables/a.dat', 'b']]), {
      force: true,
      warn: (m) => warnings.push(m),
      onStep: (s) => {
        if (s === 'move the old folder aside') writeFileSync(join(out, 'tables', 'mine.txt'), 'mine\n');
        if (s === 'remove the old folder') {
          rmSync(join(out, 'tables'), { recursive: true });
          symlinkSync(victim, join(out, 'tables'));
        }
      },
    });
    expect(readdirSync(victim)).toEqual([]);
    const kept = /kept, with the old output, in (\S+): tables\/mine\.txt$/.exec(warnings.at(-1)!)![1];
    expect(readFileSync(join(kept, 'tables', 'mine.txt'), 'utf8')).toBe('mine\n');
  });

  it('a baseline replaced by another process while --write-baseline worked is not overwritten without --force', () => {
    const d = tmp('baseline-race-');
    const b = join(d, 'base.json');
    writeFileSync(b, '{"old": true}\n');
    const replaces = () => true; // the file is one this write knows (a baseline)
    expect(() =>
      writeFileAtomic(b, '{"new": true}\n', {
        replaces,
        onStep: (s) => {
          if (s === 'move the new file in') {
            rmSync(b);
            writeFileSync(b, '{"theirs": true}\n');
          }
        },
      }),
    ).toThrow(/base\.json changed while dom0-acpi worked: not replaced \(--force replaces it\)/);
    expect(readFileSync(b, 'utf8')).toBe('{"theirs": true}\n');
    expect(readdirSync(d)).toEqual(['base.json']);
  });

  it('a FIFO named like the record in an old output is not ours, and is never waited on', () => {
    const out = join(tmp('fifo-record-'), 'out');
    writeFolderAtomic(out, new Map([['a.txt', 'a']]));
    rmSync(join(out, RECORD));
    expect(spawnSync('mkfifo', [join(out, RECORD)]).status).toBe(0);
    expect(() => writeFolderAtomic(out, new Map([['a.txt', 'b']]), { force: true })).toThrow(/was not written by dom0-acpi/);
    expect(lstatSync(join(out, RECORD)).isFIFO()).toBe(true);
  });

  it('an input named "<x.txt" is an input like any other', async () => {
    const d = tmp('angle-');
    const was = process.cwd();
    process.chdir(d);
    try {
      writeFileSync('<x.txt', readFileSync(HOST));
      const r = await cli('convert', '<x.txt', '--to', 'text', '-o', '<x.txt', '--force');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/the output is the input <x\.txt/);
      expect(readFileSync('<x.txt')).toEqual(readFileSync(HOST));
    } finally {
      process.chdir(was);
    }
  });

  it('a line feed in a path does not split a message: one line each, escaped', async () => {
    const r = await cli('dump', join(tmp('lf-'), 'no\nsuch'));
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toMatch(/no\\x0asuch: no such file or folder\n$/);
  });
});
