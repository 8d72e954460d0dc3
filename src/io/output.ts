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
  readdirSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError, failed, inParent, keepApart, parentOf, realish, within } from './output-paths.js';
import { RECORD, clearOurs, foreignEntry, legacyRecord, readRecord, recordText, sha256, whole, type Hashes } from './output-record.js';

export { OutputError, realish } from './output-paths.js';
export { RECORD, REPORT, foreignEntry } from './output-record.js';

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

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1);

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
