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
const HEXLINE = /^\s*([0-9A-Fa-f]{4,8}):((?: [0-9A-Fa-f]{2}){1,16})(?=\s|$)/;

/** Is this plausibly acpidump text? (no NUL bytes in the head, and at least one hex dump line) */
export function looksLikeAcpidump(data: Uint8Array): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return false;
  const text = Buffer.from(head).toString('latin1');
  return text.split(/\r?\n/).some((l) => HEXLINE.test(l));
}

function parseAddress(s: string | undefined): bigint | undefined {
  const m = s && (/\b0x([0-9A-Fa-f]{1,16})\b/.exec(s) ?? /^\s*([0-9A-Fa-f]{1,16})\s*$/.exec(s));
  if (!m) return undefined;
  const v = BigInt('0x' + m[1]);
  return v === 0n ? undefined : v;
}

export function parseAcpidump(data: Uint8Array, file: string): { blocks: TextBlock[]; findings: Finding[] } {
  const text = Buffer.from(data).toString('latin1');
  const lines = text.split(/\r?\n|\r/);
  const blocks: TextBlock[] = [];
  const findings: Finding[] = [];
  let cur: { name: string; address?: bigint; line: number; chunks: number[]; broken: boolean } | undefined;
  const flush = () => {
    if (cur && !cur.broken) {
      if (cur.chunks.length) blocks.push({ name: cur.name, address: cur.address, line: cur.line, bytes: Uint8Array.from(cur.chunks) });
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
    cur = undefined;
  };
  lines.forEach((raw, i) => {
    const hx = HEXLINE.exec(raw);
    if (hx) {
      if (!cur) return; // hex outside any block: junk
      if (cur.broken) return;
      const off = parseInt(hx[1], 16);
      if (off !== cur.chunks.length) {
        findings.push({
          code: 'INPUT_TEXT_OFFSET',
          severity: 'error',
          table: cur.name,
          path: cur.name,
          offset: cur.chunks.length,
          message: `hex line offset ${hex(off)} where ${hex(cur.chunks.length)} was expected`,
          file: `${file}:${i + 1}`,
        });
        cur.broken = true;
        return;
      }
      // " XX XX …": a byte every 3 characters, read through a table (no split, no parseInt)
      const pairs = hx[2];
      for (let k = 1; k < pairs.length; k += 3) cur.chunks.push((NIBBLE[pairs.charCodeAt(k)] << 4) | NIBBLE[pairs.charCodeAt(k + 1)]);
      return;
    }
    const h = HEADER.exec(raw);
    if (h) {
      flush();
      cur = { name: h[1].trim(), address: parseAddress(h[2]), line: i + 1, chunks: [], broken: false };
    }
    // anything else (blank lines, banners, junk) is ignored
  });
  flush();
  return { blocks, findings };
}

/** Hex digit values by character code (the regex has checked they are hex digits). */
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
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
    out += `    ${at.toString(16).toUpperCase().padStart(4, '0')}:${hx.padEnd(48)}  ${tx}\n`;
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
