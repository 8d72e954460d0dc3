#!/usr/bin/env node
// The installed command: loads the CLI bundle (bundle.cjs beside this file) through a V8 code
// cache, so a run after the first does not compile the bundle again. The cache is keyed by the
// bundle's size and modification time and the Node version (V8 itself checks only the source's
// length), lives in $DOM0_ACPI_CACHE, else $XDG_CACHE_HOME/dom0-acpi or ~/.cache/dom0-acpi, and is
// written after the command ran (so it holds the functions the command compiled), atomically,
// only when missing or rejected. DOM0_ACPI_CACHE=off turns it off; an unwritable place is ignored.
import { readFileSync, statSync, mkdirSync, writeFileSync, renameSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'bundle.cjs');
const setting = process.env.DOM0_ACPI_CACHE;
const dir = setting === 'off' ? undefined : setting || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dom0-acpi');
const st = statSync(bundle);
const key = `${process.version}-${st.size}-${Math.trunc(st.mtimeMs)}`;
// one cache per command: each holds what its command compiles (build's is not --version's)
const command = process.argv.slice(2).find((a) => /^[a-z]+$/.test(a)) ?? 'none';
const cacheFile = dir && join(dir, `${key}-${command}.v8cache`);

let cachedData: Buffer | undefined;
try {
  cachedData = cacheFile ? readFileSync(cacheFile) : undefined;
} catch {
  cachedData = undefined; // not made yet
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`, {
  filename: bundle,
  cachedData,
});
const mod: { exports: { main?: (argv: string[]) => Promise<void> } } = { exports: {} };
(script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(bundle), mod, bundle, here);
// no top-level await: this file is bundled as CommonJS (Node starts a CommonJS entry some 4 ms
// sooner than an ES module one)
void mod.exports.main!(process.argv.slice(2)).then(saveCache);

/** Keep the code the command compiled, for the next run. */
function saveCache(): void {
  if (!cacheFile || !dir || (cachedData && !script.cachedDataRejected)) return;
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
    // caches of other bundles or Node versions are dead: keep the folder to this bundle's
    for (const f of readdirSync(dir)) if (f.endsWith('.v8cache') && !f.startsWith(`${key}-`)) rmSync(join(dir, f), { force: true });
  } catch {
    // a read-only home, a full disk: run without a cache
  }
}
