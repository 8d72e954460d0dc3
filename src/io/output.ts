// Writing outputs so that nothing is ever lost:
// - an output never is, holds or lies inside an input, and a folder output never is or holds the
//   current folder;
// - every output records what it wrote (a folder: its own `.dom0-acpi-files.json`; a single file:
//   the one in the folder beside it), name and SHA-256, and `force` replaces only what that record
//   names with the content it names — a file the tool did not write is never deleted or overwritten;
// - new contents are made beside the old ones and renamed into place. A file is replaced by one
//   rename. A folder takes two (Node has no atomic exchange of two folders): the old one is renamed
//   aside, the new one into place. A run killed between the two leaves the path empty for that
//   instant with both whole beside it; the next write (or a reader's hint) finds them, and the
//   next write puts the new one in place first. Leftovers of killed runs are named by the pid of
//   the run that made them and removed once that process is gone.
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
  type Stats,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Refusal } from '../layout/diagnostics.js';

/** An output that cannot or may not be written; the message names the path as the user gave it. */
export class OutputError extends Refusal {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(why);
    this.name = 'OutputError';
  }
}

/** The record of what dom0-acpi wrote into a folder. */
export const RECORD = '.dom0-acpi-files.json';
/** The manifest of a build output: outputs written before records existed are recognised by it. */
const LEGACY_MANIFEST = 'manifest.json';
/** The report a build writes beside its manifest. */
export const REPORT = 'report.html';

export interface WriteOptions {
  /** replace a previous output of dom0-acpi at the path (never anything else) */
  force?: boolean;
  /** the paths the command read: the output may not be, hold, or lie inside any of them */
  inputs?: readonly string[];
  /** called before each file-system step with its name (the tests kill the process there) */
  onStep?: (step: string) => void;
  /** a single file: an existing file whose content this accepts is a previous output of this kind
   * (a check baseline knows its own format) and is replaced without --force or a record */
  replaces?: (content: Uint8Array) => boolean;
}

/** Bytes, text, or a function that makes the file at the path it is given (a large copy). */
export type FileData = Uint8Array | string | ((path: string) => void);

/** A file-system failure while writing, in words, naming the output (never an internal temp file). */
function failed(path: string, e: unknown): Error {
  if (e instanceof OutputError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is not a folder',
    EEXIST: 'a part of the path is not a folder', // mkdir -p over a file
    EBUSY: 'the path is in use (a mount point?)',
    EXDEV: 'the path crosses file systems',
    ENOTEMPTY: 'another process wrote that folder meanwhile',
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

// ---------------------------------------------------------------- paths

/** The real path of p, for the part of it that exists (symbolic links resolved), with the rest appended. */
export function realish(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(head), ...rest);
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      rest.unshift(basename(head));
      head = up;
    }
  }
}

const within = (inner: string, outer: string) => inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

/** Refuses an output that is an input, holds one, or lies inside an input folder (and, for a folder
 * output, one that is or holds the current folder: a shell would be left in a removed folder). */
function keepApart(shown: string, real: string, inputs: readonly string[], folder: boolean): void {
  for (const input of inputs) {
    if (input === '-' || input.startsWith('<')) continue; // standard input, a buffer
    let inReal: string;
    let isDir: boolean;
    try {
      inReal = realpathSync.native(input);
      isDir = statSync(inReal).isDirectory();
    } catch {
      continue; // an input that does not exist was not read
    }
    const what = isDir ? 'input folder' : 'input';
    if (real === inReal) throw new OutputError(shown, `${shown}: the output is the ${what} ${input}: give an output apart from the inputs`);
    if (within(inReal, real)) throw new OutputError(shown, `${shown}: the output folder holds the ${what} ${input}: give an output apart from the inputs`);
    if (isDir && within(real, inReal))
      throw new OutputError(shown, `${shown}: the output lies inside the input folder ${input}: give an output apart from the inputs`);
  }
  if (folder) {
    const cwd = realish(process.cwd());
    if (real === cwd || within(cwd, real))
      throw new OutputError(
        shown,
        `${shown}: the output folder ${real === cwd ? 'is' : 'holds'} the current folder: give a folder of its own (it is replaced as a whole)`,
      );
  }
}

// ---------------------------------------------------------------- records

type Hashes = Map<string, Set<string>>;

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file, read in chunks (a copied memory image may be large). */
function hashFile(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The record in a folder: each file dom0-acpi wrote (a relative '/'-separated name) → its SHA-256
 * (several while a replacement is under way). Undefined when there is none or it is not ours. */
function readRecord(dir: string): Hashes | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as { written_by?: unknown; files?: Record<string, unknown> };
    if (r.written_by !== 'dom0-acpi' || typeof r.files !== 'object' || !r.files) return undefined;
    const out: Hashes = new Map();
    for (const [name, v] of Object.entries(r.files)) {
      const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      out.set(name, new Set(list));
    }
    return out;
  } catch {
    return undefined;
  }
}

function recordText(files: Hashes): string {
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const obj = Object.fromEntries(sorted.map(([n, hs]) => [n, hs.size === 1 ? [...hs][0] : [...hs]]));
  return (
    JSON.stringify(
      { written_by: 'dom0-acpi', about: 'the files dom0-acpi wrote here (SHA-256); --force replaces these and nothing else', files: obj },
      null,
      2,
    ) + '\n'
  );
}

/** A build output of a version that wrote no record: recognised by its manifest (names, no hashes). */
function legacyRecord(dir: string): Hashes | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, LEGACY_MANIFEST), 'utf8')) as { tables?: { file?: unknown }[]; region?: { file?: unknown } };
    if (!Array.isArray(m.tables)) return undefined;
    const names = [LEGACY_MANIFEST, 'acpidump.txt', 'dom0.dtb', 'acpi.img', REPORT, ...m.tables.map((t) => t?.file), m.region?.file];
    return new Map(names.filter((n): n is string => typeof n === 'string').map((n) => [n, new Set<string>()]));
  } catch {
    return undefined;
  }
}

/** Whether a file's content is what the record says dom0-acpi wrote (any content for a legacy
 * record, or when only the names are asked about). */
function recorded(hashes: Set<string> | undefined, path: string, namesOnly = false): boolean {
  return hashes !== undefined && (namesOnly || hashes.size === 0 || hashes.has(hashFile(path)));
}

/** The first entry of a folder (relative path, in sorted order) that dom0-acpi did not write, or
 * undefined when everything in it is a previous output of dom0-acpi. Nothing is followed: a
 * symbolic link is never ours. A subfolder with a record of its own is judged by it. */
export function foreignEntry(dir: string, record = readRecord(dir) ?? legacyRecord(dir), prefix = '', namesOnly = false): string | undefined {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = prefix + name;
    if (rel === RECORD) continue;
    const left = LEFTOVER.exec(name);
    if (left && !alive(Number(left[1]))) continue; // what a killed run of ours left
    const st = lstatSync(p);
    if (st.isDirectory()) {
      const own = existsSync(join(p, RECORD)) && ![...(record?.keys() ?? [])].some((k) => k.startsWith(`${rel}/`));
      const bad = own ? foreignEntry(p, undefined, '', namesOnly) : foreignEntry(p, record, `${rel}/`, namesOnly);
      if (bad !== undefined) return own ? `${rel}/${bad}` : bad;
    } else if (!st.isFile() || !recorded(record?.get(rel), p, namesOnly)) return rel;
  }
  return undefined;
}

// ---------------------------------------------------------------- leftovers of killed runs

const leftoverName = (target: string, what: 'new' | 'old' | 'tmp', pid = process.pid) => join(dirname(target), `.${basename(target)}.dom0-acpi-${what}-${pid}`);
const LEFTOVER = /^\..+\.dom0-acpi-(?:new|old|tmp)-(\d+)$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // a leftover of an earlier process that had our pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Leftovers a killed run made for this target (by their names), whose process is gone. */
function leftovers(target: string): { new: string[]; old: string[]; tmp: string[] } {
  const out = { new: [] as string[], old: [] as string[], tmp: [] as string[] };
  const prefix = `.${basename(target)}.dom0-acpi-`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return out;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    const m = /^(new|old|tmp)-(\d+)$/.exec(n.slice(prefix.length));
    if (m && !alive(Number(m[2]))) out[m[1] as 'new' | 'old' | 'tmp'].push(join(dirname(target), n));
  }
  return out;
}

/** A leftover folder is whole when every file its record names is there with that content. */
function whole(dir: string): boolean {
  const r = readRecord(dir);
  if (!r) return false;
  try {
    return [...r].every(([name, hs]) => lstatSync(join(dir, name)).isFile() && recorded(hs, join(dir, name))) && foreignEntry(dir, r) === undefined;
  } catch {
    return false;
  }
}

/** The path of a killed run's output left beside `path` when the path itself is missing, if any:
 * readers name it in their "no such file" message. */
export function leftBeside(path: string): string | undefined {
  const target = realish(path);
  if (existsSync(target)) return undefined;
  const l = leftovers(target);
  return [...l.new, ...l.old].find(whole);
}

/** What a killed run left beside a folder target is put right: if the target is missing, the
 * newest whole output (the new one, else the old one) goes back in place; then every leftover is
 * removed (only folders made wholly of what dom0-acpi wrote, and only our temporary files). */
function recoverFolder(target: string, step: (s: string) => void): void {
  const l = leftovers(target);
  if (!l.new.length && !l.old.length && !l.tmp.length) return;
  if (!existsSync(target)) {
    const back = [...l.new, ...l.old].find(whole);
    if (back) {
      step('recover');
      renameSync(back, target);
    }
  }
  // a killed run's new folder may hold a file cut short: its record (written first) names it
  for (const p of [...l.new, ...l.old])
    if (existsSync(p) && foreignEntry(p, readRecord(p), '', true) === undefined) rmSync(p, { recursive: true, force: true });
  for (const p of l.tmp) if (lstatSync(p, { throwIfNoEntry: false })?.isFile()) rmSync(p, { force: true });
}

// ---------------------------------------------------------------- folders

/** Write a folder of files (relative names, '/'-separated) atomically; see the file comment. */
export function writeFolderAtomic(dir: string, files: Map<string, Uint8Array | string>, opts: WriteOptions = {}): void {
  const step = opts.onStep ?? (() => {});
  if (dir === '-') throw new OutputError(dir, '-o -: this output is a folder, and standard output takes one file: give a folder');
  try {
    const target = realish(dir);
    keepApart(dir, target, opts.inputs ?? [], true);
    recoverFolder(target, step);
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory())
        throw new OutputError(dir, `${dir} is ${st.isSymbolicLink() ? 'a symbolic link to nothing' : 'a file'}: give a folder for this output`);
      if (readdirSync(target).length) {
        if (!opts.force) throw new OutputError(dir, `${dir} exists and is not empty (--force replaces a previous output of dom0-acpi)`);
        const bad = foreignEntry(target);
        if (bad !== undefined)
          throw new OutputError(
            dir,
            `${join(dir, bad)} was not written by dom0-acpi: --force replaces a previous output of dom0-acpi and nothing else (move that file, or give another folder)`,
          );
      }
    }
    writeFolder(target, st, files, step);
  } catch (e) {
    throw failed(dir, e);
  }
}

function writeFolder(target: string, st: Stats | undefined, files: Map<string, Uint8Array | string>, step: (s: string) => void): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const fresh = leftoverName(target, 'new');
  rmSync(fresh, { recursive: true, force: true });
  step('make the new folder');
  // the result gets the mode an existing folder had, or what mkdir gives under the umask
  mkdirSync(fresh);
  chmodSync(fresh, st ? st.mode & 0o7777 : 0o777 & ~currentUmask());
  try {
    const record: Hashes = new Map();
    for (const [name, data] of files) record.set(name, new Set([sha256(data)]));
    // the record first: a killed run's folder is then known by it, whole or not
    step('write the record');
    writeFileSync(join(fresh, RECORD), recordText(record));
    for (const [name, data] of files) {
      const p = resolve(fresh, name);
      if (!within(p, fresh) || name === RECORD) throw new Error(`refusing to write outside the output folder: ${name}`);
      mkdirSync(dirname(p), { recursive: true });
      step(`write ${name}`);
      writeFileSync(p, data);
    }
    if (st) {
      const old = leftoverName(target, 'old');
      step('move the old folder aside');
      renameSync(target, old);
      step('move the new folder in');
      renameSync(fresh, target);
      step('remove the old folder');
      rmSync(old, { recursive: true, force: true });
    } else {
      step('move the new folder in');
      renameSync(fresh, target);
    }
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}

// ---------------------------------------------------------------- single files

/** Write one file atomically (a temporary file beside it, then a rename), recorded in the folder's
 * record; see the file comment. */
export function writeFileAtomic(path: string, data: FileData, opts: WriteOptions = {}): void {
  const step = opts.onStep ?? (() => {});
  if (path === '-') throw new OutputError(path, '-: "-" stands for standard output here, not a file: give a file name');
  let tmp: string | undefined;
  try {
    const abs = resolve(path);
    const target = join(realish(dirname(abs)), basename(abs));
    keepApart(path, target, opts.inputs ?? [], false);
    const folder = dirname(target);
    for (const t of [...leftovers(target).tmp, ...leftovers(join(folder, RECORD)).tmp])
      if (lstatSync(t, { throwIfNoEntry: false })?.isFile()) rmSync(t, { force: true });
    const st = lstatSync(target, { throwIfNoEntry: false });
    let oldHash: string | undefined;
    if (st) {
      if (st.isDirectory()) throw new OutputError(path, `${path} is a folder: give a file name for this output`);
      if (st.isSymbolicLink()) throw new OutputError(path, `${path} is a symbolic link: give the path of the file itself`);
      if (!st.isFile()) throw new OutputError(path, `${path} is not a regular file: give a file name (or - for standard output)`);
      const known = opts.replaces && st.size < 64 << 20 && opts.replaces(readFileSync(target));
      if (!opts.force && !known) throw new OutputError(path, `${path} exists (--force replaces a previous output of dom0-acpi)`);
      oldHash = hashFile(target);
      if (!known && !readRecord(folder)?.get(basename(target))?.has(oldHash))
        throw new OutputError(
          path,
          `${path} was not written by dom0-acpi: --force replaces a previous output of dom0-acpi and nothing else (move it, or give another name)`,
        );
    }
    mkdirSync(folder, { recursive: true });
    tmp = leftoverName(target, 'tmp');
    step('write the new file');
    if (typeof data === 'function') data(tmp);
    else writeFileSync(tmp, data);
    const newHash = typeof data === 'function' ? hashFile(tmp) : sha256(data);
    // the record names both contents while the rename happens, then the new one alone
    step('record the new file');
    updateRecord(folder, basename(target), oldHash === undefined ? [newHash] : [oldHash, newHash]);
    step('move the new file in');
    renameSync(tmp, target);
    tmp = undefined;
    step('record the file alone');
    updateRecord(folder, basename(target), [newHash]);
  } catch (e) {
    if (tmp) rmSync(tmp, { force: true });
    throw failed(path, e);
  }
}

function updateRecord(folder: string, name: string, hashes: string[]): void {
  const r = readRecord(folder) ?? new Map();
  r.set(name, new Set(hashes));
  const tmp = leftoverName(join(folder, RECORD), 'tmp');
  writeFileSync(tmp, recordText(r));
  renameSync(tmp, join(folder, RECORD));
}
