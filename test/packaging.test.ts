// What `npm pack` ships, and that a user of the tarball has what the docs point at: the packed file
// list (dist, docs, samples, README, LICENSE, CHANGELOG; no tests, benches, fuzzers, sources or
// source maps), every relative link in the packed Markdown resolving inside the package, --help
// naming no file the package lacks, engines matching the build target and the dependencies, and the
// CLI and the library running from the unpacked tarball alone.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, readdirSync } from 'node:fs';
import { join, dirname, normalize } from 'node:path';
import { BUILT, ROOT, tmp } from './helpers.js';
import { cli } from './helpers.js';

interface Pack {
  filename: string;
  files: { path: string }[];
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  main: string;
};

function pack(dest?: string): Pack {
  const args = ['pack', '--json', '--ignore-scripts', ...(dest ? ['--pack-destination', dest] : ['--dry-run'])];
  return (JSON.parse(execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Pack[])[0];
}

describe.skipIf(!BUILT)('the packed tarball', () => {
  const files = BUILT ? pack().files.map((f) => f.path) : [];

  it('ships what a user needs and nothing of the development tree', () => {
    for (const f of [
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'package.json',
      pkg.bin['dom0-acpi'],
      pkg.main,
      'dist/src/index.d.ts',
      'docs/checks.md',
      'docs/consumers.md',
      'samples/qemu-virt-gicv3/acpidump.txt',
    ])
      expect(files, f).toContain(f);
    const bad = files.filter(
      (f) =>
        /^(test|bench|fuzz|scripts|src|cli|\.ci)\//.test(f) ||
        /^dist\/(test|bench|fuzz|samples|cli)\//.test(f) ||
        /\.map$|\.tsbuildinfo$|^samples\/[^/]+\.ts$/.test(f),
    );
    expect(bad).toEqual([]);
  });

  it('every relative link in the packed Markdown resolves inside the package', () => {
    const missing: string[] = [];
    for (const md of files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, md), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const p = normalize(join(dirname(md), target)).replace(/\/$/, '');
        if (!files.some((f) => f === p || f.startsWith(p + '/'))) missing.push(`${md} → ${target}`);
      }
      // bare mentions of a Markdown file (docs/x.md, SPEC.md) must name a packed file too
      for (const m of text.matchAll(/(?<![\w/.-])((?:docs\/)?[\w-]+\.md)\b/g))
        if (!files.includes(m[1]) && !files.includes(`docs/${m[1]}`)) missing.push(`${md} mentions ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('--help of every command names no file the package lacks', async () => {
    const commands = ['', 'dump', 'extract', 'convert', 'build', 'diff', 'check', 'completion'];
    for (const c of commands) {
      const r = await cli(...(c ? [c, '--help'] : ['--help']));
      for (const m of (r.out + r.err).matchAll(/[\w./-]+\.(md|txt|json)\b/g)) {
        if (m[0].endsWith('.txt') || m[0].endsWith('.json')) continue; // example input names
        expect(files, `${c || 'dom0-acpi'} --help mentions ${m[0]}`).toContain(m[0]);
      }
    }
  });

  it('engines states the Node the build targets and the dependencies need', () => {
    const min = Number(/^>=(\d+)/.exec(pkg.engines.node)?.[1]);
    expect(readFileSync(join(ROOT, 'scripts', 'bundle.mjs'), 'utf8')).toContain(`target: 'node${min}'`);
    for (const dep of Object.keys(pkg.dependencies)) {
      const need = (JSON.parse(readFileSync(join(ROOT, 'node_modules', dep, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
      const floor = need ? Number(/(\d+)/.exec(need)?.[1]) : 0;
      expect(floor, `${dep} needs node ${need}`).toBeLessThanOrEqual(min);
    }
  });

  it('the unpacked tarball runs: the CLI alone (bundled), the library with its dependencies', () => {
    const dir = tmp('pack-');
    const { filename } = pack(dir);
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', dir]);
    const root = join(dir, 'package');
    const run = (...a: string[]) =>
      execFileSync(process.execPath, [join(root, pkg.bin['dom0-acpi']), ...a], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(run('--version').trim()).toMatch(/^\d+\.\d+\.\d+$/);
    run('build', 'samples/qemu-virt-gicv3/acpidump.txt', '-o', 'out', '--bootargs', 'console=hvc0');
    expect(readdirSync(join(root, 'out')).sort()).toContain('dom0.dtb');
    expect(run('dump', 'out/dom0.dtb')).toMatch(/^\/dts-v1\/;/);
    // the library: only its runtime dependencies beside it
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { readTables, buildDom0 } from '${join(root, pkg.main)}'; const { set } = readTables('samples/qemu-virt-gicv3/acpidump.txt'); console.log(buildDom0(set, { profile: 'xen' }).tables.tables.length);`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(Number(out.trim())).toBeGreaterThan(4);
    // require() of the ES module: what engines' 20.19 is for
    const required = execFileSync(
      process.execPath,
      ['-e', `const { readTables } = require('${join(root, pkg.main)}'); console.log(readTables('samples/qemu-virt-gicv3/acpidump.txt').set.tables.length);`],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(Number(required.trim())).toBeGreaterThan(4);
  });

  it('engines states the real floor: 20.19, where require() of an ES module needs no flag', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major > 20 || minor >= 19).toBe(true); // the tests run where the floor holds
  });
});
