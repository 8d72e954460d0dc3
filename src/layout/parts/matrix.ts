// Matrix: rows × columns of 1-, 2- or 4-byte cells (the SLIT's distances, HMAT latencies); rows
// from the count, columns from their own field or function.
import { hex } from '../diagnostics.js';
import { colsOf, fail, readUint, setPart, writeUint } from '../node.js';
import type { Entry } from '../entry.js';
import type { PartKind, PartOf } from './kind.js';

const cellBytes = (width: number, m: number[][]) => m.reduce((n, r) => n + r.length * width, 0);

export const matrix: PartKind<PartOf<'matrix'>> = {
  decode(part, { node, ctx, from, to, count, path, countField }) {
    const rows = count ?? 0;
    const cols = colsOf(part, node.fields);
    if (from + rows * cols * part.width > to) {
      fail(
        ctx,
        'DECODE_COUNT_OVERRUN',
        countField?.path ?? path,
        countField?.at ?? from,
        `a ${rows} × ${cols} ${part.label} of ${part.width}-byte cells needs ${hex(rows * cols * part.width)} bytes but only ${hex(to - from)} remain`,
      );
      return undefined;
    }
    const m: number[][] = [];
    for (let r = 0; r < rows; r++) {
      const row: number[] = new Array(cols);
      for (let c = 0; c < cols; c++) row[c] = readUint(ctx.buf, from + (r * cols + c) * part.width, part.width);
      m.push(row);
    }
    setPart(node, part, m);
    return from + rows * cols * part.width;
  },
  count: (_part, v) => (v as number[][]).length,
  bytes: (part, v) => cellBytes(part.width, v as number[][]),
  encode(part, v) {
    const m = v as number[][];
    const out = new Uint8Array(cellBytes(part.width, m));
    let at = 0;
    for (const row of m)
      for (const c of row) {
        writeUint(out, at, part.width, c);
        at += part.width;
      }
    return [out];
  },
  describe(part, v, _node, a) {
    const out: Entry[] = [];
    let at = a.at;
    (v as number[][]).forEach((row, r) => {
      if (part.perCell) {
        // one line per cell, as iasl prints HMAT entries
        row.forEach((c, j) => {
          out.push({
            kind: 'row',
            path: `${a.path}.${part.key}[${r}][${j}]`,
            offset: at,
            width: part.width,
            label: part.label,
            cells: [c],
            cellWidth: part.width,
          });
          at += part.width;
        });
        return;
      }
      const w = row.length * part.width;
      out.push({
        kind: 'row',
        path: `${a.path}.${part.key}[${r}]`,
        offset: at,
        width: w,
        label: `${part.label} ${String(r).padStart(3)}`,
        cells: row,
        cellWidth: part.width,
      });
      at += w;
    });
    return out;
  },
  present: (part, fields) => colsOf(part, fields) !== 0,
  diff(part, a, b, path, ops) {
    const ma = (a.value as number[][] | undefined) ?? [];
    const mb = (b.value as number[][] | undefined) ?? [];
    for (let r = 0; r < Math.max(ma.length, mb.length); r++) ops.list(`${path}.${part.key}[${r}]`, ma[r] ?? [], mb[r] ?? []);
  },
  json: (part, v) => [[part.key, v as number[][]]],
};
