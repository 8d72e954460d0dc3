// dump's text form, in the spirit of `iasl -d`: "[offset decimal width]   Label : value", flags
// decoded bit by bit below their field, GAS and subtables as indented groups.
import { describeNode, type Entry, type FieldEntry, type RawEntry, type RowEntry } from '../layout/describe.js';
import { nameOf, type Bit } from '../layout/schema.js';
import { describeSignature, describeTable } from '../tables/registry.js';
import type { TableEntry, EfiPart, AcpiTable } from '../model/tableset.js';
import { EFI_PARTS, decodeEfiPart } from '../efi/tables.js';
import { checksumOf } from '../layout/codec.js';
import { hex } from '../layout/diagnostics.js';
import { guidText, hexBytes } from '../layout/values.js';
import { shown, shownLines } from './escape.js';
import { acpiHeader, HEADER_CHECKSUM_AT } from '../tables/common.js';
import { hexN } from '../aml/text.js';
import type { FieldsOf } from '../layout/schema.js';
import { aloneBlock, blockHeader, declaredAt, holdsAml, tableAslText } from '../aml/set.js';
import { AML_START, type AmlBlock } from '../aml/index.js';
import type { AslText } from '../aml/asl.js';

const LABEL_WIDTH = 29;

function prefix(offset: number, width: number): string {
  const h = offset.toString(16).toUpperCase().padStart(3, '0');
  const d = offset.toString().padStart(4, '0');
  return `[${h}h ${d} ${width.toString().padStart(3)}]`;
}

const pad = (label: string) => (label.length >= LABEL_WIDTH ? ` ${label}` : label.padStart(LABEL_WIDTH));
const line = (offset: number, width: number, label: string, value: string) => `${prefix(offset, width)}${pad(label)} : ${value}`;
/** A flag's line below its field, its label right-aligned to the field labels' end (iasl's "%44s"). */
const bitLine = (label: string, value: string) => `${label.padStart(15 + LABEL_WIDTH)} : ${value}`;
/** Where a value's continuation lines start: under the first value (iasl's "%44s   "). */
const GO_ON = ' '.repeat(15 + LABEL_WIDTH + 3);

/** Bytes as iasl prints a buffer: space-separated, and past 16 bytes a backslash, then lines of 16
 * indented by four, each but the last ending in a backslash. */
function bufferLines(b: Uint8Array): string[] {
  if (b.length <= 16) return [hexBytes(b, ' ')];
  const out = ['\\'];
  for (let i = 0; i < b.length; i += 16) out.push(`    ${hexBytes(b.subarray(i, i + 16), ' ')}${i + 16 < b.length ? ' \\' : ''}`);
  return out;
}

/** A string as iasl prints it, between double quotes and otherwise as it is ("\_SB.URT2"); only
 * what is not printable ASCII is shown as \xNN. */
export function quote(s: string): string {
  return (
    '"' +
    Array.from(s, (c) => {
      const n = c.charCodeAt(0);
      return n >= 0x20 && n < 0x7f ? c : `\\x${n.toString(16).padStart(2, '0')}`;
    }).join('') +
    '"'
  );
}

/** A field's value as dump prints it: its first line and, for a long buffer, the lines that go on. */
function valueLines(f: FieldEntry): string[] {
  const v = f.value;
  const field = f.field;
  if (field.kind === 'ascii') {
    const desc = field.show === 'signature' ? describeSignature(v as string) : undefined;
    return [quote(v as string) + (desc ? `    [${desc}]` : '')];
  }
  if (field.kind === 'bytes') {
    const b = v as Uint8Array;
    if (field.show === 'guid' && b.length === 16) return [guidText(b).toUpperCase()];
    if (field.show === 'number') return [hexBytes(b.slice().reverse())];
    return bufferLines(b);
  }
  const n = v as number | bigint;
  let s = n
    .toString(16)
    .toUpperCase()
    .padStart(field.size * 2, '0');
  if (field.enum) s += ` [${nameOf(field.enum, Number(n))}]`;
  if (field.describesOptional && BigInt(n) === 0n) s += ' [Optional field not present]';
  return [s];
}

/** A line of a dump, with the field it shows (the report links to it by path or offset). */
export interface DumpLine {
  text: string;
  path?: string;
  offset?: number;
  /** the items (subtables, records) whose first line this is */
  starts?: string[];
}
const at = (e: { path: string; offset: number }, text: string): DumpLine => ({ text, path: e.path, offset: e.offset });
const plain = (text: string): DumpLine => ({ text });

function renderField(f: FieldEntry, out: DumpLine[], faultNote: (f: FieldEntry) => string): void {
  const bits = f.field.bits;
  const label = bits ? (f.field.flagsLabel ?? `${f.label} (decoded below)`) : f.label;
  const values = valueLines(f);
  out.push(at(f, line(f.offset, f.width, label, values[0] + faultNote(f))));
  for (let i = 1; i < values.length; i++) out.push(at(f, values[i]));
  if (!bits) return;
  // a flag of n bits shows n/4 hex digits, as iasl's FLAGS16_16 shows four
  const flag = (b: Bit, value: number | bigint) =>
    out.push({
      text: bitLine(
        b.label,
        value
          .toString(16)
          .toUpperCase()
          .padStart(Math.ceil((b.width ?? 1) / 4), '0'),
      ),
      path: `${f.path}.${b.name}`,
      offset: f.offset,
    });
  if (typeof f.value === 'number' && f.field.size <= 4) {
    // up to 32 bits (nearly every flags field): in numbers, not BigInts
    const v = f.value;
    let known = 0;
    for (const b of bits) {
      const width = b.width ?? 1;
      const ones = width >= 32 ? 0xffffffff : (1 << width) - 1;
      known = (known | (ones << b.bit)) >>> 0;
      if (b.minRevision !== undefined && f.revision < b.minRevision) continue;
      flag(b, ((v >>> b.bit) & ones) >>> 0);
    }
    const unknown = (v & ~known) >>> 0;
    if (unknown) out.push(at(f, bitLine('Undefined bits', hex(unknown))));
    return;
  }
  const v = BigInt(f.value as number | bigint);
  let known = 0n;
  for (const b of bits) {
    const width = BigInt(b.width ?? 1);
    const mask = ((1n << width) - 1n) << BigInt(b.bit);
    known |= mask;
    if (b.minRevision !== undefined && f.revision < b.minRevision) continue;
    flag(b, (v & mask) >> BigInt(b.bit));
  }
  const unknown = v & ~known;
  if (unknown) out.push(at(f, bitLine('Undefined bits', hex(unknown))));
}

function renderRaw(e: RawEntry, out: DumpLine[]): void {
  const { offset, label, value: b } = e;
  if (e.role !== 'tail') {
    // a declared part or the bytes before one (DBG2 OEM data, an IORT node's padding): iasl prints
    // it as a buffer field
    const [first, ...more] = bufferLines(b);
    out.push(at(e, line(offset, b.length, label, first)));
    for (const m of more) out.push(at(e, m));
    return;
  }
  if (b.length <= 8) {
    out.push(at(e, line(offset, b.length, label, hexBytes(b))));
    return;
  }
  out.push(at(e, line(offset, b.length, label, `${b.length} bytes`)));
  for (let i = 0; i < b.length; i += 16) {
    out.push({ text: `    ${(offset + i).toString(16).toUpperCase().padStart(4, '0')}: ${hexBytes(b.subarray(i, i + 16), ' ')}`, offset: offset + i });
  }
}

/** A matrix row, its cells in hex: past 16 cells a backslash and the rest under the first (iasl's SLIT). */
function renderRow(e: RowEntry, out: DumpLine[]): void {
  const cells = e.cells.map((c) =>
    c
      .toString(16)
      .toUpperCase()
      .padStart(e.cellWidth * 2, '0'),
  );
  for (let i = 0; i < cells.length; i += 16) {
    const text = cells.slice(i, i + 16).join(' ') + (i + 16 < cells.length ? ' \\' : '');
    out.push(at(e, i === 0 ? line(e.offset, e.width, e.label, text) : GO_ON + text));
  }
}

function render(entries: Entry[], out: DumpLine[], faultNote: (f: FieldEntry) => string): void {
  for (const e of entries) {
    switch (e.kind) {
      case 'field':
        renderField(e, out, faultNote);
        break;
      case 'group':
        // a blank line before each subtable and multi-field record, not between one-field entries (XSDT)
        if (e.role !== 'struct' && e.children.length > 1) out.push(plain(''));
        if (e.label && e.role === 'struct') out.push(at(e, line(e.offset, e.width, e.label, e.title ? `[${e.title}]` : '')));
        {
          const first = out.length;
          render(e.children, out, faultNote);
          const head = out.slice(first).find((l) => l.text);
          if (head && e.role !== 'struct') (head.starts ??= []).push(e.path);
        }
        if (e.role === 'struct') out.push(plain('')); // after a GAS, and after the table header
        break;
      case 'raw':
        renderRaw(e, out);
        break;
      case 'string':
        out.push(at(e, line(e.offset, e.width, e.label, quote(e.value) + (e.terminated ? '' : ' (no NUL terminator)'))));
        break;
      case 'row':
        renderRow(e, out);
        break;
    }
  }
}

/** Lines as a dump prints them: never two blank lines in a row, none at the end. */
function tidy(lines: DumpLine[]): DumpLine[] {
  const out: DumpLine[] = [];
  for (const l of lines) if (l.text || out[out.length - 1]?.text) out.push(l);
  while (out.length && !out[out.length - 1].text) out.pop();
  return out;
}

const joined = (lines: DumpLine[]) => lines.map((l) => l.text).join('\n') + '\n';

/** A table's dump below its heading, made once per decoded table (a report shows a table the host
 * and dom0 share on both sides). */
const bodies = new WeakMap<AcpiTable, DumpLine[]>();
function tableBody(e: TableEntry, block?: AmlBlock): DumpLine[] {
  const t = e.table;
  const known = bodies.get(t);
  if (known) return known;
  if (holdsAml(e)) {
    const lines = amlBody(e, block);
    bodies.set(t, lines);
    return lines;
  }
  const out: DumpLine[] = [];
  const faultNote = (f: FieldEntry) => {
    if (f.field.derive !== 'checksum') return '';
    const rel = f.path.slice(t.signature.length + 1);
    if (!t.faults?.[rel]) return '';
    const want = checksumOf(e.bytes, f.field.span ?? e.bytes.length, f.offset);
    return `     /* Incorrect checksum, should be ${want.toString(16).toUpperCase().padStart(2, '0')} */`;
  };
  render(describeTable(t), out, faultNote);
  bodies.set(t, out);
  return out;
}

/** A DSDT's or SSDT's dump: the comment its header is shown in (with what could not be read, at
 * its offsets), then its ASL, which iasl compiles back to the same AML. The ASL is printed first:
 * printing reads each TermList once, keeping none, and finds the faults as it does. */
function amlParts(e: TableEntry, block?: AmlBlock): { head: DumpLine[]; asl: AslText } {
  const b = e.bytes;
  const h = blockHeader(b);
  const u32 = (o: number) => (b.length >= o + 4 ? new DataView(b.buffer, b.byteOffset, b.length).getUint32(o, true) : 0);
  const n = hexN;
  const at = HEADER_CHECKSUM_AT;
  const want = checksumOf(b, b.length, at);
  const blk = block ?? aloneBlock(e);
  const asl = tableAslText(e, blk);
  const issues = asl.issues;
  const sig = e.table.signature;
  // the header's lines name its fields, as the other tables' dumps do (a diff links to them)
  const HEADER: (keyof FieldsOf<typeof acpiHeader>)[] = [
    'signature',
    'length',
    'revision',
    'checksum',
    'oem_id',
    'oem_table_id',
    'oem_revision',
    'asl_compiler_id',
    'asl_compiler_revision',
  ];
  const head = [
    '/*',
    ' * Original Table Header:',
    ` *     Signature        ${quote(h.signature)}`,
    ` *     Length           ${n(u32(4), 8)} (${u32(4)})`,
    ` *     Revision         ${n(h.revision, 2)}${h.revision < 2 ? ' **** 32-bit table (V1), no 64-bit math support' : ''}`,
    ` *     Checksum         ${n(b[at] ?? 0, 2)}${want !== b[at] ? ` **** Incorrect checksum, should be ${n(want, 2)}` : ''}`,
    ` *     OEM ID           ${quote(h.oemId)}`,
    ` *     OEM Table ID     ${quote(h.oemTableId)}`,
    ` *     OEM Revision     ${n(h.oemRevision, 8)} (${h.oemRevision})`,
    ` *     Compiler ID      ${quote(Buffer.from(b.subarray(28, 32)).toString('latin1'))}`,
    ` *     Compiler Version ${n(u32(32), 8)} (${u32(32)})`,
    ...issues.map((i) => ` * AML at ${n(i.at, 4)}: ${shown(i.message)}`),
    ' */',
  ].map((text, i): DumpLine =>
    i >= 2 && i < 2 + HEADER.length ? { text, path: `${sig}.header.${HEADER[i - 2]}`, offset: [0, 4, 8, 9, 10, 16, 24, 28, 32][i - 2] } : plain(text),
  );
  return { head, asl };
}

/** A DSDT's or SSDT's dump below its heading, line by line: each statement's line shows its term's
 * offset, a declaration's also the object's path (a diff of the namespace links to it); the
 * DefinitionBlock line stands for the whole AML body. */
function amlBody(e: TableEntry, block?: AmlBlock): DumpLine[] {
  const { head, asl } = amlParts(e, block);
  const sig = e.table.signature;
  const declared = declaredAt(block ?? aloneBlock(e));
  const lines = head;
  const { text, starts, marks } = asl;
  for (let i = 0; i < starts.length; i++) {
    const line = shown(text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] - 1 : text.length));
    const at = i === 0 ? AML_START : marks[i];
    if (at < 0) {
      lines.push({ text: line });
      continue;
    }
    const o = declared.get(at);
    lines.push(
      i === 0 ? { text: line, offset: at, path: `${sig}.tail` } : o ? { text: line, offset: at, path: `${sig}.${o.path}` } : { text: line, offset: at },
    );
  }
  return lines;
}

/** The whole dump of one table, line by line, with a heading comment naming where it came from.
 * `block`: a DSDT's or SSDT's term tree read with the rest of its set (its calls resolved across
 * tables); without it, the table is read on its own. */
export function dumpTableLines(e: TableEntry, block?: AmlBlock): DumpLine[] {
  // the heading says where the table is: a diff's "SIG.@address" (the table moved) links to it
  return tidy([{ text: heading(e), path: `${e.table.signature}.@address` }, plain(''), ...tableBody(e, block)]);
}

/** The comment a table's dump starts with: what it is, where, how long, from where. */
function heading(e: TableEntry): string {
  const sig = e.table.signature;
  const desc = describeSignature(sig);
  return (
    `/* ${sig}${desc ? ` (${desc})` : ''} @ ${e.address === undefined ? 'unknown address' : hex(e.address, 16)}, ${e.bytes.length} ` +
    `bytes, from ${shown(e.source)} */`
  );
}

/** The whole dump of one table, with a heading comment naming where it came from. A DSDT's or
 * SSDT's is the text of its lines (dumpTableLines) made without them: its ASL is tens of thousands. */
export function dumpTableText(e: TableEntry, block?: AmlBlock): string {
  if (!holdsAml(e) || bodies.has(e.table)) return joined(dumpTableLines(e, block));
  const { head, asl } = amlParts(e, block);
  return `${heading(e)}\n\n${joined(head)}${shownLines(asl.text)}\n`;
}

/** One EFI structure (system table, configuration table, memory map), dumped as a table is. */
export function dumpEfiLines(p: EfiPart): DumpLine[] {
  const def = EFI_PARTS[p.kind];
  const { node } = decodeEfiPart(p.kind, p.bytes);
  const out = [
    plain(`/* ${def.label} @ ${p.address === undefined ? 'unknown address' : hex(p.address, 16)}, ${p.bytes.length} bytes, from ${shown(p.source)} */`),
    plain(''),
  ];
  render(describeNode(def, node, 0, def.name, 0), out, () => '');
  return tidy(out);
}

export const dumpEfiText = (p: EfiPart): string => joined(dumpEfiLines(p));
