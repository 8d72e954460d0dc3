// readTables: every input form into one TableSet, auto-detected. The signature always comes from
// the bytes, never from a file name. Problems are findings (with file, table and offset); only a
// path that cannot be read at all throws.
import { readFileSync, readdirSync, statSync, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { join, dirname, basename, resolve } from 'node:path';
import { FDT_MAGIC } from '../fdt/format.js';
import { entryFrom } from './entry.js';
import { type Finding, hex, Refusal } from '../layout/diagnostics.js';
import { type TableEntry, type TableSet, type ReadResult, type InputKind, type EfiPart, setOf, allEntries } from '../model/tableset.js';
import { efiKindOf } from '../efi/tables.js';
import { looksLikeAcpidump, looksLikeDisassembly, parseAcpidump } from './acpidump.js';
import { isRsdp, isValidSignature, latin1 } from '../tables/registry.js';
import { readImage } from './image.js';
import { bufferSource, fileSource, rawImage, type Source } from './memory.js';
import { isElf, elfCore, ElfError } from './elf.js';
import { readBuildOutput, MANIFEST } from './build-output.js';
import { PathError, fsWords, isFsError } from './fs-words.js';
import { MAX_JSON, MAX_STREAM, MAX_TABLE, MAX_TEXT, readBounded, readStream, sizeText } from './bounded.js';

export interface ReadOptions {
  /** physical address of byte 0 of a memory image; makes a file input an image */
  imageBase?: bigint;
  /** RSDP address inside the image (skips the scan) */
  rsdp?: bigint;
  /** name to use for a buffer input in messages */
  name?: string;
  /** files of a folder input to leave out (a path, or a bare file name) */
  exclude?: readonly string[];
}

const makeSet = (origin: string, kind: InputKind, entries: TableEntry[]): TableSet => setOf(origin, kind, entries);

export function readAcpidumpText(data: Uint8Array, file: string): ReadResult {
  const { blocks, findings } = parseAcpidump(data, file);
  const entries: TableEntry[] = [];
  for (const b of blocks) {
    const e = entryFrom(b.bytes, `${file}:${b.line}`, b.address, findings);
    if (e) entries.push(e);
  }
  if (!blocks.length) {
    findings.push({ code: 'INPUT_NO_TABLES', severity: 'error', table: '', path: '', message: 'no "SIG @ address" blocks with hex lines found', file });
  }
  return { set: makeSet(file, 'acpidump', entries), findings };
}

/** Natural order, so ssdt2 comes before ssdt10. */
const natural = new Intl.Collator('en', { numeric: true }).compare; // one collator: localeCompare builds one per call

/** The first bytes of a file (enough to tell what it is without reading a large stray file whole). */
function head(path: string, n = 8192): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Where the next table starts when a blob goes on with another table or an RSDP after the one
 * that starts it — right after it, or past zero padding to the next 8-byte boundary (Xen's dom0
 * page) — else undefined: such a blob is a memory image read as one table. */
function nextTableAt(bytes: Uint8Array, declared: number): number | undefined {
  const starts = (at: number) => bytes.length - at >= 8 && (isRsdp(bytes.subarray(at)) || /^[A-Z0-9_]{4}$/.test(latin1(bytes, at, at + 4)));
  const aligned = (declared + 7) & ~7;
  if (starts(declared)) return declared;
  return starts(aligned) && bytes.subarray(declared, aligned).every((b) => b === 0) ? aligned : undefined;
}

/** Printable text in lines: at least one line end, and no byte below 0x20 but tab, CR and LF, and no
 * DEL (bytes from 0x80 are allowed: UTF-8 text). A table's header always holds a control byte or a
 * NUL, unless its length field claims 512 MiB or more. */
function isPlainText(head: Uint8Array): boolean {
  let lines = false;
  for (const b of head) {
    if (b === 0x0a || b === 0x0d) lines = true;
    else if ((b < 0x20 && b !== 0x09) || b === 0x7f) return false;
  }
  return lines;
}

/** What a file in a folder is, by its bytes (never by its name): an ACPI table when it starts with
 * the RSDP signature, or with a signature whose declared length is the file's size, or with an
 * upper-case signature (A-Z, 0-9, _: a table whose length may lie, which decoding then reports) —
 * unless another table follows it (a memory image), it is printable text in lines whose length
 * field is not its size (NOTES, "TODO fix the GTDT": other), or it is larger than any table
 * (large: never read); acpidump text; iasl's disassembly; an EFI structure; a device tree; or
 * something else (passwd, a README, a firmware blob). */
function sniff(bytes: Uint8Array, size: number): 'table' | 'large' | 'text' | 'dsl' | 'efi' | 'image' | 'dtb' | 'other' {
  if (looksLikeDisassembly(bytes)) return 'dsl';
  if (looksLikeAcpidump(bytes)) return 'text'; // before the RSDP test: acpidump text can begin "RSD PTR @ …"
  const table = size > MAX_TABLE ? 'large' : 'table';
  if (isRsdp(bytes)) return table;
  if (bytes.length >= 8 && isValidSignature(bytes)) {
    const declared = Buffer.from(bytes.buffer, bytes.byteOffset, 8).readUInt32LE(4);
    if (declared < size && nextTableAt(bytes, declared) !== undefined) return 'image';
    if (declared !== size && isPlainText(bytes)) return 'other';
    if (declared === size || /^[A-Z0-9_]{4}$/.test(latin1(bytes, 0, 4))) return table;
  }
  if (bytes.length === size && efiKindOf(bytes)) return 'efi';
  if (isFdt(bytes)) return 'dtb';
  return 'other';
}

/** A folder's entries (hidden ones left out), in natural order: files by what their bytes are, and subfolders. */
type Sniffed = ReturnType<typeof sniff>;

function folderEntries(dir: string): Record<Sniffed | 'dirs', string[]> {
  const out: Record<Sniffed | 'dirs', string[]> = { table: [], large: [], text: [], dsl: [], efi: [], image: [], dtb: [], other: [], dirs: [] };
  for (const name of readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort(natural)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.dirs.push(p);
    else if (st?.isFile()) out[sniff(head(p), st.size)].push(p);
  }
  return out;
}

function readFolder(dir: string, exclude: readonly string[] = []): ReadResult {
  const findings: Finding[] = [];
  const found = folderEntries(dir);
  // sysfs: dynamic/ holds tables loaded at run time (after the firmware's); data/ holds non-table blobs
  const dynamic = join(dir, 'dynamic');
  if (found.dirs.includes(dynamic)) {
    const d = folderEntries(dynamic);
    for (const k of Object.keys(d) as (keyof typeof d)[]) if (k !== 'dirs') for (const p of d[k]) found[k].push(p);
  }
  const { table: tables, large, text: texts, dsl, efi, image, dtb, other: others } = found;
  const note = (code: string, severity: Finding['severity'], message: string) => findings.push({ code, severity, table: '', path: '', message, file: dir });
  const list = (ps: string[]) => ps.map((p) => basename(p)).join(', ');
  // --exclude: each names a file of the folder (a typo must not pass silently)
  const excluded = (p: string) => exclude.some((x) => resolve(x) === resolve(p) || x === basename(p));
  const lists = [tables, large, texts, dsl, efi, image, dtb, others];
  for (const x of exclude)
    if (!lists.flat().some((p) => resolve(x) === resolve(p) || x === basename(p)))
      note('INPUT_EXCLUDE', 'error', `--exclude ${x}: no such file in this folder`);
  for (const l of lists) {
    const kept = l.filter((p) => !excluded(p));
    l.length = 0;
    for (const p of kept) l.push(p);
  }
  // what is known but not read with the tables: each named with how to read it
  const unread = [
    ...dsl.map((p) => `${basename(p)} (iasl disassembly, not acpidump text)`),
    ...image.map((p) => `${basename(p)} (a memory image, tables one after another: read it alone with --image-base ADDR)`),
    ...dtb.map((p) => `${basename(p)} (a device tree: dump it alone)`),
  ];
  if (unread.length) note('INPUT_SOURCE', 'info', `not read: ${unread.join(', ')}`);
  // a file larger than any table is never read whole: named with its size and the limit
  const skipped = [
    ...others.map((p) => basename(p)),
    ...large.map((p) => `${basename(p)} (${statSync(p).size} bytes, more than the ${sizeText(MAX_TABLE)} a table may have)`),
  ];
  if (skipped.length)
    note('INPUT_NOT_TABLE', 'warning', `skipped ${skipped.length} file(s) that are neither ACPI tables nor acpidump text: ${skipped.join(', ')}`);
  // acpidump text carries the tables' addresses, which binary tables lack: one text file wins
  if (texts.length === 1) {
    const r = readTextFile(texts[0]);
    // say what the text holds: a dump whose addresses are all 0 or missing has none
    const addressed = allEntries(r.set).some((e) => e.address !== undefined);
    if (tables.length)
      note(
        'INPUT_SOURCE',
        'info',
        `read ${basename(texts[0])} (acpidump text, ` +
          `${addressed ? 'with table addresses' : 'though its table addresses are all 0 or missing'}); ${tables.length} binary table ` +
          `file(s) beside it not read`,
      );
    return { set: r.set, findings: [...findings, ...r.findings] };
  }
  if (texts.length > 1) {
    if (!tables.length) {
      note('INPUT_NO_TABLES', 'error', `${texts.length} acpidump text files (${list(texts)}) and no binary tables: name the one to read`);
      return { set: makeSet(dir, 'binaries', []), findings };
    }
    note('INPUT_SOURCE', 'info', `read the ${tables.length} binary table file(s); the acpidump text files beside them (${list(texts)}) not read`);
  }
  const entries: TableEntry[] = [];
  for (const p of tables) {
    const got = readBounded(p, MAX_TABLE); // sniffed by its size; bounded should it have grown since
    if (got.over) findings.push(tooLarge(p, `more than the ${sizeText(MAX_TABLE)} a table may have`));
    const e = got.bytes && entryFrom(got.bytes, p, undefined, findings);
    if (e) entries.push(e);
  }
  if (!tables.length) note('INPUT_NO_TABLES', 'error', 'no ACPI tables and no acpidump text in this folder');
  const set = makeSet(dir, 'binaries', entries);
  return { set: efi.length ? { ...set, efi: efi.map((p) => efiPart(readFileSync(p), p)) } : set, findings };
}

/** The table sets behind command-line inputs, for the commands that take many (check, dump
 * --summary): a folder that holds no binary tables but several acpidump texts, or subfolders,
 * is a folder of inputs and stands for each of them (recursively); any other path stands for
 * itself. `skipped` lists the files in folders of inputs that are not inputs. */
export function expandInputs(paths: string[]): { inputs: string[]; skipped: string[] } {
  const inputs: string[] = [];
  const skipped: string[] = [];
  const visit = (p: string, depth: number) => {
    let st;
    try {
      st = p === '-' ? undefined : statSync(p);
    } catch {
      st = undefined; // reading it reports what is wrong
    }
    if (!st?.isDirectory() || existsSync(join(p, MANIFEST)) || depth > 8) return void inputs.push(p);
    const { table: tables, large, text: texts, dsl, efi, image, dtb, other: others, dirs } = folderEntries(p);
    // binary tables, or one acpidump text alone: this folder is one table set
    if (tables.length || (texts.length <= 1 && !dirs.length)) return void inputs.push(p);
    for (const t of texts) inputs.push(t);
    for (const l of [dsl, efi, image, dtb, others, large]) for (const f of l) skipped.push(f);
    for (const d of dirs) visit(d, depth + 1);
  };
  for (const p of paths) visit(p, 0);
  return { inputs, skipped };
}

/** The region image of a build output (acpi.img, named by the manifest.json beside it): the
 * folder and the image's base, else undefined. */
export function buildImageOf(path: string): { dir: string; base: bigint } | undefined {
  const dir = dirname(path);
  const manifest = join(dir, MANIFEST);
  try {
    if (!statSync(path).isFile() || !statSync(manifest, { throwIfNoEntry: false })?.isFile()) return undefined;
    const text = readBounded(manifest, MAX_JSON).bytes;
    if (!text) return undefined; // no manifest of ours is that large: read the file as it is
    const region = (JSON.parse(Buffer.from(text).toString('utf8')) as { region?: { base?: string; file?: string } }).region;
    if (region?.file !== basename(path) || typeof region.base !== 'string' || !/^0x[0-9a-f]+$/i.test(region.base)) return undefined;
    return { dir, base: BigInt(region.base) };
  } catch {
    return undefined; // an unreadable path or manifest: read the file as it is
  }
}

/** Whether bytes start with a flattened device tree's magic. */
export const isFdt = (b: Uint8Array): boolean => b.length >= 4 && Buffer.from(b.buffer, b.byteOffset, 4).readUInt32BE(0) === FDT_MAGIC;

/** A regular file's bytes when it is a flattened device tree (by its magic), else undefined; one
 * larger than any table (a device tree is some KiB; Linux takes at most 2 MiB) is refused. */
export function readFdtFile(path: string): Uint8Array | undefined {
  let bytes;
  try {
    if (!statSync(path).isFile() || !isFdt(head(path, 4))) return undefined;
    bytes = readBounded(path, MAX_TABLE).bytes;
  } catch {
    return undefined; // the table reader reports what is wrong with the path
  }
  if (!bytes) throw new Refusal(`${path}: a device tree of more than ${sizeText(MAX_TABLE)}: not read (a device tree is some KiB)`);
  return bytes;
}

/** Read any supported input: folder, acpidump text, single table, memory image, ELF core, build
 * output; a path that is neither a file nor a folder (a FIFO, a shell's /dev/fd/N, a character
 * device) is a stream, read once (takeStream). */
export function readTables(input: string | Uint8Array, opts: ReadOptions = {}): ReadResult {
  if (typeof input !== 'string')
    return opts.exclude?.length
      ? noExclusion(opts.name ?? '<buffer>', 'this input is one buffer')
      : readSource(bufferSource(input), opts.name ?? '<buffer>', opts);
  try {
    return readPath(input, opts);
  } catch (e) {
    // a path (or a file of a folder) that cannot be read at all: a refusal naming it, in words
    if (!isFsError(e)) throw e;
    const at = e.path && resolve(e.path) !== resolve(input) ? ` (${e.path})` : '';
    throw new PathError(input, e.code!, `${fsWords(e)}${at}`);
  }
}

function readPath(input: string, opts: ReadOptions): ReadResult {
  const st = statSync(input);
  if (st.isDirectory()) {
    if (existsSync(join(input, MANIFEST))) return opts.exclude?.length ? noExclusion(input, 'a build output is read as a whole') : readBuildOutput(input);
    return readFolder(input, opts.exclude);
  }
  if (opts.exclude?.length) return noExclusion(input, st.isFile() ? 'this input is one file' : 'this input is one stream');
  if (!st.isFile()) {
    const fd = openSync(input, 'r');
    let taken: Taken;
    try {
      taken = takeStream(fd, input, opts);
    } finally {
      closeSync(fd);
    }
    return readTaken(taken, input, opts);
  }
  const source = fileSource(input);
  try {
    return readSource(source, input, opts);
  } finally {
    source.close();
  }
}

function noExclusion(file: string, why: string): ReadResult {
  const message = `--exclude leaves files of a folder of tables out; ${why}`;
  return { set: makeSet(file, 'table', []), findings: [{ code: 'INPUT_EXCLUDE', severity: 'error', table: '', path: '', message, file }] };
}

/** A stream's bytes, read once; or, when it passed its limit, the finding that says so. */
export type Taken = { bytes: Uint8Array; refused?: undefined } | { bytes?: undefined; refused: ReadResult };

/**
 * A stream (standard input, a pipe, a FIFO, /dev/fd/N, a character device), read once, whole, in
 * bounded memory: it cannot be read twice or at an offset, so its bytes are taken in and every
 * reader (the device-tree test, readTables) reads them. The limit follows its first bytes:
 * acpidump text MAX_TEXT; an ELF core, or anything given --image-base or --rsdp, MAX_STREAM;
 * anything else is a table, MAX_TABLE. A stream past its limit is not read further (/dev/zero).
 */
export function takeStream(fd: number, name: string, opts: ReadOptions = {}): Taken {
  let what = '';
  const got = readStream(fd, (head) => {
    if (looksLikeAcpidump(head)) {
      what = `acpidump text of more than ${sizeText(MAX_TEXT)}, the most read (real acpidump text is at most tens of MiB)`;
      return MAX_TEXT;
    }
    if (isElf(head) || opts.imageBase !== undefined || opts.rsdp !== undefined) {
      what =
        `a memory capture on a stream passing ${sizeText(MAX_STREAM)}, the most a stream is read to (it is held in memory whole): give ` +
        `the capture as a file, which is read in chunks`;
      return MAX_STREAM;
    }
    what =
      `more than ${sizeText(MAX_TABLE)} on a stream, and neither acpidump text nor an ELF core: no table is that large (for a memory ` +
      `image give --image-base, and the image as a file)`;
    return MAX_TABLE;
  });
  if (got.over) return { refused: { set: makeSet(name, 'table', []), findings: [tooLarge(name, what)] } };
  return { bytes: got.bytes };
}

/** What a stream held, read as readTables reads a file (its bytes are the reader's to keep: no
 * copy is made of them); or the finding that refused it. */
export const readTaken = (taken: Taken, name: string, opts: ReadOptions = {}): ReadResult =>
  taken.refused ?? readSource(bufferSource(taken.bytes, true), name, opts);

const tooLarge = (file: string, message: string): Finding => ({ code: 'INPUT_TOO_LARGE', severity: 'error', table: '', path: '', message, file });

/** acpidump text in a file of its own, read whole up to MAX_TEXT. */
function readTextFile(path: string): ReadResult {
  const got = readBounded(path, MAX_TEXT);
  if (got.over)
    return {
      set: makeSet(path, 'acpidump', []),
      findings: [
        tooLarge(path, `acpidump text of ${statSync(path).size} bytes, more than the ${sizeText(MAX_TEXT)} read (real acpidump text is at most tens of MiB)`),
      ],
    };
  return readAcpidumpText(got.bytes, path);
}

/** The signature of a kdump-compressed dump (makedumpfile, dump-guest-memory -z/-l/-s). */
const KDUMP_SIGNATURE = 'KDUMP   ';

/** A file or buffer, by content: acpidump text, an ELF core, a memory image (--image-base/--rsdp),
 * else one table. Captures are read through positioned reads, never whole. */
function readSource(source: Source, file: string, opts: ReadOptions): ReadResult {
  const head = new Uint8Array(Math.min(8192, source.size));
  source.read(head, 0);
  const whole = () => {
    if (source.bytes) return source.bytes; // a stream's bytes, read once already
    const b = new Uint8Array(source.size);
    source.read(b, 0);
    return b;
  };
  const problem = (code: string, message: string, offset?: number): ReadResult => ({
    set: makeSet(file, 'image', []),
    findings: [{ code, severity: 'error', table: '', path: '', message, file, offset }],
  });
  // acpidump text is unmistakable (no NUL bytes, hex-dump lines), so --image-base only makes
  // binary files images: `diff mem.img acpidump.txt --image-base …` compares the two
  if (looksLikeAcpidump(head)) {
    if (source.size > MAX_TEXT)
      return problem(
        'INPUT_TOO_LARGE',
        `acpidump text of ${source.size} bytes, more than the ${sizeText(MAX_TEXT)} read (real acpidump text is at most tens of MiB)`,
      );
    return readAcpidumpText(whole(), file);
  }
  if (looksLikeDisassembly(head))
    return problem(
      'INPUT_DISASSEMBLY',
      "iasl's disassembly (iasl -d output), not acpidump text or a table: give the binary table it was made from (or compile it back with iasl)",
    );
  if (isElf(head)) {
    let core;
    try {
      core = elfCore(source);
    } catch (e) {
      if (e instanceof ElfError) return problem('IMAGE_FORMAT', `an ELF file that is not a readable memory capture: ${e.message}`, e.offset);
      throw e;
    }
    return readImage(core, file, opts.rsdp);
  }
  if (head.length >= 8 && latin1(head, 0, 8) === KDUMP_SIGNATURE)
    return problem(
      'IMAGE_FORMAT',
      'a kdump-compressed dump (makedumpfile, dump-guest-memory -z/-l/-s) is not read: make an ELF core (dump-guest-memory without a ' +
        'compression option, virsh dump --memory-only --format=elf, makedumpfile -E)',
      0,
    );
  if (opts.imageBase !== undefined || opts.rsdp !== undefined) {
    const base = opts.imageBase ?? 0n;
    if (base < 0n) return problem('IMAGE_FORMAT', `--image-base ${base} is below 0`);
    if (base + BigInt(source.size) > 1n << 64n)
      return problem('IMAGE_FORMAT', `the image's ${source.size} bytes at --image-base ${hex(base)} run past the 64-bit address space`);
    return readImage(rawImage(source, base), file, opts.rsdp);
  }
  if (source.size > MAX_TABLE)
    return problem(
      'INPUT_TOO_LARGE',
      `${source.size} bytes, more than the ${sizeText(MAX_TABLE)} a table may have: for a memory image give --image-base (an ELF core needs none)`,
    );
  return readBlob(whole(), file);
}

/** An EFI structure read from a file of its own. */
const efiPart = (bytes: Uint8Array, source: string): EfiPart => ({ kind: efiKindOf(bytes)!, bytes, source });

/** One table (or the RSDP), or one EFI structure, in a file of its own. */
function readBlob(data: Uint8Array, file: string): ReadResult {
  const findings: Finding[] = [];
  if (data.length === 0) {
    findings.push({ code: 'INPUT_EMPTY', severity: 'error', table: '', path: '', message: 'empty file', file });
    return { set: makeSet(file, 'table', []), findings };
  }
  const efi = efiKindOf(data);
  if (efi === 'system-table' || (efi && !isValidSignature(data))) return { set: { ...makeSet(file, 'table', []), efi: [efiPart(data, file)] }, findings };
  const e = entryFrom(data, file, undefined, findings);
  // what the file may be instead: binary bytes may be a memory image; text is not acpidump text
  const hint = data.subarray(0, 4096).includes(0) ? 'for a memory image give --image-base' : 'a text file, but not acpidump text';
  for (const f of findings) if (f.code === 'DECODE_SIGNATURE') f.message += ` (${hint})`;
  // a table followed by more tables (or an RSDP) is a memory image read as one table
  const declared = data.length >= 8 ? Buffer.from(data.buffer, data.byteOffset, 8).readUInt32LE(4) : 0;
  const next = declared < data.length ? nextTableAt(data, declared) : undefined;
  if (next !== undefined) {
    for (const f of findings)
      if (f.code === 'DECODE_TRAILING_DATA')
        f.message +=
          ` (the bytes after it start "${latin1(data, next, next + 4)}", like another table: a memory image; give --image-base ` +
          `ADDR, the address of its first byte)`;
  }
  return { set: makeSet(file, 'table', e ? [e] : []), findings };
}
