// A device tree as DTS source, the way `dtc -I dtb -O dts` (1.6) prints it: properties guessed as
// strings, cells or bytes by the same rule, a blank line before each child node, tabs for indent.
import type { FdtNode } from '../fdt/writer.js';
import { propStrings } from '../fdt/reader.js';
import { shown } from './escape.js';

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** dtc's guess: NUL-terminated text with no more NULs than other bytes is a string (list); a
 * multiple of 4 bytes is cells; anything else is bytes. */
function value(v: Uint8Array): string {
  if (!v.length) return '';
  const strings = propStrings(v);
  if (strings) {
    const esc = (t: string) => Array.from(t, (ch) => ESCAPES[ch.charCodeAt(0)] ?? ch).join('');
    return ` = "${strings.map(esc).join('\\0')}"`;
  }
  const b = Buffer.from(v);
  if (v.length % 4 === 0)
    return ` = <${Array.from(
      { length: v.length / 4 },
      (_, i) =>
        `0x${b
          .readUInt32BE(i * 4)
          .toString(16)
          .padStart(2, '0')}`,
    ).join(' ')}>`;
  return ` = [${Array.from(v, (c) => c.toString(16).padStart(2, '0')).join(' ')}]`;
}

export function renderDts(root: FdtNode, reservations: [bigint, bigint][] = []): string {
  let out = '/dts-v1/;\n\n';
  for (const [a, s] of reservations) out += `/memreserve/\t0x${a.toString(16).padStart(16, '0')} 0x${s.toString(16).padStart(16, '0')};\n`;
  const node = (n: FdtNode, depth: number) => {
    const ind = '\t'.repeat(depth);
    out += `${ind}${depth === 0 ? '/' : shown(n.name)} {\n`;
    for (const p of n.props) out += `${ind}\t${shown(p.name)}${value(p.value)};\n`;
    for (const c of n.children) {
      out += '\n';
      node(c, depth + 1);
    }
    out += `${ind}};\n`;
  };
  node(root, 0);
  return out;
}
