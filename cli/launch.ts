#!/usr/bin/env node
// The installed command: loads the CLI bundle (bundle.cjs beside this file) through a V8 code
// cache, so a run after the first does not compile the bundle again (docs/perf.md: 15-20 ms of
// each run). The cache lives in $DOM0_ACPI_CACHE, else
// $XDG_CACHE_HOME/dom0-acpi or ~/.cache/dom0-acpi; DOM0_ACPI_CACHE=off turns it off, and an
// unwritable place is ignored. Several installs may share the folder: each names its files by the
// bundle's real path (hashed), keeps them to its own current bundle, and never touches another's.
// A file starts with a header naming the install, the bundle (size, modification time) and the
// Node version; V8 checks only the source's length, so a file whose header is not exactly ours
// (corrupt, another install's, an old bundle's) is not given to V8, and is written afresh. The
// cache is written after the command ran (it then holds the functions the command compiled),
// atomically, only when missing or rejected.
import { readFileSync, statSync, mkdirSync, writeFileSync, renameSync, readdirSync, rmSync, realpathSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { homedir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, 'bundle.cjs');
const setting = process.env.DOM0_ACPI_CACHE;
const dir = setting === 'off' ? undefined : setting || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dom0-acpi');
const st = statSync(bundle);
/** this install: its files' prefix in a folder other installs may share */
const install = createHash('sha256').update(realpathSync(bundle)).digest('hex').slice(0, 16);
const key = `${install}-${process.version}-${st.size}-${Math.trunc(st.mtimeMs)}`;
// one cache per command: each holds what its command compiles (build's is not --version's)
const command = process.argv.slice(2).find((a) => /^[a-z]+$/.test(a)) ?? 'none';
const cacheFile = dir && join(dir, `${key}-${command}.v8cache`);
const header = Buffer.from(`dom0-acpi v8 code cache\n${key}-${command}\n`);

let cachedData: Buffer | undefined;
try {
  const file = cacheFile ? readFileSync(cacheFile) : undefined;
  cachedData = file && file.subarray(0, header.length).equals(header) ? file.subarray(header.length) : undefined;
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
  // a fresh name, created exclusively: never written through a link planted in a shared cache folder
  const tmp = `${cacheFile}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]), { flag: 'wx', mode: 0o600 });
    renameSync(tmp, cacheFile);
    // this install's caches of an older bundle or another Node version are dead; others' are theirs
    for (const f of readdirSync(dir))
      if (f.startsWith(`${install}-`) && f.endsWith('.v8cache') && !f.startsWith(`${key}-`)) rmSync(join(dir, f), { force: true });
  } catch (e) {
    // a read-only home, a full disk: run without a cache, and leave no part of one (a name that was
    // there already, EEXIST, is not ours)
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing was made there (a path through a file)
      }
  }
}
