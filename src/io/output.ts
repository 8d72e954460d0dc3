// Atomic output: everything is written into a temporary sibling and renamed into place, so an
// interrupted run leaves either the old state or the complete new one, never a half-written file.
import { mkdtempSync, writeFileSync, renameSync, rmSync, existsSync, readdirSync, statSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, basename, join, resolve, sep } from 'node:path';

export class OutputExistsError extends Error {
  constructor(
    readonly path: string,
    why = `${path} exists and is not empty (use --force to replace it)`,
  ) {
    super(why);
    this.name = 'OutputExistsError';
  }
}

/** The process umask, read without changing it for longer than the call. */
function currentUmask(): number {
  try {
    const m = process.umask(0);
    process.umask(m);
    return m;
  } catch {
    return 0o022; // worker threads cannot read it: the common default
  }
}

/** Write a folder of files (relative names, '/'-separated) atomically. */
export function writeFolderAtomic(dir: string, files: Map<string, Uint8Array | string>, opts: { force?: boolean } = {}): void {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new OutputExistsError(dir);
    if (readdirSync(target).length && !opts.force) throw new OutputExistsError(dir);
  }
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  // mkdtemp makes the folder 0700; the result gets the mode an existing folder had, or what mkdir
  // would give under the umask
  const mode = existsSync(target) ? statSync(target).mode & 0o7777 : 0o777 & ~currentUmask();
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    chmodSync(tmp, mode);
    for (const [name, data] of files) {
      const p = resolve(tmp, name);
      if (!p.startsWith(tmp + sep)) throw new Error(`refusing to write outside the output folder: ${name}`);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
    }
    if (existsSync(target)) {
      const old = `${tmp}.old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Write one file atomically (temporary file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string, opts: { force?: boolean } = {}): void {
  const target = resolve(path);
  if (existsSync(target) && statSync(target).isDirectory()) throw new OutputExistsError(path, `${path} is a folder: give a file name for this output`);
  if (existsSync(target) && !opts.force) throw new OutputExistsError(path);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${dirname(target)}/.${basename(target)}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
