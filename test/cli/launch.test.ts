// The installed command (dist/dom0-acpi.cjs) loads the bundle through a V8 code cache: made after
// the first run of a command, used by the next, one per command; an install's own old caches
// pruned, other installs' in the same folder left alone; a corrupt or foreign file ignored and
// written afresh; off with DOM0_ACPI_CACHE=off; an unwritable cache folder changes nothing but speed.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, BUILT, ROOT, SAMPLES, tmp } from '../helpers.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const runWith = (bin: string, env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
const run = (env: Record<string, string>, ...args: string[]) => runWith(BIN, env, ...args);

/** A second install of the same version: the built command copied to another folder. */
function secondInstall(): string {
  const d = join(tmp('install-'), 'dist');
  mkdirSync(d);
  for (const f of ['dom0-acpi.cjs', 'bundle.cjs']) cpSync(join(ROOT, 'dist', f), join(d, f), { preserveTimestamps: true });
  return join(d, 'dom0-acpi.cjs');
}

describe.skipIf(!BUILT)('the launcher and its code cache', () => {
  it('makes one cache per command after the first run, and uses it after', () => {
    const cache = join(tmp('v8cache-'), 'c');
    const first = run({ DOM0_ACPI_CACHE: cache }, '--version');
    expect(first.status).toBe(0);
    expect(first.stdout.trim()).toBe(version);
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\d+-\d+-none\.v8cache$/)]);
    const out = join(tmp('v8cache-'), 'o');
    expect(run({ DOM0_ACPI_CACHE: cache }, 'build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out).status).toBe(0);
    const files = readdirSync(cache).sort();
    expect(files.map((f) => f.replace(/^.*-/, ''))).toEqual(['build.v8cache', 'none.v8cache']);
    const before = readFileSync(join(cache, files[0]));
    expect(run({ DOM0_ACPI_CACHE: cache }, 'build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--force').status).toBe(0);
    expect(readFileSync(join(cache, files[0])).equals(before)).toBe(true); // used, not rewritten
  });

  it('installs sharing a cache folder keep their own files; an install prunes only its own old ones', () => {
    const cache = join(tmp('v8cache-'), 'c');
    mkdirSync(cache);
    const other = secondInstall();
    expect(runWith(other, { DOM0_ACPI_CACHE: cache }, '--version').status).toBe(0);
    const theirs = readdirSync(cache);
    expect(theirs).toHaveLength(1);
    const prefix = theirs[0].slice(0, 16);
    // an old bundle's cache of this install, and of the other one
    const ours = () => readdirSync(cache).filter((f) => !f.startsWith(prefix));
    expect(run({ DOM0_ACPI_CACHE: cache }, '--version').status).toBe(0);
    const mine = ours()[0].slice(0, 16);
    writeFileSync(join(cache, `${mine}-v0.0.0-1-2-build.v8cache`), 'stale');
    writeFileSync(join(cache, `${prefix}-v0.0.0-1-2-build.v8cache`), 'theirs, stale');
    for (let i = 0; i < 3; i++) {
      expect(run({ DOM0_ACPI_CACHE: cache }, 'build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', join(tmp('o-'), 'o')).status).toBe(0);
      expect(runWith(other, { DOM0_ACPI_CACHE: cache }, '--version').status).toBe(0);
    }
    const files = readdirSync(cache).sort();
    // each install's current caches stay; this install's old one went; the other's old one is its own business
    expect(files.filter((f) => f.startsWith(prefix)).map((f) => f.replace(/^.*-/, ''))).toEqual(['build.v8cache', 'none.v8cache']);
    expect(files.filter((f) => f.startsWith(mine)).map((f) => f.replace(/^.*-/, ''))).toEqual(['build.v8cache', 'none.v8cache']);
    expect(files).toContain(`${prefix}-v0.0.0-1-2-build.v8cache`);
    expect(files).not.toContain(`${mine}-v0.0.0-1-2-build.v8cache`);
  });

  it('a corrupt or foreign cache file is not used, and is written afresh', () => {
    const cache = join(tmp('v8cache-'), 'c');
    expect(run({ DOM0_ACPI_CACHE: cache }, '--version').status).toBe(0);
    const [file] = readdirSync(cache);
    const good = readFileSync(join(cache, file));
    for (const bad of [Buffer.from('not a cache at all'), Buffer.concat([good.subarray(0, 40), Buffer.alloc(100, 0xee)]), good.subarray(50)]) {
      writeFileSync(join(cache, file), bad);
      const r = run({ DOM0_ACPI_CACHE: cache }, '--version');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(version);
      expect(r.stderr).toBe('');
      expect(readFileSync(join(cache, file)).subarray(0, 40).equals(good.subarray(0, 40))).toBe(true);
      expect(readFileSync(join(cache, file)).length).toBeGreaterThan(1000);
    }
  });

  it('DOM0_ACPI_CACHE=off writes nothing; an unwritable cache place is ignored', () => {
    const home = tmp('home-');
    const off = run({ DOM0_ACPI_CACHE: 'off', HOME: home, XDG_CACHE_HOME: '' }, '--version');
    expect(off.status).toBe(0);
    expect(readdirSync(home)).toEqual([]);
    const file = join(tmp('v8cache-'), 'a-file');
    writeFileSync(file, '');
    const blocked = run({ DOM0_ACPI_CACHE: join(file, 'sub') }, '--version');
    expect(blocked.status).toBe(0);
    expect(blocked.stdout.trim()).toBe(version);
    expect(blocked.stderr).toBe('');
  });

  it('the test run itself caches under its own temporary folder, never in the home cache', () => {
    expect(process.env.DOM0_ACPI_CACHE).toMatch(new RegExp(`^${process.env.DOM0_ACPI_TEST_TMP}`));
  });
});
