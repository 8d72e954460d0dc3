// acpidump text: "SIG @ 0xADDR" blocks of "    0000: XX XX … ascii" lines. The reader is tolerant of
// what real dumps contain (CRLF, "(nil)" or missing addresses, junk between blocks); the writer
// produces exactly what acpidump prints, so acpixtract reads it back.
import type { Finding } from '../layout/diagnostics.js';
import { hex } from '../layout/diagnostics.js';

export interface TextBlock {
  /** the name on the header line ("FACP", "RSD PTR") */
  name: string;
  address?: bigint;
  bytes: Uint8Array;
  /** 1-based line of the header */
  line: number;
}

// "SIG @ 0xADDR", "SIG @ (nil)", "SIG @ ADDR (extra words)", or a bare "SIG" line
const HEADER = /^\s*([A-Za-z0-9_!$]{4}|RSD PTR)\s*(?:@(.*))?$/;

/** Lines of b: end(from) is where the line starting at `from` ends (at LF, CR LF or a lone CR;
 * without any CR in b, the native search finds the LFs), and `next` then where the next starts. */
function lineEnds(b: Uint8Array): { end(from: number): number; next: number } {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const anyCR = buf.indexOf(0x0d) >= 0;
  const ends = {
    next: 0,
    end(from: number): number {
      let to: number;
      if (anyCR) {
        to = from;
        while (to < b.length && b[to] !== 0x0a && b[to] !== 0x0d) to++;
      } else {
        to = buf.indexOf(0x0a, from);
        if (to < 0) to = b.length;
      }
      ends.next = to < b.length && b[to] === 0x0d && b[to + 1] === 0x0a ? to + 2 : to + 1;
      return to;
    },
  };
  return ends;
}

/** Is this plausibly acpidump text? (no NUL bytes in the head, and at least one hex dump line, as
 * the reader reads them) */
export function looksLikeAcpidump(data: Uint8Array): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0) || looksLikeDisassembly(head)) return false;
  const ends = lineEnds(head);
  const scratch = new Uint8Array(16);
  for (let from = 0; from < head.length; from = ends.next) if (hexLine(head, from, ends.end(from), scratch, 0)) return true;
  return false;
}

/** iasl's disassembly (`iasl -d`: a .dsl file): its banner comment names ACPICA's disassembler. Its
 * "Raw Table Data" hex lines look like acpidump's, but it is not acpidump text. */
export function looksLikeDisassembly(data: Uint8Array): boolean {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 1024)).toString('latin1');
  return /^\s*\/\*/.test(head) && /Intel ACPI Component Architecture|AML\/ASL\+? Disassembler/.test(head);
}

function parseAddress(s: string | undefined): bigint | undefined {
  const m = s && (/\b0x([0-9A-Fa-f]{1,16})\b/.exec(s) ?? /^\s*([0-9A-Fa-f]{1,16})\s*$/.exec(s));
  if (!m) return undefined;
  const v = BigInt('0x' + m[1]);
  return v === 0n ? undefined : v;
}

// Bytes of the text, classified once: hex digit values (16 = not a hex digit), and the characters
// a JS regex's \s matches inside a line of latin1 text (tab, VT, FF, space, NBSP).
const HEXVAL = new Uint8Array(256).fill(16);
for (let i = 0; i < 16; i++) HEXVAL['0123456789abcdef'.charCodeAt(i)] = HEXVAL['0123456789ABCDEF'.charCodeAt(i)] = i;
const SPACE = new Uint8Array(256);
for (const c of [0x09, 0x0b, 0x0c, 0x20, 0xa0]) SPACE[c] = 1;

/** Two hex digits (their character codes, first << 8 | second) → the byte they spell, or -1. */
const PAIR = new Int16Array(1 << 16).fill(-1);
for (let hi = 0; hi < 256; hi++)
  if (HEXVAL[hi] < 16) for (let lo = 0; lo < 256; lo++) if (HEXVAL[lo] < 16) PAIR[(hi << 8) | lo] = (HEXVAL[hi] << 4) | HEXVAL[lo];

/** Where hexLine found the last hex line's offset (set when it returns > 0). */
let lineOffset = 0;

/** The number of " XX" groups of the hex line at b[from, to) as the regex /^\s*([0-9A-Fa-f]{4,8}):((?: [0-9A-Fa-f]{2}){1,16})(?=\s|$)/ matches it (0: not a
 * hex line), their bytes written to out[at…] as it goes (the caller keeps them or not), its offset
 * in lineOffset. Byte-wise: a line costs no string. */
function hexLine(b: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  let i = from;
  while (i < to && SPACE[b[i]]) i++;
  let n = 0;
  while (i + n < to && HEXVAL[b[i + n]] < 16 && n < 9) n++;
  if (n < 4 || n > 8 || i + n >= to || b[i + n] !== 0x3a) return 0;
  let offset = 0;
  for (let k = 0; k < n; k++) offset = offset * 16 + HEXVAL[b[i + k]];
  let count = 0;
  let p = i + n + 1;
  for (let v; count < 16 && p + 2 < to && b[p] === 0x20 && (v = PAIR[(b[p + 1] << 8) | b[p + 2]]) >= 0; p += 3) out[at + count++] = v;
  // the last group must be followed by white space or the end of the line (else give it back)
  if (count && p < to && !SPACE[b[p]]) count--;
  lineOffset = offset;
  return count;
}

export function parseAcpidump(data: Uint8Array, file: string): { blocks: TextBlock[]; findings: Finding[] } {
  const b = data;
  const blocks: TextBlock[] = [];
  const findings: Finding[] = [];
  // every block's bytes go into one scratch buffer (a hex line holds at most 16 bytes in 54 characters)
  const scratch = new Uint8Array(Math.ceil(b.length / 3) + 16);
  let used = 0;
  let cur: { name: string; address?: bigint; line: number; start: number; broken: boolean } | undefined;
  const flush = () => {
    if (cur && !cur.broken) {
      if (used > cur.start) blocks.push({ name: cur.name, address: cur.address, line: cur.line, bytes: scratch.slice(cur.start, used) });
      else
        findings.push({
          code: 'INPUT_EMPTY_BLOCK',
          severity: 'warning',
          table: cur.name,
          path: cur.name,
          message: 'header line without any hex lines',
          file: `${file}:${cur.line}`,
        });
    }
    if (cur) used = cur.broken ? cur.start : used;
    cur = undefined;
  };
  let line = 0;
  const ends = lineEnds(b);
  for (let from = 0; from <= b.length;) {
    const to = ends.end(from);
    const next = ends.next;
    line++;
    const count = hexLine(b, from, to, scratch, used);
    if (count) {
      if (cur && !cur.broken) {
        const have = used - cur.start;
        if (lineOffset !== have) {
          findings.push({
            code: 'INPUT_TEXT_OFFSET',
            severity: 'error',
            table: cur.name,
            path: cur.name,
            offset: have,
            message: `hex line offset ${hex(lineOffset)} where ${hex(have)} was expected`,
            file: `${file}:${line}`,
          });
          cur.broken = true;
        } else used += count; // hexLine wrote them
      }
      // hex outside any block is junk
    } else {
      const h = HEADER.exec(latin1Of(b, from, to));
      if (h) {
        flush();
        cur = { name: h[1].trim(), address: parseAddress(h[2]), line, start: used, broken: false };
      }
      // anything else (blank lines, banners, junk) is ignored
    }
    if (to >= b.length) break;
    from = next;
  }
  flush();
  return { blocks, findings };
}

const latin1Of = (b: Uint8Array, from: number, to: number) => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

/** Each byte as acpidump prints it: " XX" in the hex column, itself or "." in the text column. */
const HEX_CELL = Array.from({ length: 256 }, (_, b) => ' ' + b.toString(16).toUpperCase().padStart(2, '0'));
const TEXT_CELL = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));

/** One block exactly as acpidump prints it (address in 16 upper-case hex digits, blank line after). */
export function formatBlock(name: string, address: bigint | undefined, bytes: Uint8Array): string {
  let out = `${name} @ 0x${(address ?? 0n).toString(16).toUpperCase().padStart(16, '0')}\n`;
  for (let at = 0; at < bytes.length; at += 16) {
    const end = Math.min(at + 16, bytes.length);
    let hx = '';
    let tx = '';
    for (let i = at; i < end; i++) {
      hx += HEX_CELL[bytes[i]];
      tx += TEXT_CELL[bytes[i]];
    }
    // acpidump's "%8.4X: ": at least four digits, right-aligned in eight columns
    out += `${at.toString(16).toUpperCase().padStart(4, '0').padStart(8)}:${hx.padEnd(48)}  ${tx}\n`;
  }
  return out + '\n';
}

/** A whole set as acpidump text: RSDP first, then the tables in set order. */
export function formatAcpidumpSet(set: {
  rsdp?: { address?: bigint; bytes: Uint8Array };
  tables: { table: { signature: string }; address?: bigint; bytes: Uint8Array }[];
}): string {
  let out = '';
  if (set.rsdp) out += formatBlock('RSD PTR', set.rsdp.address, set.rsdp.bytes);
  for (const e of set.tables) out += formatBlock(e.table.signature, e.address, e.bytes);
  return out;
}
