// Atomic output: everything is written into a temporary sibling and renamed into place, so an
// interrupted run leaves either the old state or the complete new one, never a half-written file.
import { mkdtempSync, writeFileSync, renameSync, rmSync, existsSync, readdirSync, statSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, basename, join, resolve, sep } from 'node:path';

/** An output that cannot or may not be written; the message names the path as the user gave it. */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(why);
    this.name = 'OutputError';
  }
}

/** A file-system failure while writing, in words, naming the output (never an internal temp file). */
function failed(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is not a folder',
    EEXIST: 'a part of the path is not a folder', // mkdir -p over a file
  };
  return code && words[code] ? new OutputError(path, `${path}: cannot write: ${words[code]}`) : (e as Error);
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
    if (!statSync(target).isDirectory()) throw new OutputError(dir, `${dir} is a file: give a folder for this output`);
    if (readdirSync(target).length && !opts.force) throw new OutputError(dir, `${dir} exists and is not empty (use --force to replace it)`);
  }
  try {
    writeFolder(target, files);
  } catch (e) {
    throw failed(dir, e);
  }
}

function writeFolder(target: string, files: Map<string, Uint8Array | string>): void {
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
  if (existsSync(target) && statSync(target).isDirectory()) throw new OutputError(path, `${path} is a folder: give a file name for this output`);
  if (existsSync(target) && !opts.force) throw new OutputError(path, `${path} exists (use --force to replace it)`);
  const tmp = `${dirname(target)}/.${basename(target)}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was made (the folder could not be)
    }
    throw failed(path, e);
  }
}
