// readTables: every input form into one TableSet, auto-detected. The signature always comes from
// the bytes, never from a file name. Problems are findings (with file, table and offset); only a
// path that cannot be read at all throws.
import { readFileSync, readdirSync, statSync, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { join, relative, extname, dirname, basename } from 'node:path';
import { FDT_MAGIC } from '../fdt/format.js';
import { entryFrom } from './entry.js';
import type { Finding } from '../layout/diagnostics.js';
import { type TableEntry, type TableSet, type ReadResult, type InputKind, setOf } from '../model/tableset.js';
import { looksLikeAcpidump, parseAcpidump } from './acpidump.js';
import { readImage } from './image.js';
import { readBuildOutput, MANIFEST } from './build-output.js';

export interface ReadOptions {
  /** physical address of byte 0 of a memory image; makes a file input an image */
  imageBase?: bigint;
  /** RSDP address inside the image (skips the scan) */
  rsdp?: bigint;
  /** name to use for a buffer input in messages */
  name?: string;
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

const TABLE_EXT = new Set(['', '.dat', '.aml', '.bin']);

/** Natural order, so ssdt2 comes before ssdt10. */
const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function readBinaryFolder(dir: string): ReadResult {
  const findings: Finding[] = [];
  const entries: TableEntry[] = [];
  const visit = (d: string, depth: number) => {
    const names = readdirSync(d)
      .filter((n) => !n.startsWith('.'))
      .sort(natural);
    for (const name of names) {
      const p = join(d, name);
      const st = statSync(p);
      if (!st.isFile() || !TABLE_EXT.has(extname(name).toLowerCase())) continue;
      const e = entryFrom(readFileSync(p), relative(process.cwd(), p) || p, undefined, findings);
      if (e) entries.push(e);
    }
    // sysfs: dynamic/ holds tables loaded at run time (after the firmware's); data/ holds non-table blobs
    if (depth === 0 && names.includes('dynamic') && statSync(join(d, 'dynamic')).isDirectory()) visit(join(d, 'dynamic'), 1);
  };
  visit(dir, 0);
  if (!entries.length && !findings.length) {
    // a folder with no binary tables but one acpidump text file (a sample, a bug report) reads as that text
    const texts = readdirSync(dir)
      .filter((n) => statSync(join(dir, n)).isFile() && !TABLE_EXT.has(extname(n).toLowerCase()))
      .filter((n) => looksLikeAcpidump(readFileSync(join(dir, n)).subarray(0, 8192)));
    if (texts.length === 1) return readAcpidumpText(readFileSync(join(dir, texts[0])), join(dir, texts[0]));
  }
  if (!entries.length && !findings.length) {
    findings.push({
      code: 'INPUT_NO_TABLES',
      severity: 'error',
      table: '',
      path: '',
      message: 'no table files (.dat, .aml, .bin or sysfs names) in this folder',
      file: dir,
    });
  }
  return { set: makeSet(dir, 'binaries', entries), findings };
}

/** The region image of a build output (acpi.img, named by the manifest.json beside it): the
 * folder and the image's base, else undefined. */
export function buildImageOf(path: string): { dir: string; base: bigint } | undefined {
  const dir = dirname(path);
  const manifest = join(dir, MANIFEST);
  try {
    if (!statSync(path).isFile() || !existsSync(manifest)) return undefined;
    const region = (JSON.parse(readFileSync(manifest, 'utf8')) as { region?: { base?: string; file?: string } }).region;
    if (region?.file !== basename(path) || typeof region.base !== 'string' || !/^0x[0-9a-f]+$/i.test(region.base)) return undefined;
    return { dir, base: BigInt(region.base) };
  } catch {
    return undefined; // an unreadable path or manifest: read the file as it is
  }
}

/** A file's bytes when it is a flattened device tree (by its magic), else undefined. */
export function readFdtFile(path: string): Uint8Array | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const head = Buffer.alloc(4);
    const fd = openSync(path, 'r');
    const n = readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    return n === 4 && head.readUInt32BE(0) === FDT_MAGIC ? readFileSync(path) : undefined;
  } catch {
    return undefined; // the table reader reports what is wrong with the path
  }
}

/** Read any supported input: folder, acpidump text, single table, memory image, build output. */
export function readTables(input: string | Uint8Array, opts: ReadOptions = {}): ReadResult {
  if (typeof input !== 'string') return readBlob(input, opts.name ?? '<buffer>', opts);
  const st = statSync(input); // a path that cannot be read throws Node's error, with its code (ENOENT, EACCES, …)
  if (st.isDirectory()) {
    if (existsSync(join(input, MANIFEST))) return readBuildOutput(input);
    return readBinaryFolder(input);
  }
  return readBlob(readFileSync(input), input, opts);
}

function readBlob(data: Uint8Array, file: string, opts: ReadOptions): ReadResult {
  // acpidump text is unmistakable (no NUL bytes, hex-dump lines), so --image-base only makes
  // binary files images: `diff mem.img acpidump.txt --image-base …` compares the two
  if (looksLikeAcpidump(data)) return readAcpidumpText(data, file);
  if (opts.imageBase !== undefined || opts.rsdp !== undefined) return readImage(data, file, opts.imageBase ?? 0n, opts.rsdp);
  const findings: Finding[] = [];
  if (data.length === 0) {
    findings.push({ code: 'INPUT_EMPTY', severity: 'error', table: '', path: '', message: 'empty file', file });
    return { set: makeSet(file, 'table', []), findings };
  }
  const e = entryFrom(data, file, undefined, findings);
  for (const f of findings) if (f.code === 'DECODE_SIGNATURE') f.message += ' (for a memory image give --image-base)';
  return { set: makeSet(file, 'table', e ? [e] : []), findings };
}
