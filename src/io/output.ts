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
  accessSync,
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
  rmSync,
  rmdirSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { OutputError, failed, inParent, keepApart, parentOf, realish, within } from './output-paths.js';
import { fsWords, isFsError } from './fs-words.js';
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

/** This machine, in temporary names: a pid says whether a run is alive only on the machine (the
 * pid namespace) that ran it, so a run on another machine or container sharing the folder is never
 * taken for a dead one. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

type Kind = 'new' | 'old' | 'tmp';
/** The prefix of a temporary name for `target`: the machine and pid say whose it is; a random part follows. */
export const tempPrefix = (target: string, kind: Kind, pid = process.pid) => join(dirname(target), `.${stem(target)}.dom0-acpi-${kind}-${HOST}-${pid}-`);
const TEMP = /^\.(.+)\.dom0-acpi-(new|old|tmp)-([0-9a-f]{8})-(\d+)-[0-9A-Za-z]{6,}$/;

/** A private folder beside `target` (0700, a fresh unpredictable name: mkdtemp), holding one entry. */
const holder = (target: string, kind: 'new' | 'old') => mkdtempSync(tempPrefix(target, kind));
/** The one entry of a holder: the output folder it holds. */
const HELD = 'output';

const O_NEW = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

const randomPart = () => randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');

/** A new file beside `target` with an unpredictable name, created exclusively (never a file or link
 * that was there): its path and descriptor. */
function tempFile(target: string, mode: number): { path: string; fd: number } {
  for (let i = 0; ; i++) {
    const path = tempPrefix(target, 'tmp') + randomPart();
    try {
      return { path, fd: openSync(path, O_NEW, mode) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 16) throw e;
    }
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // a leftover of an earlier process that had our pid (writes here are synchronous)
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What killed runs of ours left beside `target`: temporary names for it, made on this machine by a
 * process that is gone, owned by this user (nothing another user made is ever touched), a holder
 * being a private real folder and a temporary file a regular file. */
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
    if (!m || m[1] !== stem(target) || m[3] !== HOST || alive(Number(m[4]))) continue;
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

/** What killed runs left beside a target goes: what they wrote (a new folder's files by its record's
 * names, an old one's by their content) and their temporary files. An old folder that also holds
 * what another hand wrote is kept, whole, under a name of its own beside the target, and named. A
 * leftover that cannot be cleared is named too; it never stops this write. (The output itself is
 * not put back: this run writes it anew.) */
function clearLeftovers(target: string, shown: string, warn: (m: string) => void): void {
  const l = leftovers(target);
  for (const h of [...l.new, ...l.old]) {
    try {
      const held = join(h, HELD);
      if (lstatSync(held, { throwIfNoEntry: false })?.isDirectory()) {
        const rest = clearOurs(held, readRecord(held) ?? legacyRecord(held), l.new.includes(h));
        if (rest.length) {
          const kept = keepAside(held, target);
          warn(`a killed run of dom0-acpi left ${shown}'s old output holding ${rest.length} file(s) it did not write: kept, in ${kept}: ${listed(rest)}`);
        } else rmdirSync(held);
      }
      rmdirSync(h);
    } catch (e) {
      if (!isFsError(e)) throw e;
      warn(`a killed run of dom0-acpi left ${h}, which could not be removed (${fsWords(e)}): remove it by hand`);
    }
  }
  for (const t of l.tmp) unlinkSync(t);
}

/** Moves a folder to a visible name of its own beside `target` ("out.kept-1a2b3c"), never over
 * anything: the name returned. */
function keepAside(folder: string, target: string): string {
  for (let i = 0; ; i++) {
    const name = `${target}.kept-${randomPart().slice(0, 6)}`;
    if (!lstatSync(name, { throwIfNoEntry: false }))
      try {
        renameSync(folder, name); // fails over a folder that is not empty; the name was free a moment ago
        return name;
      } catch (e) {
        if (i >= 16 || !isFsError(e) || (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST' && e.code !== 'ENOTDIR')) throw e;
      }
  }
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
    clearLeftovers(target, dir, warn);
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
            `${join(dir, bad)} was not written by dom0-acpi: --force replaces a previous output of dom0-acpi and nothing else (move it, or ` +
              `give another folder)`,
          );
      }
      replaceable(dir, target);
    }
    writeFolder(dir, target, st, files, step, warn);
  } catch (e) {
    throw failed(dir, abs, e);
  }
}

/** An existing output folder can be replaced only when it, and every folder in it, can be written:
 * it is moved aside whole (a folder moved to another parent needs its own write permission) and
 * what it holds is removed. Said before anything is done. */
function replaceable(shown: string, target: string): void {
  const dirs = [''];
  for (let rel; (rel = dirs.pop()) !== undefined;) {
    const p = join(target, rel);
    try {
      accessSync(p, constants.W_OK);
    } catch (e) {
      if (!isFsError(e) || (e.code !== 'EACCES' && e.code !== 'EPERM' && e.code !== 'EROFS')) throw e;
      const mode = (lstatSync(p).mode & 0o7777).toString(8).padStart(4, '0');
      const what = rel ? `${join(shown, rel)}, a folder in it,` : 'it';
      throw new OutputError(
        shown,
        `${shown}: cannot replace it: ${what} cannot be written (${fsWords(e)}, mode ${mode}): make it writable, or give another folder`,
      );
    }
    for (const d of readdirSync(p, { withFileTypes: true })) if (d.isDirectory()) dirs.push(join(rel, d.name));
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
    // made as mkdir makes a folder there (umask, the parent's default ACL); one replacing an old
    // folder gets its owner, group and (once in place: a folder moved needs its own write
    // permission) its mode and ACLs
    mkdirSync(fresh, st ? (st.mode | 0o700) & 0o7777 : 0o777);
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
    step("give it the old folder's owner and group");
    const attributes = oldAttributes(target, st, fresh, warn, shown);
    step('move the old folder aside');
    const aside = inParent(shown, parentOf(shown), () => holder(target, 'old'));
    const old = join(aside, HELD);
    try {
      renameSync(target, old);
    } catch (e) {
      rmdirSync(aside);
      throw e;
    }
    step('move the new folder in');
    try {
      renameSync(fresh, target);
    } catch (e) {
      putBack(old, target, shown, warn); // the path never stays empty for a failure of ours
      rmdirSync(aside);
      throw e;
    }
    placed = true;
    rmdirSync(box);
    step("give it the old folder's mode and ACLs");
    attributes(target);
    step('remove the old folder');
    retire(shown, target, old, aside, warn);
  } finally {
    if (!placed) removeOwn(box);
  }
}

/** The old output back in its place when the new one could not go there (something else took the
 * path meanwhile: then the old one is kept under a name of its own, and named). */
function putBack(old: string, target: string, shown: string, warn: (m: string) => void): void {
  try {
    renameSync(old, target);
  } catch {
    warn(`${shown} was taken by another process while dom0-acpi worked: its old output is kept in ${keepAside(old, target)}`);
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

/** Removes a tree this run made (a private holder: nothing else can be in it), as far as it can:
 * a failure here never hides the one that brought the run here. */
function removeOwn(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    // a holder of ours that could not go: the next run's clearLeftovers names it
  }
}

/**
 * The folder replaced keeps what it was given: its owner and group (as far as this user may give
 * them) now; its mode (set-group-ID and sticky bits included) and its access and default ACLs
 * (through getfacl/setfacl, when the old folder has any beyond its mode: Node reads no extended
 * attributes) by the function returned, once the new folder is in place.
 */
function oldAttributes(target: string, st: Stats, fresh: string, warn: (m: string) => void, shown: string): (placed: string) => void {
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
  // loaded here, not at start-up: the CLI bundle stubs child_process out of every other run (scripts/bundle.mjs)
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const acl = spawnSync('getfacl', ['--absolute-names', '--omit-header', '--skip-base', '--', target], { encoding: 'utf8' });
  // no getfacl (then nothing set ACLs here), or none beyond the mode
  const acls = acl.error || acl.status !== 0 || !acl.stdout.trim() ? undefined : acl.stdout;
  return (placed) => {
    chmodSync(placed, st.mode & 0o7777);
    if (!acls) return;
    const set = spawnSync('setfacl', ['--set-file=-', '--', placed], { input: acls, encoding: 'utf8' });
    if (set.error || set.status !== 0) warn(`${shown}: the old folder's ACLs could not be given to the new one (setfacl failed): it has its mode only`);
  };
}

/**
 * The old folder, set aside in its holder: what its record names is removed; anything else (a file
 * or folder another hand wrote there while this run worked) goes into the new folder at the same
 * place when that place is free and its folder there is a real one, and is named. What cannot is
 * kept with the old folder, moved whole to a name of its own beside the target, and named. A
 * failure here comes after the new output is in place: it is said, and the write stands.
 */
function retire(shown: string, target: string, old: string, aside: string, warn: (m: string) => void): void {
  try {
    const record = readRecord(old) ?? legacyRecord(old);
    const moved: string[] = [];
    for (const rel of clearOurs(old, record)) if (joinNew(join(old, rel), target, rel)) moved.push(rel);
    if (moved.length) warn(`${moved.length} file(s) dom0-acpi did not write appeared in ${shown} while it ran: kept, in the new ${shown}: ${listed(moved)}`);
    // again: the folders the moves emptied go, and so does the record when nothing else is left
    const still = clearOurs(old, record);
    if (!still.length) {
      rmdirSync(old);
      rmdirSync(aside);
      return;
    }
    const kept = keepAside(old, target);
    rmdirSync(aside);
    warn(
      `${still.length} file(s) dom0-acpi did not write were in the old ${shown} and their places in the new one are taken: kept, with the ` +
        `old output, in ${kept}: ${listed(still)}`,
    );
  } catch (e) {
    if (!isFsError(e)) throw e;
    warn(`${shown} is written; its old output could not be removed (${fsWords(e)}): it is left in ${aside}`);
  }
}

/** Puts an entry of the old folder at the same place in the new one: only where that place is free
 * and the folder holding it there is a real folder of the new output (never through a link, never
 * over anything); whether it moved. */
function joinNew(from: string, target: string, rel: string): boolean {
  const to = join(target, rel);
  const up = lstatSync(dirname(to), { throwIfNoEntry: false });
  if (!up?.isDirectory() || lstatSync(to, { throwIfNoEntry: false })) return false;
  try {
    if (lstatSync(from).isDirectory()) renameSync(from, to);
    else {
      linkSync(from, to); // never over a file: fails when the name is taken meanwhile
      unlinkSync(from);
    }
    return true;
  } catch (e) {
    if (!isFsError(e)) throw e;
    return false; // it stays, and is named with the rest
  }
}

const listed = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');

// ---------------------------------------------------------------- single files

/** Write one file atomically: a temporary file beside it (created exclusively, unpredictable name),
 * then a rename (replacing a file) or a hard link that cannot replace anything (a new name). */
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
    if (st) replacing(path, target, folder, st, opts);
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
    if (st) {
      // without --force (a file it knows, a baseline), only that very file: not one put there meanwhile
      const now = lstatSync(target, { throwIfNoEntry: false });
      if (!opts.force && (!now || now.dev !== st.dev || now.ino !== st.ino || now.mtimeMs !== st.mtimeMs || now.size !== st.size))
        throw new OutputError(path, `${path} changed while dom0-acpi worked: not replaced (--force replaces it)`);
      renameSync(tmp, target);
    } else placeNew(tmp, target, path);
    tmp = undefined;
  } catch (e) {
    if (tmp) unlinkSync(tmp);
    throw failed(path, abs, e);
  }
}

/** An existing file at a single file's path may be replaced: a regular file, and with --force (or
 * one `replaces` knows: read without following a link or blocking on a FIFO), and not another
 * user's in a sticky folder. */
function replacing(path: string, target: string, folder: string, st: Stats, opts: WriteOptions): void {
  if (st.isDirectory()) throw new OutputError(path, `${path} is a folder: give a file name for this output`);
  if (st.isSymbolicLink()) throw new OutputError(path, `${path} is a symbolic link: give the path of the file itself`);
  if (!st.isFile()) throw new OutputError(path, `${path} is not a regular file: give a file name (or - for standard output)`);
  if (!opts.force) {
    const content = opts.replaces && st.size < 64 << 20 ? readRegular(target) : undefined;
    if (!content || !opts.replaces!(content)) throw new OutputError(path, `${path} exists (--force replaces it)`);
  }
  const dir = lstatSync(folder);
  if (dir.mode & 0o1000 && st.uid !== uid() && dir.uid !== uid() && uid() !== 0)
    throw new OutputError(path, `${path}: cannot replace it: it belongs to another user, in a folder where only a file's owner may replace it`);
}

/** A regular file's bytes, read through a descriptor that follows no link and does not wait on a FIFO. */
function readRegular(path: string): Uint8Array | undefined {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
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
