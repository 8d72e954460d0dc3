// The output folder of `build`: tables/*.dat (acpixtract names), acpi.img, dom0.dtb, acpidump.txt
// and manifest.json, written atomically; and reading such a folder back as a TableSet (with the
// addresses the manifest records), so diff and check work on results.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dom0Output, Manifest } from '../rewrite/build.js';
import type { BuildCode } from '../rewrite/codes.js';
import { tableFileNames, allEntries, setOf, type ReadResult, type TableEntry, type TableSet, type EfiPart } from '../model/tableset.js';
import { readFdt, findNode, propNumber, FdtReadError } from '../fdt/reader.js';
import { UEFI_PROPS } from '../fdt/dom0.js';
import { EFI_SYSTAB_SIZE, EFI_CONFIG_ENTRY_SIZE, systemTable } from '../efi/tables.js';
import { readAt } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import type { Finding } from '../layout/diagnostics.js';
import { formatAcpidumpSet } from './acpidump.js';
import { writeFolderAtomic, REPORT, type WriteOptions } from './output.js';
import { entryFrom } from './entry.js';
import { decodeTable } from '../tables/registry.js';
import { MAX_JSON, MAX_TABLE, readBounded, sizeText } from './bounded.js';
import { MAX_IMAGE_SPAN } from './image.js';

export const MANIFEST = 'manifest.json';
const RAM_DEFAULTS: BuildCode = 'BUILD_RAM_DEFAULTS';

export { REPORT };

export function buildOutputFiles(out: Dom0Output, report?: string): Map<string, Uint8Array | string> {
  const files = new Map<string, Uint8Array | string>();
  const names = tableFileNames(out.tables);
  for (const e of allEntries(out.tables)) files.set(`tables/${names.get(e)}`, e.bytes);
  files.set('acpi.img', out.image);
  if (out.dtb) files.set('dom0.dtb', out.dtb);
  files.set('acpidump.txt', formatAcpidumpSet(out.tables));
  files.set(MANIFEST, JSON.stringify(out.manifest, null, 2) + '\n');
  if (report !== undefined) files.set(REPORT, report);
  return files;
}

/** Write a build's output folder; `opts.inputs` are the paths the build read (the output is kept apart from them). */
export function writeBuildOutput(dir: string, out: Dom0Output, opts: WriteOptions = {}, report?: string): void {
  writeFolderAtomic(dir, buildOutputFiles(out, report), opts);
}

/** The set a build made, as reading its output folder back gives it: the tables (each the table its
 * bytes decode to, at the offsets they hold; a reused host table is the host's own), the device
 * tree, the region image and the EFI structures in it. */
export function builtSet(dir: string, out: Dom0Output): TableSet {
  const decoded = (e: TableEntry): TableEntry => (out.origins.get(e) === 'reused' ? e : { ...e, table: decodeTable(e.bytes).table ?? e.table });
  const tables = { ...out.tables, rsdp: out.tables.rsdp && decoded(out.tables.rsdp), tables: out.tables.tables.map(decoded) };
  const boot: NonNullable<TableSet['boot']> = { image: { base: out.region.base, bytes: out.image }, imageFile: join(dir, 'acpi.img') };
  if (out.dtb) Object.assign(boot, { dtb: out.dtb, dtbFile: join(dir, 'dom0.dtb') });
  const efi = efiPartsOf(boot);
  return { ...tables, origin: dir || '.', kind: 'build', boot, ...(efi.length ? { efi } : {}) };
}

export function readBuildOutput(dir: string): ReadResult {
  const findings: Finding[] = [];
  const file = join(dir, MANIFEST);
  const fail = (message: string): ReadResult => {
    findings.push({ code: 'INPUT_MANIFEST', severity: 'error', table: '', path: '', message, file });
    return { set: { origin: dir, kind: 'build', tables: [] }, findings };
  };
  // each file whole, up to what the build writes (a FIFO or /dev/zero in its place is not waited on for ever)
  const whole = (p: string, limit: number): Uint8Array | string => readBounded(p, limit).bytes ?? `${p} is larger than the ${sizeText(limit)} a build writes`;
  // what a manifest holds, as far as it can be trusted: anything of the file may be missing or wrong
  let manifest: Partial<Pick<Manifest, 'tables' | 'region' | 'warnings'>>;
  const text = whole(file, MAX_JSON);
  if (typeof text === 'string') return fail(text);
  try {
    manifest = JSON.parse(Buffer.from(text).toString('utf8'));
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
    const bytes = whole(p, MAX_TABLE);
    if (typeof bytes === 'string') return fail(bytes);
    const e = entryFrom(bytes, p, address, findings);
    if (e) entries.push(e);
  }
  const boot: NonNullable<TableSet['boot']> = {};
  const dtb = join(dir, 'dom0.dtb');
  if (existsSync(dtb)) {
    const bytes = whole(dtb, MAX_TABLE);
    if (typeof bytes === 'string') return fail(bytes);
    Object.assign(boot, { dtb: bytes, dtbFile: dtb });
  }
  const img = join(dir, 'acpi.img');
  const base = manifest.region?.base;
  if (existsSync(img) && typeof base === 'string' && /^0x[0-9a-f]+$/i.test(base)) {
    const bytes = whole(img, Number(MAX_IMAGE_SPAN));
    if (typeof bytes === 'string') return fail(bytes);
    Object.assign(boot, { image: { base: BigInt(base), bytes }, imageFile: img });
  }
  // what the build placed by guesswork stays said when its output is read back (check lists it)
  const guessed = Array.isArray(manifest.warnings) ? manifest.warnings.find((w) => w?.code === RAM_DEFAULTS) : undefined;
  if (guessed)
    findings.push({
      code: 'INPUT_RAM_DEFAULTS',
      severity: 'warning',
      table: '',
      path: '',
      message:
        `the build placed dom0's RAM by QEMU virt's map (${RAM_DEFAULTS}): ` +
        `${typeof guessed.message === 'string' ? guessed.message : 'the host describes no RAM'}`,
      file,
    });
  const set = setOf(dir, 'build', entries, boot);
  const efi = efiPartsOf(boot);
  return { set: efi.length ? { ...set, efi } : set, findings };
}

/** The EFI system table, configuration table and memory map in a build's region image, where its
 * device tree says they are (each only when it lies wholly in the image). */
export function efiPartsOf(boot: NonNullable<TableSet['boot']>): EfiPart[] {
  const img = boot.image;
  if (!boot.dtb || !img) return [];
  let uefi;
  try {
    uefi = findNode(readFdt(boot.dtb), '/hypervisor/uefi');
  } catch (e) {
    if (!(e instanceof FdtReadError)) throw e;
    return []; // check --dom0 says what is wrong with the tree
  }
  const prop = (name: string) => {
    const v = uefi?.props.find((p) => p.name === name)?.value;
    return v && (v.length === 4 || v.length === 8) ? propNumber(v) : undefined;
  };
  const out: EfiPart[] = [];
  const take = (kind: EfiPart['kind'], at: bigint | undefined, size: bigint) => {
    if (at === undefined || at < img.base || at + size > img.base + BigInt(img.bytes.length) || size <= 0n) return undefined;
    const bytes = img.bytes.subarray(Number(at - img.base), Number(at - img.base + size));
    out.push({ kind, bytes, address: at, source: `${boot.imageFile}@${hex(at)}` });
    return bytes;
  };
  const systab = prop(UEFI_PROPS[0]);
  const st =
    systab !== undefined && systab >= img.base && systab + BigInt(EFI_SYSTAB_SIZE) <= img.base + BigInt(img.bytes.length)
      ? readAt(systemTable, img.bytes, Number(systab - img.base))
      : undefined;
  if (st) {
    take('system-table', systab, BigInt(Math.max(EFI_SYSTAB_SIZE, st.header_size)));
    if (st.number_of_table_entries <= 64n) take('configuration-table', st.configuration_table, st.number_of_table_entries * BigInt(EFI_CONFIG_ENTRY_SIZE));
  }
  const size = prop(UEFI_PROPS[2]);
  if (size !== undefined) take('memory-map', prop(UEFI_PROPS[1]), size);
  return out;
}
