// Shared by every command: the input options, address parsing, and loading a table set with its
// problems printed as one line each (errors make the command exit 2).
import type { Command } from 'commander';
import { statSync, openSync, closeSync } from 'node:fs';
import { hex } from '../src/layout/diagnostics.js';
import { readTables, readTaken, buildImageOf, takeStream, type ReadOptions, type Taken } from '../src/io/read.js';
import { shown } from '../src/render/escape.js';
import type { ReadResult } from '../src/model/tableset.js';
import { formatFinding, type Finding } from '../src/layout/diagnostics.js';
import type { TableEntry, TableSet } from '../src/model/tableset.js';
import { allEntries } from '../src/model/tableset.js';
import { CliError, type Io, report } from './io.js';
import { leftBeside } from '../src/io/output.js';
import { PathError, fsWords, isFsError } from '../src/io/fs-words.js';

export function parseAddress(s: string, what: string): bigint {
  const t = s.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t)) {
    const v = BigInt(t);
    if (v < 1n << 64n) return v;
  }
  throw new CliError(`${what}: "${s}" is not an address (decimal or 0x-prefixed hex, below 2^64)`);
}

export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--exclude <file>', 'leave this file of a folder input out (repeatable): one of two MADTs, a stray table', collect)
    .option('--image-base <addr>', 'the input is a raw memory image whose first byte is at this physical address')
    .option('--rsdp <addr>', 'physical address of the RSDP in the image or core (default: scan every 8-byte boundary, in bounded chunks)');
}

export interface InputOpts {
  imageBase?: string;
  rsdp?: string;
  exclude?: string[];
}

export function readOptions(o: InputOpts): ReadOptions {
  return {
    imageBase: o.imageBase === undefined ? undefined : parseAddress(o.imageBase, '--image-base'),
    rsdp: o.rsdp === undefined ? undefined : parseAddress(o.rsdp, '--rsdp'),
    exclude: o.exclude,
  };
}

/** The name standard input goes by in every message, summary line and report. */
export const STDIN = '<stdin>';

/** An input as messages and reports name it: the path as typed, standard input as <stdin>. */
export const inputName = (path: string): string => (path === '-' ? STDIN : path);

/** Whether a path is a stream: anything that is neither a regular file nor a folder (a FIFO, a
 * shell's /dev/fd/N from <(…), a character device), and "-". A stream can be read only once. */
export function isStream(path: string): boolean {
  if (path === '-') return true;
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false; // reading it says what is wrong with the path
  }
}

/** A stream input's bytes (standard input for "-", or a FIFO, /dev/fd/N, a character device), read
 * once, whole, up to the limit its first bytes call for; or the finding that refuses it. Undefined
 * for a file or a folder, which are read by path (as often as needed). */
export function streamed(path: string, o: InputOpts, io: Io): Taken | undefined {
  const opts = readOptions(o);
  const name = inputName(path);
  if (path === '-' && io.stdin === undefined) throw new CliError('-: no standard input to read');
  if (path === '-' && typeof io.stdin === 'function') return { bytes: new Uint8Array(io.stdin()) };
  if (path !== '-' && !isStream(path)) return undefined;
  let fd: number | undefined;
  try {
    fd = path === '-' ? (io.stdin as number) : openSync(path, 'r');
    return takeStream(fd, name, opts);
  } catch (e) {
    // a stream that cannot be opened or read (EACCES, EIO): said in words, naming it
    if (isFsError(e)) throw new CliError(`${name}: ${fsWords(e)}`);
    throw e;
  } finally {
    if (fd !== undefined && path !== '-') closeSync(fd);
  }
}

/** Read an input: a path, or "-" for standard input (acpidump text, a table or an image, by
 * content). A stream is read once: `stream` is its bytes when the caller has them already (dump
 * looks for a device tree in them first). */
export function readInput(path: string, o: InputOpts, io: Io, stream = streamed(path, o, io)): ReadResult {
  const opts = readOptions(o);
  if (stream) return readTaken(stream, inputName(path), opts);
  const image = opts.imageBase === undefined && opts.rsdp === undefined ? buildImageOf(path) : undefined;
  if (image) {
    // the region image holds only the tables the build made; the reused ones stay at host addresses
    const { dir, base } = image;
    report(
      io,
      'note',
      `${path} is a build's region image (at ${hex(base)}, holding only the new tables): reading the whole build output ${dir}; ` +
        `give --image-base ${hex(base)} to read the image alone`,
    );
    return readTables(dir, opts);
  }
  try {
    return readTables(path, opts);
  } catch (e) {
    // a run killed between moving its old output aside and the new one in left both beside the path
    const left = e instanceof PathError && e.code === 'ENOENT' ? leftBeside(path) : undefined;
    if (left)
      throw new CliError(`${path}: no such file or folder; a dom0-acpi run that was killed left this output whole at ${left}: run it again to write it anew`);
    throw e;
  }
}

/** Read the input; warnings and notes go to stderr, errors come back (each one line: what a
 * finding quotes is shown as escapes, so a CR or LF in a firmware string cannot split it). */
export function loadSetAndErrors(path: string, o: InputOpts, io: Io, stream?: Taken): { set: TableSet; errors: string[] } {
  const { set, findings } = readInput(path, o, io, stream);
  const line = (f: Finding) => shown(formatFinding(f));
  for (const f of findings) if (f.severity !== 'error') report(io, f.severity === 'warning' ? 'warning' : 'note', line(f));
  return { set, errors: findings.filter((f) => f.severity === 'error').map(line) };
}

/** Read the input; any error ends the command with exit 2. */
export function loadSet(path: string, o: InputOpts, io: Io): TableSet {
  const { set, errors } = loadSetAndErrors(path, o, io);
  if (errors.length) throw new CliError(errors);
  return set;
}

/** The entries selected by --table (signatures, case-insensitive; RSDP selects the RSDP). */
export function selectTables(set: TableSet, sigs: string[] | undefined): TableEntry[] {
  const all = allEntries(set);
  if (!sigs?.length) return all;
  const want = new Set(sigs.map((s) => s.toUpperCase()));
  const picked = all.filter((e) => want.has(e.table.signature.toUpperCase()));
  const missing = [...want].filter((s) => !all.some((e) => e.table.signature.toUpperCase() === s));
  if (missing.length) throw new CliError(`${set.origin}: no ${missing.join(', ')} table in the input`);
  return picked;
}

export const collect = (v: string, prev: string[] = []) => [...prev, v];
