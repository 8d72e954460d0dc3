// Test helpers: where the shared corpus and the build are (tests skip without them, but fail under
// CI=true), the external referees (iasl, acpixtract, dtc), and a captured CLI run.
import { existsSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../cli/run.js';
import { parseAcpidump } from '../src/io/acpidump.js';
import { describeTable, decodeTable, encodeTable, type AcpiTable } from '../src/tables/registry.js';
import type { TableSet } from '../src/model/tableset.js';
import { entryAt } from '../src/layout/describe.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = resolve(ROOT, '../shared/corpus');
export const SAMPLES = resolve(ROOT, 'samples');
const CI = process.env.CI === 'true';

// what is missing is said once per run, by test/setup/tmp-root.ts; under CI=true it fails here
export const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS && CI) throw new Error(`CI=true but the corpus is missing at ${CORPUS}`);

function has(tool: string, arg = '-v'): boolean {
  const ok = spawnSync(tool, [arg], { stdio: 'ignore' }).error === undefined;
  if (!ok && CI) throw new Error(`CI=true but ${tool} is not installed (.ci/run installs it)`);
  return ok;
}
/** The built command and library (npm ci builds them; `npm test` does not): tests that run them
 * skip without, but fail under CI=true. */
export const BIN = join(ROOT, 'dist', 'dom0-acpi.cjs');
export const DIST_SRC = join(ROOT, 'dist', 'src');
export const BUILT = [BIN, join(ROOT, 'dist', 'bundle.cjs'), join(DIST_SRC, 'index.js')].every((f) => existsSync(f));
if (!BUILT && CI) throw new Error('CI=true but dist/ is not built (npm ci runs the build)');

/** Debian's Chromium, which the browser tests drive through playwright-core (.ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && CI) throw new Error(`CI=true but Chromium is not installed at ${CHROMIUM} (.ci/run installs it)`);

export const HAVE_IASL = has('iasl');
export const HAVE_ACPIXTRACT = has('acpixtract');
export const HAVE_DTC = has('dtc', '--version');

/** A fresh folder inside the run's temporary root (test/setup/tmp-root.ts removes it at the end). */
export function tmp(prefix = 'dom0-acpi-'): string {
  return mkdtempSync(join(process.env.DOM0_ACPI_TEST_TMP ?? tmpdir(), prefix));
}

export interface Blob {
  name: string;
  bytes: Uint8Array;
}

/** Every table blob of the corpus: each .dat file and each block of each acpidump.txt. */
export function corpusBlobs(): Blob[] {
  if (!HAVE_CORPUS) return [];
  const out: Blob[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (n.name.endsWith('.dat') && !n.name.startsWith('efi-')) out.push({ name: p.slice(CORPUS.length + 1), bytes: readFileSync(p) });
      else if (n.name === 'acpidump.txt') {
        for (const b of parseAcpidump(readFileSync(p), p).blocks) out.push({ name: `${p.slice(CORPUS.length + 1)}:${b.line}:${b.name}`, bytes: b.bytes });
      }
    }
  };
  walk(CORPUS);
  return out;
}

/** Sample sets shipped in samples/ (each a folder with acpidump.txt). */
export function sampleDirs(): string[] {
  return readdirSync(SAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(SAMPLES, d.name))
    .sort();
}

export function sampleBlobs(): Blob[] {
  return sampleDirs().flatMap((d) =>
    parseAcpidump(readFileSync(join(d, 'acpidump.txt')), d).blocks.map((b) => ({ name: `${d.slice(SAMPLES.length + 1)}:${b.name}`, bytes: b.bytes })),
  );
}

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (s) => void (out += s), err: (s) => void (err += s), tty: false });
  return { code, out, err };
}

/** The byte offset of a field path ("APIC.gicc[17]", "APIC.gicc[1].length") in a decoded table, as
 * the engine lays it out: tests that slice or poke bytes name fields instead of adding offsets. */
export function offsetIn(table: AcpiTable, path: string): number {
  const at = entryAt(describeTable(table), path)?.offset;
  if (at === undefined) throw new Error(`no field ${path} in ${table.signature}`);
  return at;
}

/** The set with one table rewritten through its decoded form (re-encoded, so derived fields follow). */
export function editTable(set: TableSet, sig: string, f: (t: AcpiTable) => AcpiTable): TableSet {
  return {
    ...set,
    tables: set.tables.map((e) => {
      if (e.table.signature !== sig) return e;
      const bytes = encodeTable(f(e.table));
      return { ...e, table: decodeTable(bytes).table!, bytes };
    }),
  };
}
