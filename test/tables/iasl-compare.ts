// Compares our dump --json fields with what `iasl -d` prints, by offset and width: values and labels.
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { decodeTable, decodedSignatures } from '../../src/tables/registry.js';
import { tableJson, type Json } from '../../src/render/json.js';
import { guidText } from '../../src/layout/values.js';
import { tmp, type Blob } from '../helpers.js';

/** Tables iasl 20200925 does not know: decoded from their specifications and tested by exact bytes
 * (test/tables/spec-tables.test.ts). */
export const IASL_UNKNOWN = new Set(['APMT', 'VIOT', 'AEST']);
/** Tables iasl disassembles to ASL, not to fields: only their header is ours to decode. */
export const IASL_AML = new Set(['DSDT', 'SSDT']);

/** Every signature we decode field by field that iasl 20200925 can referee; the RSDP is not an
 * ACPI table to it (its checksums are tested in io/). */
export const SIGS = new Set(decodedSignatures().filter((s) => s !== 'RSDP' && !IASL_UNKNOWN.has(s) && !IASL_AML.has(s)));

/** `iasl -T ALL` templates, compiled with iasl: one table of every kind iasl knows, as iasl lays it out. */
export function templateBlobs(): Blob[] {
  const dir = tmp('iasl-templates-');
  execFileSync('iasl', ['-T', 'ALL'], { cwd: dir, stdio: 'pipe' });
  const out: Blob[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.asl'))
    .sort()) {
    const sig = f.slice(0, -4).toUpperCase();
    if (!SIGS.has(sig) && !IASL_AML.has(sig)) continue;
    execFileSync('iasl', [f], { cwd: dir, stdio: 'pipe' });
    out.push({ name: `template ${sig}`, bytes: readFileSync(join(dir, `${f.slice(0, -4)}.aml`)) });
  }
  return out;
}

/**
 * Fields old iasl versions do not print where we decode them (path patterns). iasl 20200925:
 * - SPCR byte 63 (Language) is printed with the offset of byte 76;
 * - the GICR byte 2 (Flags, ACPI 6.6) is printed as part of a 16-bit Reserved field.
 */
const IASL_QUIRKS = [
  /^SPCR\.language$/,
  /^APIC\.gicr\[\d+\]\.(flags|reserved)$/,
  // iasl sizes a named component's padding as if the ID mappings ended the node; when bytes follow
  // them it prints a longer "Padding" at the same offset
  /^IORT\.named_component\[\d+\]\.mappings_gap$/,
  // iasl prints an NFIT interleave structure's line offsets 4 bytes late, and the SMBIOS entries at
  // their offset inside the structure
  /^NFIT\.interleave\[\d+\]\.line_offset\[\d+\]\.value$/,
  /^NFIT\.smbios\[\d+\]\.entries$/,
];

interface IaslLine {
  offset: number;
  width: number;
  label: string;
  value: string;
}

function parseDsl(text: string): IaslLine[] {
  const out: IaslLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // iasl 20200925 prints "[024h 0036   4]"; newer ones "[024h 0036 004h]"
    const m = /^\[([0-9A-F]+)h (\d+)\s+([0-9A-F]+h|\d+)\]\s*(.*?) : (.*)$/.exec(lines[i]);
    if (m) {
      const width = m[3].endsWith('h') ? parseInt(m[3], 16) : parseInt(m[3], 10);
      let value = m[5].trim();
      // a raw buffer continues on lines ending with a backslash
      while (value.endsWith('\\') && i + 1 < lines.length) value = value.slice(0, -1) + ' ' + lines[++i].trim();
      out.push({ offset: parseInt(m[2], 10), width, label: m[4].trim(), value: value.trim() });
    }
  }
  return out;
}

/** Our JSON value and iasl's printed value, compared as numbers, quoted strings or byte strings. */
function agrees(ours: Json, iasl: string): boolean {
  // a matrix row (SLIT) or cell (HMAT entry): iasl's space-separated hex cells
  if (Array.isArray(ours)) {
    const cells = iasl.split(/\s+/).filter((t) => /^[0-9A-Fa-f]+$/.test(t));
    return cells.length === ours.length && cells.every((c, i) => BigInt('0x' + c) === BigInt(ours[i] as number));
  }
  // a GUID: iasl prints it as text
  if (typeof ours === 'string' && /^[0-9A-F]{32}$/.test(ours) && /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/.test(iasl)) {
    return guidText(Buffer.from(ours, 'hex')).toUpperCase() === iasl.slice(0, 36).toUpperCase();
  }
  // raw bytes: iasl separates them with spaces
  if (typeof ours === 'string' && /^([0-9A-F]{2})+$/.test(ours) && /^[0-9A-Fa-f]{2}(\s+[0-9A-Fa-f]{2})+$/.test(iasl)) {
    return iasl.replace(/\s+/g, '').toUpperCase() === ours;
  }
  if (typeof ours === 'string' && !ours.startsWith('0x') && iasl.startsWith('"')) {
    return iasl.slice(1, iasl.indexOf('"', 1)) === ours;
  }
  const hexTok = /^[0-9A-Fa-f]+/.exec(iasl)?.[0];
  if (hexTok === undefined) return false;
  if (typeof ours === 'number') return BigInt('0x' + hexTok) === BigInt(ours);
  if (typeof ours === 'string' && ours.startsWith('0x')) return BigInt('0x' + hexTok) === BigInt(ours);
  if (typeof ours === 'string') return hexTok.toUpperCase() === ours.toUpperCase();
  return false;
}

const norm = (l: string) =>
  l
    .replace(/\(decoded below\)/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
/** A field iasl 20200925 predates and prints as part of a wider "Reserved" number (the IORT root
 * complex's PASID capabilities inside its 3 reserved bytes): accepted when the bytes agree. */
function insideReserved(iasl: IaslLine[], f: { offset: number; width: number; value: Json }): boolean {
  const r = iasl.find((l) => norm(l.label) === 'reserved' && l.offset <= f.offset && f.offset + f.width <= l.offset + l.width);
  if (!r || typeof f.value !== 'number') return false;
  const whole = BigInt('0x' + (/^[0-9A-Fa-f]+/.exec(r.value)?.[0] ?? 'x'));
  const part = (whole >> BigInt(8 * (f.offset - r.offset))) & ((1n << BigInt(8 * f.width)) - 1n);
  return part === BigInt(f.value);
}

/** Where iasl 20200925 predates a field it prints "Reserved" (SPCR Uart Clock Freq and Language,
 * GICR Flags, IORT node Identifier); we name it as the spec does. The value must still agree. */
function sameLabel(ours: string, iasl: string): boolean {
  const [a, b] = [norm(ours), norm(iasl)];
  return a === b || b === 'reserved';
}

/** The tables iasl can referee among `blobs` (SIGS), each with what `iasl -d` prints of it (one run). */
export function disassembled(blobs: Blob[]): (Blob & { dsl: string })[] {
  const dir = tmp('iasl-');
  const picked = blobs
    .map((b, i) => ({ ...b, file: `t${String(i).padStart(4, '0')}` }))
    .filter((b) => SIGS.has(Buffer.from(b.bytes.subarray(0, 4)).toString('latin1')));
  for (const b of picked) writeFileSync(join(dir, `${b.file}.dat`), b.bytes);
  if (picked.length) execFileSync('iasl', ['-d', ...picked.map((b) => `${b.file}.dat`)], { cwd: dir, stdio: 'pipe' });
  return picked.map(({ name, bytes, file }) => ({ name, bytes, dsl: readFileSync(join(dir, `${file}.dsl`), 'utf8') }));
}

export function compareAll(blobs: Blob[]) {
  return disassembled(blobs).map((b) => {
    const dsl = b.dsl;
    const iasl = parseDsl(dsl);
    const json = tableJson({ table: decodeTable(b.bytes).table!, bytes: b.bytes, source: b.name });
    const fields = json.fields as { path: string; offset: number; width: number; label: string; value: Json }[];
    const mismatches: string[] = [];
    const labels: string[] = [];
    const unprinted: string[] = [];
    for (const f of fields) {
      if (IASL_QUIRKS.some((q) => q.test(f.path))) continue;
      const lines = iasl.filter((l) => l.offset === f.offset && l.width === f.width);
      if (!lines.length) {
        if (!f.path.endsWith('.tail') && !insideReserved(iasl, f)) unprinted.push(f.path);
        continue;
      }
      if (!lines.some((l) => agrees(f.value, l.value)))
        mismatches.push(`${f.path}: ours ${JSON.stringify(f.value)}, iasl ${lines.map((l) => l.value).join(' | ')}`);
      if (!lines.some((l) => sameLabel(f.label, l.label))) labels.push(`${f.path}: ours "${f.label}", iasl "${lines.map((l) => l.label).join(' | ')}"`);
    }
    return { name: b.name, signature: json.signature as string, compared: fields.length, mismatches, unprinted, labels, dsl };
  });
}

/** iasl's own complaints in its output and DSL: not field or flag lines, whose labels may say
 * "Error" (HEST's "Error Source Count"). */
export function iaslComplaints(text: string, pattern = /incorrect checksum|invalid|length mismatch|too (long|short)|\berror\b|\bwarning\b/i): string[] {
  return text.split('\n').filter((l) => !/^\[[0-9A-F]+h /.test(l) && !/^\s+[^:]+ : /.test(l) && pattern.test(l));
}

/**
 * iasl 20200925's field lines our text dump does not print, each for a reason. `line` matches
 * iasl's line; `at` matches the path of a field, part or trailing bytes of ours that covers the
 * offset iasl's line gives.
 */
export const IASL_LINE_QUIRKS: { sig: string; line?: RegExp; at?: RegExp; why: string }[] = [
  { sig: 'SPCR', line: /^\[04Ch 0076   1\] +Reserved : /, why: 'iasl prints the Language byte (63) with the offset of byte 76, as "Reserved"' },
  {
    sig: 'IORT',
    at: /^IORT\.\w+\[\d+\]\.identifier$/,
    why: 'iasl predates IORT node revision 3 (IORT E.b): it prints the node Identifier as Reserved, we name it as the spec does',
  },
  {
    sig: 'APIC',
    at: /^APIC\.gicr\[\d+\]\.flags$/,
    why: 'iasl predates the GICR Flags byte (ACPI 6.6): it prints bytes 2-3 as one 16-bit Reserved, we print the Flags and a Reserved byte',
  },
  {
    sig: 'IORT',
    at: /^IORT\.named_component\[\d+\]\.mappings_gap$/,
    why: "iasl sizes a named component's padding as if the ID mappings ended the node: when bytes follow them, its Padding runs over the mappings",
  },
  {
    sig: 'IORT',
    at: /^IORT\.root_complex\[\d+\]\.pasid_capabilities$/,
    why: "iasl predates the root complex's PASID Capabilities (node revision 4): it prints them inside a 3-byte Reserved",
  },
  { sig: 'NFIT', line: /\] +Line Offset : /, why: "iasl prints an interleave structure's line offsets 4 bytes late" },
  { sig: 'NFIT', line: /^\[008h 0008 +\d+\] +SMBIOS Table Entries : /, why: 'iasl prints the SMBIOS entries with their offset inside the structure' },
  {
    sig: 'TPM2',
    line: /\] +Start Method : [0-9A-F]{2} \[/,
    why: 'iasl prints only the low byte of the 4-byte Start Method (ACPI_DMT_TPM2 uses the 1-byte format); we print all four',
  },
  {
    sig: 'HEST',
    at: /^HEST\.tail$/,
    why: "iasl walks error sources to the table's end whatever Error Source Count says (its own template counts 4 of 9); Linux's hest_parse() and we read the count, the rest is trailing bytes",
  },
];

/** iasl's field lines in a .dsl, trailing spaces trimmed: "[024h 0036   1]  Interface Type : 03" and
 * the indented bit lines below a flags field ("     Processor Enabled : 1"). A value that goes on
 * over several lines (a raw buffer ends each with a backslash) counts as its first line. */
export function iaslFieldLines(dsl: string): string[] {
  return dsl
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => /^\[[0-9A-F]+h \d+ +[0-9A-F]*h?\d*\] .* : /.test(l) || /^ {8,}\S.* : /.test(l));
}

/**
 * Which lines of `theirs` appear, in the same order, among `ours`: the lines of a shortest edit
 * script's common subsequence (Myers' O((N+M)D) diff), as a line-by-line comparison of the two
 * listings finds them.
 */
export function commonLines(theirs: readonly string[], ours: readonly string[]): boolean[] {
  const n = theirs.length;
  const m = ours.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 3);
  const mid = max + 1;
  // the furthest x on each diagonal k = x - y before step d, for k in [-d, d]
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice(mid - d, mid + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[mid + k - 1] < v[mid + k + 1]) ? v[mid + k + 1] : v[mid + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && theirs[x] === ours[y]) {
        x++;
        y++;
      }
      v[mid + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  const found = new Array<boolean>(n).fill(false);
  let [x, y] = [n, m];
  for (let d = trace.length - 1; d > 0; d--) {
    const before = trace[d];
    const at = (k: number) => before[k + d];
    const k = x - y;
    const from = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const [px, py] = [at(from), at(from) - from];
    while (x > px && y > py) {
      found[--x] = true;
      y--;
    }
    [x, y] = [px, py];
  }
  while (x > 0 && y > 0) {
    found[--x] = true;
    y--;
  }
  return found;
}
