// The record a folder output keeps of what dom0-acpi wrote into it (`.dom0-acpi-files.json`: each
// file's name and SHA-256): --force deletes only what it names, with the content it names.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MAX_JSON } from './bounded.js';

/** The record of what dom0-acpi wrote into a folder output. */
export const RECORD = '.dom0-acpi-files.json';
/** The manifest of a build output: outputs written before records existed are recognised by it. */
const LEGACY_MANIFEST = 'manifest.json';
/** The report a build writes beside its manifest. */
export const REPORT = 'report.html';

export type Hashes = Map<string, Set<string>>;

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** SHA-256 of a file, read in chunks (a copied memory image may be large). */
export function hashFile(path: string): string {
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

/** A small regular file's text, or undefined: never through a link, never a FIFO or device (opened
 * without blocking, and judged by its descriptor), never more than MAX_JSON. */
function readSmall(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_JSON) return undefined;
    const b = Buffer.alloc(st.size);
    let n = 0;
    for (let k; n < b.length && (k = readSync(fd, b, n, b.length - n, n)) > 0;) n += k;
    return b.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The record in a folder: each file dom0-acpi wrote (a relative '/'-separated name) → its SHA-256.
 * Undefined when there is none or it is not ours. */
export function readRecord(dir: string): Hashes | undefined {
  try {
    const r = JSON.parse(readSmall(join(dir, RECORD)) ?? '') as { written_by?: unknown; files?: Record<string, unknown> };
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

export function recordText(files: Hashes): string {
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
export function legacyRecord(dir: string): Hashes | undefined {
  try {
    const m = JSON.parse(readSmall(join(dir, LEGACY_MANIFEST)) ?? '') as { tables?: { file?: unknown }[]; region?: { file?: unknown } };
    if (!Array.isArray(m.tables)) return undefined;
    const names = [LEGACY_MANIFEST, 'acpidump.txt', 'dom0.dtb', 'acpi.img', REPORT, ...m.tables.map((t) => t?.file), m.region?.file];
    return new Map(names.filter((n): n is string => typeof n === 'string').map((n) => [n, new Set<string>()]));
  } catch {
    return undefined;
  }
}

/** Whether a file's content is what the record says dom0-acpi wrote (any content for a legacy
 * record, or when only the names are asked about). */
export function recorded(hashes: Set<string> | undefined, path: string, namesOnly = false): boolean {
  return hashes !== undefined && (namesOnly || hashes.size === 0 || hashes.has(hashFile(path)));
}

/** What a subfolder of an output is: one the record names files in ("ours"), one with a record of its
 * own ("own": judged by that), or anything else ("foreign": a folder another hand made, empty or not). */
function folderKind(p: string, rel: string, record: Hashes | undefined): 'ours' | 'own' | 'foreign' {
  const under = [...(record?.keys() ?? [])].some((k) => k.startsWith(`${rel}/`));
  if (under) return 'ours';
  return lstatSync(join(p, RECORD), { throwIfNoEntry: false })?.isFile() ? 'own' : 'foreign';
}

/** The first entry of a folder (relative path, in sorted order) that dom0-acpi did not write, or
 * undefined when everything in it is a previous output of dom0-acpi. Nothing is followed: a
 * symbolic link is never ours, nor is a folder the record names nothing in. A subfolder with a
 * record of its own is judged by it. */
export function foreignEntry(dir: string, record = readRecord(dir) ?? legacyRecord(dir), prefix = ''): string | undefined {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = prefix + name;
    const st = lstatSync(p);
    if (rel === RECORD && st.isFile()) continue;
    if (st.isDirectory()) {
      const kind = folderKind(p, rel, record);
      if (kind === 'foreign') return rel;
      const bad = kind === 'own' ? foreignEntry(p, readRecord(p)) : foreignEntry(p, record, `${rel}/`);
      if (bad !== undefined) return kind === 'own' ? `${rel}/${bad}` : bad;
    } else if (!st.isFile() || !recorded(record?.get(rel), p)) return rel;
  }
  return undefined;
}

/** A folder output is whole when every file its record names is there with that content, and nothing else. */
export function whole(dir: string): boolean {
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
 * the folders of ours that leaves empty; returns what is left (relative paths; a folder the record
 * names nothing in is one entry, whole): nothing else is deleted. `namesOnly`: a file the record
 * names goes whatever its content (a killed run's new folder: its record, written first, names a
 * file it cut short). A subfolder with a record of its own is cleared by that record.
 */
export function clearOurs(dir: string, record: Hashes | undefined, namesOnly = false, prefix = ''): string[] {
  const left: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = prefix + name;
    const st = lstatSync(p);
    if (rel === RECORD && st.isFile()) continue;
    if (st.isDirectory()) {
      const kind = folderKind(p, rel, record);
      const rest =
        kind === 'foreign' ? [''] : kind === 'own' ? clearOurs(p, readRecord(p), namesOnly).map((r) => `/${r}`) : clearOurs(p, record, namesOnly, `${rel}/`);
      if (!rest.length) rmdirSync(p);
      else for (const r of rest) left.push(kind === 'ours' ? r : `${rel}${r}`);
    } else if (st.isFile() && recorded(record?.get(rel), p, namesOnly)) unlinkSync(p);
    else left.push(rel);
  }
  if (!prefix && !left.length && lstatSync(join(dir, RECORD), { throwIfNoEntry: false })?.isFile()) unlinkSync(join(dir, RECORD));
  return left;
}
