// Tables by signature, and the two entry points decodeTable / encodeTable. The signature always
// comes from the bytes. Unknown signatures decode as a header plus opaque body.
import type { TableDef, RootPointer } from '../model/rules.js';
import { layout } from '../layout/schema.js';
import { type DecodeCtx, decodeNode, encodeRoot, derivedLeaves, checksumOf, fieldAt, readUint, revisionAt, revisionOf, variantFor } from '../layout/codec.js';
import { type Finding, hex } from '../layout/diagnostics.js';
import { headerField } from './common.js';
import { describeNode, type Entry } from '../layout/describe.js';
import { fadt } from './fadt.js';
import { madt } from './madt.js';
import { gtdt } from './gtdt.js';
import { spcr } from './spcr.js';
import { stao } from './stao.js';
import { rsdp, RSDP_SIGNATURE, RSDP_V1_SIZE, RSDP_V2_SIZE } from './rsdp.js';
import { rsdt, xsdt } from './rsdt.js';
import { facs } from './facs.js';
import { mcfg } from './mcfg.js';
import { srat } from './srat.js';
import { slit } from './slit.js';
import { pptt } from './pptt.js';
import { iort } from './iort.js';
import { dbg2 } from './dbg2.js';
import { hmat } from './hmat.js';
import { hest } from './hest.js';
import { bert, einj, erst } from './errors.js';
import { sdei, bgrt, spmi, wdat, pdtt, fpdt, tpm2 } from './misc.js';
import { pcct } from './pcct.js';
import { csrt } from './csrt.js';
import { nfit } from './nfit.js';
import { apmt, aest } from './arm.js';
import { viot } from './viot.js';
import { dsdt, ssdt } from './aml.js';

import type { AcpiTable } from '../model/set.js';

export type { AcpiTable } from '../model/set.js';
/** A view of a whole set that joins its tables: the PCI segments, end to end. */
export { pciSegments, type PciSegment, type PciRoute } from './pci-segments.js';

export const ACPI_HEADER_SIZE = 36;

const generic = {
  name: 'table',
  label: 'ACPI table',
  tailLabel: 'Table data (not decoded)',
  minLength: ACPI_HEADER_SIZE,
  layout: layout('generic', [headerField()]),
} satisfies TableDef;

const defs = new Map<string, TableDef>([
  ['FACP', fadt],
  ['APIC', madt],
  ['GTDT', gtdt],
  ['SPCR', spcr],
  ['STAO', stao],
  ['RSDT', rsdt],
  ['XSDT', xsdt],
  ['FACS', facs],
  ['RSDP', rsdp],
  ['MCFG', mcfg],
  ['SRAT', srat],
  ['SLIT', slit],
  ['PPTT', pptt],
  ['IORT', iort],
  ['DBG2', dbg2],
  ['HMAT', hmat],
  ['HEST', hest],
  ['BERT', bert],
  ['EINJ', einj],
  ['ERST', erst],
  ['PCCT', pcct],
  ['SDEI', sdei],
  ['BGRT', bgrt],
  ['FPDT', fpdt],
  ['TPM2', tpm2],
  ['CSRT', csrt],
  ['NFIT', nfit],
  ['PDTT', pdtt],
  ['SPMI', spmi],
  ['WDAT', wdat],
  ['APMT', apmt],
  ['VIOT', viot],
  ['AEST', aest],
  ['DSDT', dsdt],
  ['SSDT', ssdt],
]);

/** How the root pointer is found in memory (the one declaration that has `rootPointer`). */
export function rootPointer(): RootPointer {
  for (const d of defs.values()) if (d.rootPointer) return d.rootPointer;
  throw new Error('no declaration has rootPointer');
}

let otherwise: ReadonlySet<string> | undefined;
/** The tables reached other than through a list of tables: the root pointer (found by scanning),
 * and every table another declaration's pointer field names (RSDP → XSDT, RSDT; FADT → DSDT, FACS).
 * The XSDT lists none of them; a listing that names one is wrong. */
export function reachedOtherwise(): ReadonlySet<string> {
  if (otherwise) return otherwise;
  const out = new Set<string>();
  for (const [sig, d] of defs) {
    if (d.rootPointer) out.add(sig);
    for (const p of d.pointers ?? []) if (!p.part) for (const t of p.to ?? []) out.add(t);
  }
  return (otherwise = out);
}

/** Every signature decoded field by field (the RSDP as "RSDP"). */
export function decodedSignatures(): string[] {
  return [...defs.keys()];
}

export function defFor(signature: string): TableDef {
  return defs.get(signature) ?? generic;
}

/** Long description for a signature, as dump prints it next to the signature. */
export function describeSignature(signature: string): string | undefined {
  return defs.get(signature)?.label;
}

/** A signature is four printable, non-space ASCII characters. */
export function isValidSignature(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  for (let i = 0; i < 4; i++) if (b[i] < 0x21 || b[i] > 0x7e) return false;
  return true;
}

export const latin1 = (b: Uint8Array, from = 0, to = b.length): string => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

export function isRsdp(b: Uint8Array): boolean {
  return b.length >= 8 && latin1(b, 0, 8) === RSDP_SIGNATURE;
}

export interface DecodeResult {
  /** undefined when the bytes cannot be a table at all (too short, bad signature, truncated) */
  table?: AcpiTable;
  /** the declared length: the table is bytes[0, length) */
  length?: number;
  findings: Finding[];
}

type Framed = { signature: string; length: number; revision: number };
type Err = (code: string, table: string, offset: number, message: string) => void;

/** Where the root pointer keeps its revision and (from revision 2) its length: its declaration's. */
const RSDP_REVISION_AT = fieldAt(rsdp.layout, 'revision')!.offset;
const RSDP_LENGTH_AT = fieldAt(rsdp.layout, 'length')!.offset;

/** The root pointer's frame: 20 bytes at revision 0-1, its declared length (at least 36) from 2. */
function rsdpFrame(b: Uint8Array, err: Err): Framed | undefined {
  if (b.length < RSDP_V1_SIZE) {
    err('DECODE_TRUNCATED', 'RSDP', 0, `${b.length} bytes; an RSDP needs at least ${RSDP_V1_SIZE}`);
    return undefined;
  }
  const revision = b[RSDP_REVISION_AT];
  let length = RSDP_V1_SIZE;
  if (revision >= 2) {
    if (b.length < RSDP_V2_SIZE) {
      err('DECODE_TRUNCATED', 'RSDP', 0, `revision ${revision} RSDP is ${b.length} bytes; it needs ${RSDP_V2_SIZE}`);
      return undefined;
    }
    length = readUint(b, RSDP_LENGTH_AT, 4);
    if (length < RSDP_V2_SIZE) {
      err('DECODE_LENGTH', 'RSDP', RSDP_LENGTH_AT, `declared length ${length} is below the ${RSDP_V2_SIZE} bytes of a revision ${revision} RSDP`);
      return undefined;
    }
    if (b.length < length) {
      err('DECODE_TRUNCATED', 'RSDP', RSDP_LENGTH_AT, `declared length ${length} (${hex(length)}) but only ${b.length} bytes are present`);
      return undefined;
    }
  }
  if (b.length > length) {
    err('DECODE_TRAILING_DATA', 'RSDP', length, `revision ${revision} RSDP is ${length} bytes but the data has ${b.length} (${b.length - length} after it)`);
  }
  return { signature: 'RSDP', length, revision };
}

/** Signature and declared length, checked against the bytes; the basis for every decode. */
function frame(b: Uint8Array, findings: Finding[]): Framed | undefined {
  const err: Err = (code, table, offset, message) => findings.push({ code, severity: 'error', table, path: table, offset, message });
  if (isRsdp(b)) return rsdpFrame(b, err);
  if (b.length < 8) {
    err('DECODE_TRUNCATED', '', 0, `${b.length} bytes: not an ACPI table (the header alone is ${ACPI_HEADER_SIZE} bytes)`);
    return undefined;
  }
  if (!isValidSignature(b)) {
    const bytes = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(b.subarray(0, 4), (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    // say what is wrong with these bytes: a space ("IBI ", "# do") is printable but not allowed
    const why = Array.from(b.subarray(0, 4)).some((x) => x < 0x20 || x > 0x7e) ? 'not printable ASCII' : 'printable but hold a space';
    err(
      'DECODE_SIGNATURE',
      '',
      0,
      `signature bytes ${bytes} ("${text}") are ${why}; a table signature is 4 printable characters without spaces: not an ACPI table`,
    );
    return undefined;
  }
  const signature = latin1(b, 0, 4);
  const length = readUint(b, 4, 4);
  // a table with the standard header needs at least the header; one without (the FACS) its declared minimum
  const def = defFor(signature);
  if (def.rootPointer) {
    // "RSDP" names the root pointer, whose bytes start "RSD PTR ": a table that calls itself RSDP
    // could not be told apart from it in a set, a dump or a path
    err(
      'DECODE_SIGNATURE',
      signature,
      0,
      `signature "${signature}" is the name of the root pointer, whose bytes start "${def.rootPointer.signature}"; these do not: not a ` +
        `table this tool can tell apart from it`,
    );
    return undefined;
  }
  const min = def.layout.fields[0]?.name === 'header' ? ACPI_HEADER_SIZE : (def.minLength ?? ACPI_HEADER_SIZE);
  if (length < min) {
    err('DECODE_LENGTH', signature, 4, `declared length ${length} is below the ${min}-byte minimum`);
    return undefined;
  }
  if (b.length < length) {
    err('DECODE_TRUNCATED', signature, 4, `declared length ${length} (${hex(length)}) but only ${b.length} bytes are present`);
    return undefined;
  }
  if (b.length > length) {
    err(
      'DECODE_TRAILING_DATA',
      signature,
      length,
      `declared length ${length} (${hex(length)}) but the data has ${b.length} bytes (${b.length - length} after the table)`,
    );
  }
  const at = revisionAt(def);
  const revision = at !== undefined && at < length ? b[at] : 0;
  return { signature, length, revision };
}

/** The bytes each table object decodeTable made was read from (a table is a value: passes make new
 * objects, so a table found here still encodes to exactly these bytes). */
const readFromBytes = new WeakMap<AcpiTable, Uint8Array>();

/** The bytes `table` was decoded from, when decodeTable made this very object. */
export const decodedFrom = (table: AcpiTable): Uint8Array | undefined => readFromBytes.get(table);

/** Decode one table (or the RSDP). Never throws on bad bytes: problems come back as findings. */
export function decodeTable(bytes: Uint8Array): DecodeResult {
  const findings: Finding[] = [];
  const f = frame(bytes, findings);
  if (!f) return { findings };
  const def = variantFor(defFor(f.signature), f.revision);
  const buf = bytes.subarray(0, f.length);
  const ctx: DecodeCtx = { buf, revision: f.revision, table: f.signature, findings };
  const node = decodeNode(def, ctx, 0, f.length, f.signature);
  const table: AcpiTable = { signature: f.signature, ...node };
  for (const leaf of derivedLeaves(def.layout)) {
    if (leaf.derive !== 'checksum' || leaf.offset >= f.length) continue;
    const want = checksumOf(buf, leaf.span ?? f.length, leaf.offset);
    if (buf[leaf.offset] !== want) (table.faults ??= {})[leaf.path] = (buf[leaf.offset] - want) & 0xff;
  }
  readFromBytes.set(table, buf);
  return { table, length: f.length, findings };
}

/** Encode a table; length, counts, offsets and checksums are derived (a recorded checksum fault is kept). */
export function encodeTable(table: AcpiTable): Uint8Array {
  return encodeRoot(defOf(table), table);
}

/** The definition a decoded table follows: its signature's, or the variant its revision selects
 * (TPM2 revision 3 and 4 lay out their fields differently). */
export function defOf(table: AcpiTable): TableDef {
  const def = defFor(table.signature);
  return def.variants ? variantFor(def, revisionOf(def, table.fields)) : def;
}

/** What a table is called among the tables of a set: its signature, or what its declaration makes
 * of it (SSDT[OEM table id]: several SSDTs told apart). */
export function tableKey(t: AcpiTable): string {
  return defOf(t).tableKey?.(t) ?? t.signature;
}

/** Every field of a table with its path, offset, width and label (what dump, check and the
 * comparator read). */
export function describeTable(table: AcpiTable): Entry[] {
  return describeNode(defOf(table), table, 0, table.signature, tableRevision(table));
}

/** The revision a table declares, where its definition says it lives (header byte 8, RSDP byte
 * 15, FACS byte 32). */
export function tableRevision(table: AcpiTable): number {
  return revisionOf(defFor(table.signature), table.fields) ?? 0;
}

/** Checksum leaves of a table's layout, by path. */
function checksumPaths(signature: string): Set<string> {
  return new Set(
    derivedLeaves(defFor(signature).layout)
      .filter((l) => l.derive === 'checksum')
      .map((l) => l.path),
  );
}

/** Offset of a table's (first) checksum byte: the header's, or the RSDP's 20-byte one. */
export function checksumAt(table: AcpiTable): number {
  return derivedLeaves(defFor(table.signature).layout).find((l) => l.derive === 'checksum')?.offset ?? 9;
}

export function hasChecksumFault(table: AcpiTable): boolean {
  const paths = checksumPaths(table.signature);
  return Object.keys(table.faults ?? {}).some((p) => paths.has(p));
}

/** The table with its checksums made right (what `check --fix` and the build's last pass do); other
 * recorded faults (a count that disagrees with the data) are structural and stay. */
export function withoutFaults<T extends AcpiTable>(table: T): T {
  if (!hasChecksumFault(table)) return table;
  const paths = checksumPaths(table.signature);
  const rest = Object.fromEntries(Object.entries(table.faults!).filter(([p]) => !paths.has(p)));
  const { faults: _dropped, ...others } = table;
  return (Object.keys(rest).length ? { ...others, faults: rest } : others) as T;
}
