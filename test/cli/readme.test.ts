// Every example in README.md runs as written: each `$ dom0-acpi …` block is run and its printed
// lines compared (a line "…" stands for any lines, a "…" inside a line for any text); each plain
// shell block runs line by line with exit 0; the CI recipe's dom0-acpi steps run; the library
// example runs as TypeScript against src/; every `npm …` line names a script package.json has.
// All run in a scratch folder laid out as the examples expect (samples/, firmware/, fleet/); none needs
// what a user's clone lacks (the shared corpus).
import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTable } from '../../src/tables/registry.js';
import { spawnSync } from 'node:child_process';
import { BUILT, cli, ROOT, SAMPLES, tmp } from '../helpers.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  lang: string;
  line: number;
  lines: string[];
}

function blocks(): Block[] {
  const out: Block[] = [];
  const all = README.split('\n');
  for (let i = 0; i < all.length; i++) {
    const m = /^```(\w*)$/.exec(all[i]);
    if (!m || !m[1]) continue;
    const start = i + 1;
    while (i + 1 < all.length && all[i + 1] !== '```') i++;
    out.push({ lang: m[1], line: start, lines: all.slice(start, i + 1) });
    i++;
  }
  return out;
}

/** Shell words: spaces split, double quotes group; a comment ends the line. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m; (m = re.exec(line));) {
    if (m[2]?.startsWith('#')) break;
    out.push(m[1] ?? m[2]);
  }
  return out;
}

/** The dom0-acpi part of a shell line (up to a redirection or a && / || list). */
function dom0Command(line: string): string[] | undefined {
  const at = /(^|[\s:])dom0-acpi /.exec(line);
  if (!at) return undefined;
  const w = words(line.slice(at.index + at[1].length));
  const end = w.findIndex((x) => x === '>' || x === '||' || x === '&&' || x === '|');
  return (end < 0 ? w : w.slice(0, end)).slice(1);
}

/** Expected lines against printed ones: "…" alone skips any lines, "…" inside a line any text. */
function matches(expected: string[], actual: string[]): boolean {
  const pattern = (l: string) =>
    new RegExp(
      '^' +
        l
          .split('…')
          .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
    );
  const go = (i: number, j: number): boolean => {
    if (i === expected.length) return j === actual.length;
    if (expected[i].trim() === '…') {
      for (let k = j; k <= actual.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    return j < actual.length && pattern(expected[i]).test(actual[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/** A scratch folder laid out as the README's examples assume. */
function workspace(): string {
  const root = tmp('readme-');
  const work = join(root, 'work');
  mkdirSync(join(work, 'firmware'), { recursive: true });
  symlinkSync(SAMPLES, join(work, 'samples'));
  copyFileSync(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), join(work, 'firmware', 'acpidump.txt'));
  mkdirSync(join(work, 'fleet'));
  for (const [i, host] of ['qemu-virt-gicv3', 'gicv2-8cpu', 'server-128cpu'].entries())
    copyFileSync(join(SAMPLES, host, 'acpidump.txt'), join(work, 'fleet', `host000${i + 1}.txt`));
  return work;
}

async function inside<T>(dir: string, f: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await f();
  } finally {
    process.chdir(cwd);
  }
}

const all = blocks();
const transcripts = all.filter((b) => b.lang === 'sh' && b.lines[0]?.startsWith('$ dom0-acpi '));
const scripts = all.filter((b) => b.lang === 'sh' && b.lines.some((l) => l.startsWith('dom0-acpi ')));

describe('README examples run as written', () => {
  it('no example needs what a clone lacks (the shared corpus)', () => {
    const commands = all.flatMap((b) => b.lines.map((l) => dom0Command(l)).filter((a): a is string[] => a !== undefined));
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((a) => a.some((w) => w.includes('shared/corpus')))).toEqual([]);
  });

  it('finds the examples', () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(5);
    expect(scripts.length).toBeGreaterThanOrEqual(1);
  });

  // in README order, in one folder: a later example reads what an earlier one wrote (diff reads build's out/)
  let shared: string | undefined;
  it.each(transcripts.map((b) => [b.lines[0].slice(2), b] as const))('$ %s', async (_, b) => {
    const args = dom0Command(b.lines[0])!;
    shared ??= workspace();
    const r = await inside(shared, () => cli(...args));
    const printed = (r.err + r.out).replace(/\n$/, '').split('\n');
    expect([0, 1]).toContain(r.code);
    expect(matches(b.lines.slice(1), printed), `README.md:${b.line}\nexpected:\n${b.lines.slice(1).join('\n')}\nprinted:\n${printed.join('\n')}`).toBe(true);
  });

  it.each(scripts.map((b) => [`README.md:${b.line}`, b] as const))('the commands at %s, in order', async (_, b) => {
    const work = workspace();
    await inside(work, async () => {
      expect((await cli('extract', 'firmware/acpidump.txt', '-o', 'tables/')).code).toBe(0); // a user's acpidump -b folder
      for (const line of b.lines.filter((l) => l.startsWith('dom0-acpi '))) {
        const r = await cli(...dom0Command(line)!);
        expect(r.code, `${line}\n${r.err}`).toBe(0);
      }
    });
  });

  it('the CI recipe’s dom0-acpi steps', async () => {
    const yaml = all.find((b) => b.lang === 'yaml' && b.lines.some((l) => l.includes('dom0-acpi check')))!;
    const steps = yaml.lines.filter((l) => /^\s*- run: (.*\s)?dom0-acpi /.test(l));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    await inside(workspace(), async () => {
      writeFileSync(join(process.cwd(), 'old.txt'), readFileSync('firmware/acpidump.txt'));
      for (const step of steps) {
        const args = dom0Command(step.replaceAll('/tmp/old.txt', 'old.txt'))!;
        const r = await cli(...args);
        expect(r.code, `${step}\n${r.err}`).toBe(0);
        if (args.includes('junit')) expect(r.out).toMatch(/^<\?xml/);
        if (args.includes('github')) expect(r.out).toMatch(/^::notice /m);
      }
    });
  });

  it('the library example', async () => {
    const ts = all.find((b) => b.lang === 'ts' && b.lines.some((l) => l.includes("from 'dom0-acpi'")))!;
    const work = workspace();
    copyFileSync(join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), join(work, 'acpidump.txt'));
    const file = join(work, 'example.ts');
    const logged: unknown[] = [];
    const source = ts.lines
      .join('\n')
      .replace("from 'dom0-acpi'", `from '${join(ROOT, 'src', 'index.js')}'`)
      .replace(/console\.log\(/g, 'globalThis.__readmeLog(');
    writeFileSync(file, source + '\nexport { bytes, out };\n');
    (globalThis as { __readmeLog?: (v: unknown) => void }).__readmeLog = (v) => logged.push(v);
    const mod = (await inside(work, () => import(file))) as { bytes: Uint8Array; out: { dtb?: Uint8Array } };
    expect(logged).toEqual([[0n, 1n, 2n, 3n]]);
    const made = decodeTable(mod.bytes);
    expect(made.findings).toEqual([]);
    expect(made.table!.items?.length).toBe(4);
    expect(made.table!.items?.[3].fields).toMatchObject({ type: 0x0b, uid: 99, arm_mpidr: 0x10000n });
    expect(mod.out.dtb?.length).toBeGreaterThan(0);
    expect(readFileSync(join(work, 'dom0.dtb')).equals(Buffer.from(mod.out.dtb!))).toBe(true);
    expect(existsSync(join(work, 'out', 'manifest.json'))).toBe(true);
  });

  it.skipIf(!BUILT)('the library example type-checks with tsc --strict against the published declarations', () => {
    const ts = all.find((b) => b.lang === 'ts' && b.lines.some((l) => l.includes("from 'dom0-acpi'")))!;
    const work = tmp('readme-tsc-');
    // installed as a user installs it: the package by its name, its types from package.json
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(ROOT, join(work, 'node_modules', 'dom0-acpi'));
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(work, 'example.ts'), ts.lines.join('\n') + '\n');
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        target: 'es2022',
        skipLibCheck: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['example.ts'],
    };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('every npm command names a script package.json has', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const npm = all.flatMap((b) => b.lines.flatMap((l) => l.split('&&').map((s) => s.replace(/#.*$/, '').trim()))).filter((l) => l.startsWith('npm '));
    expect(npm.length).toBeGreaterThan(4);
    for (const l of npm) {
      const w = words(l);
      const script = w[1] === 'run' ? w[2] : w[1];
      if (script === 'ci' || script === 'install' || script === 'pack') continue;
      expect(pkg.scripts, l).toHaveProperty(script);
    }
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true); // npm ci needs it
  });
});
