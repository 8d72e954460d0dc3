// The byte-wise acpidump parser against the regex reading it replaced (kept here as the reference):
// the same blocks, bytes, addresses, lines and findings on the samples and on arbitrary text made of
// hex lines, headers, junk, CR/LF mixes and near-misses (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseAcpidump, formatBlock } from '../../src/io/acpidump.js';
import { hex } from '../../src/layout/diagnostics.js';
import { checksumOf } from '../../src/layout/codec.js';
import { HAVE_ACPIXTRACT, sampleDirs, tmp } from '../helpers.js';

const HEADER = /^\s*([A-Za-z0-9_!$]{4}|RSD PTR)\s*(?:@(.*))?$/;
const HEXLINE = /^\s*([0-9A-Fa-f]{4,8}):((?: [0-9A-Fa-f]{2}){1,16})(?=\s|$)/;
function parseAddress(s: string | undefined): bigint | undefined {
  const m = s && (/\b0x([0-9A-Fa-f]{1,16})\b/.exec(s) ?? /^\s*([0-9A-Fa-f]{1,16})\s*$/.exec(s));
  if (!m) return undefined;
  const v = BigInt('0x' + m[1]);
  return v === 0n ? undefined : v;
}

/** The reference: line split and regexes, as the parser read acpidump text before. */
function reference(data: Uint8Array, file: string) {
  const lines = Buffer.from(data)
    .toString('latin1')
    .split(/\r?\n|\r/);
  const blocks: { name: string; address?: bigint; line: number; bytes: Uint8Array }[] = [];
  const findings: object[] = [];
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
      if (!cur || cur.broken) return;
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
      for (const b of hx[2].trim().split(' ')) cur.chunks.push(parseInt(b, 16));
      return;
    }
    const h = HEADER.exec(raw);
    if (h) {
      flush();
      cur = { name: h[1].trim(), address: parseAddress(h[2]), line: i + 1, chunks: [], broken: false };
    }
  });
  flush();
  return { blocks, findings };
}

const same = (data: Uint8Array) => expect(parseAcpidump(data, 'f')).toEqual(reference(data, 'f'));

describe('acpidump parsing, byte-wise', () => {
  it('reads every sample as the regex reading did', () => {
    for (const d of sampleDirs()) same(readFileSync(join(d, 'acpidump.txt')));
  });

  it('agrees with the regex reading on arbitrary text (hex lines, headers, junk, line ends, near-misses)', () => {
    const hexDigits = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
    const space = fc.constantFrom(' ', '\t', '\u00a0', '\v', '\f', '');
    const group = fc.oneof(
      fc.tuple(hexDigits, hexDigits).map(([a, b]) => ` ${a}${b}`),
      fc.constantFrom(' 0', ' 0G', '  ', ' 001', ''),
    );
    const hexLine = fc
      .tuple(
        fc.array(space, { maxLength: 5 }),
        fc.array(hexDigits, { minLength: 3, maxLength: 9 }),
        fc.constantFrom(':', ';', ''),
        fc.array(group, { maxLength: 18 }),
        fc.constantFrom('', '  ABCD....', 'x', ' ', '\t'),
      )
      .map(([sp, digits, colon, groups, tail]) => sp.join('') + digits.join('') + colon + groups.join('') + tail);
    const offsetLine = fc
      .nat(64)
      .map(
        (n) =>
          `    ${(n * 16).toString(16).padStart(4, '0')}: ${Array.from({ length: 16 }, (_, i) => ((n + i) & 0xff).toString(16).padStart(2, '0')).join(' ')}  ................`,
      );
    const header = fc.constantFrom(
      'FACP @ 0x000000007C4301E0',
      'RSD PTR @ 0x0000000000000000',
      'APIC',
      ' SSDT @ (nil)',
      'DSDT @ 7C430100',
      'a!$_ @ 0x12 (x)',
      'TOOLONG @ 0x1',
    );
    const junk = fc.string({ maxLength: 20 });
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    const text = fc.array(fc.tuple(fc.oneof(hexLine, offsetLine, header, junk), eol), { maxLength: 40 }).map((ls) => ls.map(([l, e]) => l + e).join(''));
    fc.assert(
      fc.property(text, (t) => {
        same(Buffer.from(t, 'latin1'));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('tables of 64 KiB and more', () => {
  // a 180 KB DSDT is common on servers: offsets from 0x10000 have five digits, in acpidump's "%8.4X: "
  const big = Buffer.alloc(0x2c000 + 5);
  big.write('SSDT', 0, 'latin1');
  big.writeUInt32LE(big.length, 4);
  big[8] = 2;
  big.write('DOM0AC', 10, 'latin1');
  big.write('BIGTABLE', 16, 'latin1');
  for (let i = 36; i < big.length; i++) big[i] = (i * 7) & 0xff;
  big[9] = checksumOf(big, big.length, 9);

  it('are written with the offset right-aligned in eight columns, as acpidump writes them, and read back byte for byte', () => {
    const text = formatBlock('SSDT', 0x7c000000n, big);
    const lines = text.split('\n');
    expect(lines[1].startsWith('    0000: 53 53 44 54')).toBe(true);
    expect(lines.find((l) => l.includes('FFF0:'))).toMatch(/^ {4}FFF0: /);
    expect(lines.find((l) => l.includes('10000:'))).toMatch(/^ {3}10000: /);
    expect(lines.every((l) => l === '' || l.startsWith('SSDT @') || /^ {3}[ 0-9A-F]{5}: /.test(l))).toBe(true);
    const { blocks, findings } = parseAcpidump(Buffer.from(text), 'big.txt');
    expect(findings).toEqual([]);
    expect(Buffer.from(blocks[0].bytes).equals(big)).toBe(true);
    expect(formatBlock('SSDT', 0x7c000000n, blocks[0].bytes)).toBe(text);
  });

  it.skipIf(!HAVE_ACPIXTRACT)('acpixtract reads the text back to the same bytes', () => {
    const d = tmp('bigtext-');
    writeFileSync(join(d, 'big.txt'), formatBlock('SSDT', 0x7c000000n, big));
    execFileSync('acpixtract', ['-a', 'big.txt'], { cwd: d, stdio: 'ignore' });
    expect(readFileSync(join(d, 'ssdt.dat')).equals(big)).toBe(true);
  });
});
