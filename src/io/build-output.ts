// The output folder of `build`: tables/*.dat (acpixtract names), acpi.img, dom0.dtb, acpidump.txt
// and manifest.json, written atomically; and reading such a folder back as a TableSet (with the
// addresses the manifest records), so diff and check work on results.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dom0Output } from '../rewrite/build.js';
import { tableFileNames, allEntries, setOf, type ReadResult, type TableEntry, type TableSet } from '../model/tableset.js';
import type { Finding } from '../layout/diagnostics.js';
import { formatAcpidumpSet } from './acpidump.js';
import { writeFolderAtomic, type WriteOptions } from './output.js';
import { entryFrom } from './entry.js';

export const MANIFEST = 'manifest.json';

export function buildOutputFiles(out: Dom0Output): Map<string, Uint8Array | string> {
  const files = new Map<string, Uint8Array | string>();
  const names = tableFileNames(out.tables);
  for (const e of allEntries(out.tables)) files.set(`tables/${names.get(e)}`, e.bytes);
  files.set('acpi.img', out.image);
  if (out.dtb) files.set('dom0.dtb', out.dtb);
  files.set('acpidump.txt', formatAcpidumpSet(out.tables));
  files.set(MANIFEST, JSON.stringify(out.manifest, null, 2) + '\n');
  return files;
}

/** Write a build's output folder; `opts.inputs` are the paths the build read (the output is kept apart from them). */
export function writeBuildOutput(dir: string, out: Dom0Output, opts: WriteOptions = {}): void {
  writeFolderAtomic(dir, buildOutputFiles(out), opts);
}

interface ManifestRegion {
  base?: string;
}

interface ManifestTable {
  signature: string;
  file: string;
  address: string | null;
}

export function readBuildOutput(dir: string): ReadResult {
  const findings: Finding[] = [];
  const file = join(dir, MANIFEST);
  const fail = (message: string): ReadResult => {
    findings.push({ code: 'INPUT_MANIFEST', severity: 'error', table: '', path: '', message, file });
    return { set: { origin: dir, kind: 'build', tables: [] }, findings };
  };
  let manifest: { tables?: ManifestTable[]; region?: ManifestRegion };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(manifest.tables)) return fail('no "tables" list: not a dom0-acpi build manifest');
  const entries: TableEntry[] = [];
  for (const t of manifest.tables) {
    if (typeof t?.file !== 'string' || !/^tables\/[a-z0-9_]+\.dat$/.test(t.file)) return fail(`table entry ${JSON.stringify(t)} has no valid "file"`);
    const p = join(dir, t.file);
    if (!existsSync(p)) return fail(`${t.file} is listed but missing`);
    const address = typeof t.address === 'string' && /^0x[0-9a-f]+$/i.test(t.address) ? BigInt(t.address) : undefined;
    const e = entryFrom(readFileSync(p), p, address, findings);
    if (e) entries.push(e);
  }
  const boot: NonNullable<TableSet['boot']> = {};
  const dtb = join(dir, 'dom0.dtb');
  if (existsSync(dtb)) Object.assign(boot, { dtb: new Uint8Array(readFileSync(dtb)), dtbFile: dtb });
  const img = join(dir, 'acpi.img');
  const base = manifest.region?.base;
  if (existsSync(img) && typeof base === 'string' && /^0x[0-9a-f]+$/i.test(base)) {
    Object.assign(boot, { image: { base: BigInt(base), bytes: new Uint8Array(readFileSync(img)) }, imageFile: img });
  }
  return {
    set: setOf(dir, 'build', entries, boot),
    findings,
  };
}
