// Writing outputs so that nothing is ever lost (README "Nothing is lost"):
// - an output never is, holds or lies inside an input (compared by device and inode, so a hard link,
//   a bind mount or another spelling is no way around it), and a folder output never is or holds the
//   current folder;
// - a single file named with -o is the user's own choice: an existing one is refused without
//   --force and replaced whole with it, never through a symbolic link. Nothing but the output is
//   written into its folder (a temporary file beside it, renamed into place);
// - a folder output records what it wrote (its own `.dom0-acpi-files.json`: names and SHA-256), and
//   --force replaces only a previous output of dom0-acpi: what the old record names is deleted,
//   anything else found in the old folder at the swap (another process wrote it meanwhile) is moved
//   into the new folder or left where it is, and named in a warning. The folder replaced keeps its
//   owner, group, mode and ACLs (access and default);
// - every temporary file and folder has an unpredictable name and is created exclusively (O_EXCL,
//   O_NOFOLLOW, mkdtemp); temporary folders are 0700, so nothing can be planted inside them. A folder
//   is replaced by two renames (Node has no atomic exchange): the old folder into a private holder
//   beside it, the new one into place. A run killed between the two leaves the path empty for that
//   instant with both whole beside it; the next write (or a reader's hint) finds them, puts the
//   newest whole one back and removes what the killed run wrote, and nothing else.
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
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

/** The record of what dom0-acpi wrote into a folder output. */
export const RECORD = '.dom0-acpi-files.json';
/** The manifest of a build output: outputs written before records existed are recognised by it. */
const LEGACY_MANIFEST = 'manifest.json';
/** The report a build writes beside its manifest. */
export const REPORT = 'report.html';

export interface WriteOptions {
  /** replace a previous output (a folder: of dom0-acpi, and nothing else; a file: the file named) */
  force?: boolean;
  /** the paths the command read: the output may not be, hold, or lie inside any of them */
  inputs?: readonly string[];
  /** called before each file-system step with its name (the tests kill the process there) */
  onStep?: (step: string) => void;
  /** a single file: an existing file whose content this accepts is a previous output of this kind
   * (a check baseline knows its own format) and is replaced without --force */
  replaces?: (content: Uint8Array) => boolean;
  /** what the write kept that it did not expect (a file another process wrote meanwhile), in words */
  warn?: (message: string) => void;
}

/** Bytes, text, or a function that writes the file through the descriptor it is given (a large copy). */
export type FileData = Uint8Array | string | ((fd: number) => void);

// ---------------------------------------------------------------- failures in words

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'a name in the path is longer than the file system allows',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'the path is in use (a mount point?)',
  EXDEV: 'the path crosses file systems',
  EIO: 'input/output error',
  EMLINK: 'too many entries in the folder',
  ENOENT: 'no such file or folder',
  ENOTEMPTY: 'another process wrote that folder meanwhile',
};

/** Node's words for an error without its code, call and path ("ENOENT: no such file, open '/x'"). */
const bareMessage = (e: NodeJS.ErrnoException) => /^[A-Z0-9]+: (.*?)(?:, \w+(?: '.*)?)?$/.exec(e.message)?.[1] ?? e.message;

/** Why a path cannot be written, looked for along it: the first part that is missing, a link to
 * nothing, or not a folder (`shown` is how the user spelled `abs`). */
function pathProblem(shown: string, abs: string): string | undefined {
  // each folder on the way, with the user's spelling of it while there is one
  const chain: [string, string][] = [];
  for (let p = dirname(abs), s: string | undefined = dirname(shown); ; p = dirname(p)) {
    chain.unshift([p, s ?? p]);
    if (dirname(p) === p) break;
    s = s === undefined || s === '.' || dirname(s) === s ? undefined : dirname(s);
  }
  for (const [p, s] of chain) {
    const l = lstatSync(p, { throwIfNoEntry: false });
    if (!l) return undefined; // missing: mkdir -p makes it
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return `${s} is a symbolic link to nothing`;
    if (!st.isDirectory()) return `${s} is not a folder`;
  }
  return undefined;
}

/** A file-system failure while writing `shown` (the path as the user gave it), as one line naming it
 * (never an internal temporary name), or the error itself when it is not the file system's. */
function failed(shown: string, abs: string, e: unknown): Error {
  if (e instanceof Refusal) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return e as Error; // not the file system's: a bug
  const where = pathProblem(shown, abs);
  if (where) return new OutputError(shown, `${shown}: cannot write: ${where}`);
  return new OutputError(shown, `${shown}: cannot write: ${WORDS[err.code] ?? bareMessage(err)}`);
}

/** Runs a step that makes something in the folder holding the output: a refusal there names that
 * folder (the output is made beside its old self and renamed into place). */
function inParent<T>(shown: string, parentShown: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new OutputError(
        shown,
        `${shown}: cannot write: ${WORDS[code]} in ${parentShown}, the folder that holds it (the new output is made there and renamed into place)`,
      );
    // a folder that is there but makes no new entries (/proc, /sys)
    if (code === 'ENOENT' && statSync(parentShown, { throwIfNoEntry: false })?.isDirectory())
      throw new OutputError(shown, `${shown}: cannot write: ${parentShown} does not take new files`);
    throw e;
  }
}

/** The folder holding `shown`, spelled as the user would: "." for a bare name. */
const parentOf = (shown: string) => dirname(shown.replace(/[/\\]+$/, '') || '.');

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

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1);

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

type Identity = { dev: number; ino: number };
const identity = (p: string): Identity | undefined => {
  const st = statSync(p, { throwIfNoEntry: false });
  return st && { dev: st.dev, ino: st.ino };
};
const same = (a: Identity | undefined, b: Identity | undefined) => a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** The identities of a path's folders, from its nearest existing one up to the root. */
function ancestors(real: string): Identity[] {
  const out: Identity[] = [];
  for (let p = real; ; p = dirname(p)) {
    const id = identity(p);
    if (id) out.push(id);
    if (dirname(p) === p) return out;
  }
}

/** Refuses an output that is an input, holds one, or lies inside an input folder (and, for a folder
 * output, one that is or holds the current folder: a shell would be left in a removed folder). Paths
 * are compared by device and inode as well as by their real spelling: a hard link to an input, or an
 * input folder reached through a bind mount, is still that input. */
function keepApart(shown: string, real: string, inputs: readonly string[], folder: boolean): void {
  const out = identity(real);
  const outUp = ancestors(dirname(real));
  const refuse = (why: string) => {
    throw new OutputError(shown, `${shown}: ${why}: give an output apart from the inputs`);
  };
  for (const input of inputs) {
    if (input === '-' || input.startsWith('<')) continue; // standard input, a buffer
    let inReal: string;
    let st: Stats;
    try {
      inReal = realpathSync.native(input);
      st = statSync(inReal);
    } catch {
      continue; // an input that does not exist was not read
    }
    if (!st.isFile() && !st.isDirectory()) continue; // a pipe or a device: read once, nothing to overwrite
    const what = st.isDirectory() ? 'input folder' : 'input';
    const inId = { dev: st.dev, ino: st.ino };
    if (real === inReal || same(out, inId)) refuse(`the output is the ${what} ${input}`);
    if (within(inReal, real) || (out && ancestors(dirname(inReal)).some((a) => same(a, out)))) refuse(`the output folder holds the ${what} ${input}`);
    if (st.isDirectory() && (within(real, inReal) || outUp.some((a) => same(a, inId)))) refuse(`the output lies inside the input folder ${input}`);
  }
  if (folder) {
    const cwd = realish(process.cwd());
    const cwdId = identity(cwd);
    const is = real === cwd || same(out, cwdId);
    if (is || within(cwd, real) || (out && ancestors(dirname(cwd)).some((a) => same(a, out))))
      throw new OutputError(
        shown,
        `${shown}: the output folder ${is ? 'is' : 'holds'} the current folder: give a folder of its own (it is replaced as a whole)`,
      );
  }
}

// ---------------------------------------------------------------- temporary names

/** The part of a target's name its temporary names start with: short enough that the suffix fits
 * in a file system's 255-byte names (a long name is cut and a hash of it kept). */
function stem(target: string): string {
  const name = basename(target);
  if (Buffer.byteLength(name) <= 100) return name;
  return `${Buffer.from(name)
    .subarray(0, 64)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')}~${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

type Kind = 'new' | 'old' | 'tmp';
/** The prefix of a temporary name for `target`: the pid says whose it is; a random part follows. */
const prefixOf = (target: string, kind: Kind, pid = process.pid) => join(dirname(target), `.${stem(target)}.dom0-acpi-${kind}-${pid}-`);
const TEMP = /^\.(.+)\.dom0-acpi-(new|old|tmp)-(\d+)-[0-9A-Za-z]{6,}$/;

/** A private folder beside `target` (0700, a fresh unpredictable name: mkdtemp), holding one entry. */
const holder = (target: string, kind: 'new' | 'old') => mkdtempSync(prefixOf(target, kind));
/** The one entry of a holder: the output folder it holds. */
const HELD = 'output';

const O_NEW = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

/** A new file beside `target` with an unpredictable name, created exclusively (never a file or link
 * that was there): its path and descriptor. */
function tempFile(target: string, mode: number): { path: string; fd: number } {
  for (let i = 0; ; i++) {
    const path = prefixOf(target, 'tmp') + randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
    try {
      return { path, fd: openSync(path, O_NEW, mode) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 16) throw e;
    }
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // a leftover of an earlier process that had our pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What killed runs of ours left beside `target`: temporary names for it, of a process that is gone,
 * owned by this user (nothing another user made is ever adopted or removed), a holder being a real
 * folder and a temporary file a regular file. */
function leftovers(target: string): Record<Kind, string[]> {
  const out: Record<Kind, string[]> = { new: [], old: [], tmp: [] };
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return out;
  }
  const me = uid();
  for (const n of names) {
    const m = TEMP.exec(n);
    if (!m || m[1] !== stem(target) || alive(Number(m[3]))) continue;
    const p = join(dirname(target), n);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || (me >= 0 && st.uid !== me)) continue;
    const kind = m[2] as Kind;
    if (kind === 'tmp' ? st.isFile() : st.isDirectory() && (st.mode & 0o077) === 0) out[kind].push(p);
  }
  return out;
}

// ---------------------------------------------------------------- records

type Hashes = Map<string, Set<string>>;

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file, read in chunks (a copied memory image may be large). */
function hashFile(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** The record in a folder: each file dom0-acpi wrote (a relative '/'-separated name) → its SHA-256.
 * Undefined when there is none or it is not ours. */
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
    const st = lstatSync(p);
    if (st.isDirectory()) {
      const own = lstatSync(join(p, RECORD), { throwIfNoEntry: false })?.isFile() && ![...(record?.keys() ?? [])].some((k) => k.startsWith(`${rel}/`));
      const bad = own ? foreignEntry(p, undefined, '', namesOnly) : foreignEntry(p, record, `${rel}/`, namesOnly);
      if (bad !== undefined) return own ? `${rel}/${bad}` : bad;
    } else if (!st.isFile() || !recorded(record?.get(rel), p, namesOnly)) return rel;
  }
  return undefined;
}

/** A folder output is whole when every file its record names is there with that content, and nothing else. */
function whole(dir: string): boolean {
  const r = readRecord(dir);
  if (!r) return false;
  try {
    return [...r].every(([name, hs]) => lstatSync(join(dir, name)).isFile() && recorded(hs, join(dir, name))) && foreignEntry(dir, r) === undefined;
  } catch {
    return false;
  }
}

/**
 * Removes from `dir` the files `record` names with the content it names (what dom0-acpi wrote), and
 * the folders that leaves empty; returns what is left (relative paths): nothing else is deleted.
 * `namesOnly`: a file the record names goes whatever its content (a killed run's new folder: its
 * record, written first, names a file it cut short).
 * A subfolder with a record of its own is cleared by that record.
 */
function clearOurs(dir: string, record: Hashes | undefined, namesOnly = false, prefix = ''): string[] {
  const left: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = prefix + name;
    const st = lstatSync(p);
    if (st.isDirectory()) {
      const own = lstatSync(join(p, RECORD), { throwIfNoEntry: false })?.isFile() && ![...(record?.keys() ?? [])].some((k) => k.startsWith(`${rel}/`));
      const rest = own ? clearOurs(p, readRecord(p), namesOnly).map((r) => `${rel}/${r}`) : clearOurs(p, record, namesOnly, `${rel}/`);
      if (rest.length) left.push(...rest);
      else rmdirSync(p);
    } else if (rel !== RECORD && st.isFile() && recorded(record?.get(rel), p, namesOnly)) unlinkSync(p);
    else if (rel !== RECORD) left.push(rel);
  }
  if (!prefix && !left.length) rmSync(join(dir, RECORD), { force: true });
  return left;
}

// ---------------------------------------------------------------- leftovers of killed runs

/** The path of a killed run's output left beside `path` when the path itself is missing, if any:
 * readers name it in their "no such file" message. */
export function leftBeside(path: string): string | undefined {
  const target = realish(path);
  if (lstatSync(target, { throwIfNoEntry: false })) return undefined;
  const l = leftovers(target);
  return [...l.new, ...l.old].map((h) => join(h, HELD)).find(whole);
}

/** What killed runs left beside a folder target is put right: if the target is missing, the newest
 * whole output (the new one, else the old one) goes back in place; then what those runs wrote is
 * removed from their holders. Anything else in a holder stays, and is named in a warning. */
function recoverFolder(target: string, step: (s: string) => void, warn: (m: string) => void): void {
  const l = leftovers(target);
  if (!lstatSync(target, { throwIfNoEntry: false })) {
    const back = [...l.new, ...l.old].find((h) => whole(join(h, HELD)));
    if (back) {
      step('recover');
      renameSync(join(back, HELD), target);
    }
  }
  for (const h of [...l.new, ...l.old]) {
    const held = join(h, HELD);
    if (lstatSync(held, { throwIfNoEntry: false })?.isDirectory()) {
      const rest = clearOurs(held, readRecord(held) ?? legacyRecord(held), l.new.includes(h));
      if (rest.length) {
        warn(`a killed run of dom0-acpi left ${rest.length} file(s) it did not write in ${held} (kept): ${rest.slice(0, 5).join(', ')}`);
        continue;
      }
      rmdirSync(held);
    }
    if (readdirSync(h).length === 0) rmdirSync(h);
  }
  for (const t of l.tmp) unlinkSync(t);
}

// ---------------------------------------------------------------- folders

/** Write a folder of files (relative names, '/'-separated) atomically; see the file comment. */
export function writeFolderAtomic(dir: string, files: Map<string, Uint8Array | string>, opts: WriteOptions = {}): void {
  const step = opts.onStep ?? (() => {});
  const warn = opts.warn ?? (() => {});
  if (dir === '-') throw new OutputError(dir, '-o -: this output is a folder, and standard output takes one file: give a folder');
  const abs = resolve(dir);
  try {
    const target = realish(dir);
    keepApart(dir, target, opts.inputs ?? [], true);
    recoverFolder(target, step, warn);
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
    writeFolder(dir, target, st, files, step, warn);
  } catch (e) {
    throw failed(dir, abs, e);
  }
}

function writeFolder(
  shown: string,
  target: string,
  st: Stats | undefined,
  files: Map<string, Uint8Array | string>,
  step: (s: string) => void,
  warn: (m: string) => void,
): void {
  mkdirSync(dirname(target), { recursive: true });
  step('make the new folder');
  const box = inParent(shown, parentOf(shown), () => holder(target, 'new'));
  const fresh = join(box, HELD);
  let placed = false;
  try {
    // made as mkdir makes a folder there (umask, the parent's default ACL), then given the old one's
    mkdirSync(fresh, st ? 0o700 : 0o777);
    const record: Hashes = new Map();
    for (const [name, data] of files) record.set(name, new Set([sha256(data)]));
    // the record first: a killed run's folder is then known by it, whole or not
    step('write the record');
    writeNew(join(fresh, RECORD), recordText(record));
    for (const [name, data] of files) {
      const p = resolve(fresh, name);
      if (!within(p, fresh) || name === RECORD) throw new Error(`refusing to write outside the output folder: ${name}`);
      mkdirSync(dirname(p), { recursive: true });
      step(`write ${name}`);
      writeNew(p, data);
    }
    if (!st) {
      step('move the new folder in');
      renameSync(fresh, target);
      placed = true;
      rmdirSync(box);
      return;
    }
    step("give it the old folder's owner, mode and ACLs");
    keepAttributes(target, st, fresh, warn, shown);
    step('move the old folder aside');
    const aside = inParent(shown, parentOf(shown), () => holder(target, 'old'));
    const old = join(aside, HELD);
    renameSync(target, old);
    step('move the new folder in');
    try {
      renameSync(fresh, target);
    } catch (e) {
      renameSync(old, target); // the old one back: the path never stays empty for a failure of ours
      rmdirSync(aside);
      throw e;
    }
    placed = true;
    rmdirSync(box);
    step('remove the old folder');
    retire(shown, target, old, aside, warn);
  } finally {
    if (!placed) removeTree(box);
  }
}

/** A new file, created exclusively (never through a link or over a file), with its data. */
function writeNew(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, O_NEW, 0o666);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let at = 0; at < b.length;) at += writeSync(fd, b, at, b.length - at);
}

/** Removes a tree this run made (a holder it owns: nothing else can be inside it). */
function removeTree(p: string): void {
  const st = lstatSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) {
    for (const n of readdirSync(p)) removeTree(join(p, n));
    rmdirSync(p);
  } else unlinkSync(p);
}

/**
 * The folder replaced keeps what it was given: its owner and group (as far as this user may give
 * them), its mode (set-group-ID and sticky bits included) and its access and default ACLs (through
 * getfacl/setfacl, when the old folder has any beyond its mode: Node reads no extended attributes).
 */
function keepAttributes(target: string, st: Stats, fresh: string, warn: (m: string) => void, shown: string): void {
  const now = lstatSync(fresh);
  const give = (u: number, g: number, what: string) => {
    if (u === -1 && g === -1) return;
    try {
      chownSync(fresh, u, g);
    } catch {
      warn(`${shown}: the new folder could not be given the old one's ${what} (this user may not): it has this user's`);
    }
  };
  give(now.uid === st.uid ? -1 : st.uid, -1, `owner (uid ${st.uid})`);
  give(-1, now.gid === st.gid ? -1 : st.gid, `group (gid ${st.gid})`);
  chmodSync(fresh, st.mode & 0o7777);
  // loaded here, not at start-up: the CLI bundle stubs child_process out of every other run (scripts/bundle.mjs)
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const acl = spawnSync('getfacl', ['--absolute-names', '--omit-header', '--skip-base', '--', target], { encoding: 'utf8' });
  if (acl.error || acl.status !== 0 || !acl.stdout.trim()) return; // no getfacl (then nothing set ACLs here), or none beyond the mode
  const set = spawnSync('setfacl', ['--set-file=-', '--', fresh], { input: acl.stdout, encoding: 'utf8' });
  if (set.error || set.status !== 0)
    warn(`${shown}: the old folder's ACLs could not be given to the new one (setfacl: ${(set.stderr || String(set.error)).trim()})`);
}

/**
 * The old folder, set aside in its holder: what its record names is removed; anything else (a file
 * another process wrote while this run worked) goes into the new folder at the same place when that
 * place is free, else stays in the holder, which is then left where it is. Either way it is named.
 */
function retire(shown: string, target: string, old: string, aside: string, warn: (m: string) => void): void {
  const record = readRecord(old) ?? legacyRecord(old);
  const moved: string[] = [];
  for (const rel of clearOurs(old, record)) {
    const from = join(old, rel);
    const to = join(target, rel);
    try {
      mkdirSync(dirname(to), { recursive: true });
      if (lstatSync(to, { throwIfNoEntry: false })) continue; // its place is taken: it stays
      if (lstatSync(from).isDirectory()) renameSync(from, to);
      else {
        linkSync(from, to); // never over a file: fails when the name is taken meanwhile
        unlinkSync(from);
      }
      moved.push(rel);
    } catch {
      // it stays where it is, and is named below
    }
  }
  if (moved.length) warn(`${moved.length} file(s) dom0-acpi did not write appeared in ${shown} while it ran: kept, in the new ${shown}: ${listed(moved)}`);
  // again: the folders the moves emptied go, and so does the record when nothing else is left
  const still = clearOurs(old, record);
  if (!still.length && tryRmdir(old) && tryRmdir(aside)) return;
  warn(`file(s) dom0-acpi did not write were in the old ${shown} and could not join the new one (their places are taken): kept, in ${old}: ${listed(still)}`);
}

function tryRmdir(p: string): boolean {
  try {
    rmdirSync(p);
    return true;
  } catch {
    return false; // something arrived in it meanwhile: it stays
  }
}

const listed = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');

// ---------------------------------------------------------------- single files

/** Write one file atomically: a temporary file beside it (created exclusively, unpredictable name),
 * then a rename (with --force) or a hard link that cannot replace anything (without). */
export function writeFileAtomic(path: string, data: FileData, opts: WriteOptions = {}): void {
  const step = opts.onStep ?? (() => {});
  if (path === '-') throw new OutputError(path, '-: "-" stands for standard output here, not a file: give a file name');
  const abs = resolve(path);
  let tmp: string | undefined;
  try {
    if (basename(abs) !== basename(path.replace(/[/\\]+$/, '')) || /[/\\]$/.test(path))
      throw new OutputError(path, `${path}: give a file name for this output, not a folder`);
    const folder = realish(dirname(abs));
    const target = join(folder, basename(abs));
    keepApart(path, target, opts.inputs ?? [], false);
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (st) {
      if (st.isDirectory()) throw new OutputError(path, `${path} is a folder: give a file name for this output`);
      if (st.isSymbolicLink()) throw new OutputError(path, `${path} is a symbolic link: give the path of the file itself`);
      if (!st.isFile()) throw new OutputError(path, `${path} is not a regular file: give a file name (or - for standard output)`);
      const known = opts.replaces && st.size < 64 << 20 && opts.replaces(readFileSync(target));
      if (!opts.force && !known) throw new OutputError(path, `${path} exists (--force replaces it)`);
      const dir = lstatSync(folder);
      if (dir.mode & 0o1000 && st.uid !== uid() && dir.uid !== uid() && uid() !== 0)
        throw new OutputError(path, `${path}: cannot replace it: it belongs to another user, in a folder where only a file's owner may replace it`);
    }
    mkdirSync(folder, { recursive: true });
    for (const t of leftovers(target).tmp) unlinkSync(t);
    step('write the new file');
    const made = inParent(path, parentOf(path), () => tempFile(target, st ? st.mode & 0o7777 : 0o666));
    tmp = made.path;
    try {
      if (st) keepFileAttributes(made.fd, st);
      if (typeof data === 'function') data(made.fd);
      else writeAll(made.fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(made.fd);
    } finally {
      closeSync(made.fd);
    }
    step('move the new file in');
    if (st) renameSync(tmp, target);
    else placeNew(tmp, target, path);
    tmp = undefined;
  } catch (e) {
    if (tmp) unlinkSync(tmp);
    throw failed(path, abs, e);
  }
}

/** A replaced file keeps its mode (given at creation) and, as far as this user may, its group. */
function keepFileAttributes(fd: number, st: Stats): void {
  fchmodSync(fd, st.mode & 0o7777);
  if (fstatSync(fd).gid !== st.gid) {
    try {
      fchownSync(fd, -1, st.gid);
    } catch {
      // not a member of that group: the file has this user's group
    }
  }
}

/** Puts a new file at a name that was free, without replacing a file that appeared there meanwhile:
 * a hard link fails when the name is taken (a file system without hard links gets the rename). */
function placeNew(tmp: string, target: string, shown: string): void {
  try {
    linkSync(tmp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new OutputError(shown, `${shown} exists: another process made it while dom0-acpi worked (--force replaces it)`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw e;
    if (lstatSync(target, { throwIfNoEntry: false }))
      throw new OutputError(shown, `${shown} exists: another process made it while dom0-acpi worked (--force replaces it)`);
    renameSync(tmp, target);
    return;
  }
  unlinkSync(tmp);
}

/** The mode bits a new folder gets from mkdir here: 0777 less the umask (tests compare with it). */
export const defaultFolderMode = () => 0o777 & ~currentUmask();
