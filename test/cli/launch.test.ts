// The installed command (dist/dom0-acpi.cjs) loads the bundle through a V8 code cache: made after
// the first run of a command, used by the next, one per command, old bundles' caches pruned; off
// with DOM0_ACPI_CACHE=off; an unwritable cache folder changes nothing but speed.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, BUILT, ROOT, SAMPLES, tmp } from '../helpers.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const run = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

describe.skipIf(!BUILT)('the launcher and its code cache', () => {
  it('makes one cache per command after the first run, uses it after, and prunes other bundles’ caches', () => {
    const cache = join(tmp('v8cache-'), 'c');
    mkdirSync(cache);
    writeFileSync(join(cache, 'v0.0.0-1-2-build.v8cache'), 'stale');
    const first = run({ DOM0_ACPI_CACHE: cache }, '--version');
    expect(first.status).toBe(0);
    expect(first.stdout.trim()).toBe(version);
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^v\d+\.\d+\.\d+-\d+-\d+-none\.v8cache$/)]);
    const out = join(tmp('v8cache-'), 'o');
    expect(run({ DOM0_ACPI_CACHE: cache }, 'build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out).status).toBe(0);
    const files = readdirSync(cache).sort();
    expect(files.map((f) => f.replace(/^.*-/, ''))).toEqual(['build.v8cache', 'none.v8cache']);
    const before = readFileSync(join(cache, files[0]));
    expect(run({ DOM0_ACPI_CACHE: cache }, 'build', join(SAMPLES, 'qemu-virt-gicv3', 'acpidump.txt'), '-o', out, '--force').status).toBe(0);
    expect(readFileSync(join(cache, files[0])).equals(before)).toBe(true); // used, not rewritten
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
});
