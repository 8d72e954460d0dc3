// Records: a run of fixed-size containers of one definition (XSDT entries, IORT ID mappings),
// as many as the count field says, or as fit.
import { hex } from '../diagnostics.js';
import { fail, pathOf, setPart, type Node } from '../node.js';
import type { PartKind, PartOf } from './kind.js';
import { describeItems } from './list.js';

export const records: PartKind<PartOf<'records'>> = {
  decode(part, { node, ctx, from, to, count, path, countField, decodeNode }) {
    const rec = part.record;
    const size = rec.layout.size;
    let n = count ?? Math.floor((to - from) / size);
    if (from + n * size > to) {
      fail(
        ctx,
        'DECODE_COUNT_OVERRUN',
        countField?.path ?? path,
        countField?.at ?? from,
        `${n} ${rec.label} entries of ${size} bytes need ${hex(n * size)} bytes but only ${hex(to - from)} remain`,
      );
      n = Math.floor((to - from) / size);
    }
    const items: Node[] = new Array(n);
    let i = 0;
    const current = () => `${pathOf(path)}.${rec.name}[${i}]`; // read while item i decodes
    for (; i < n; i++) {
      const at = from + i * size;
      items[i] = decodeNode(rec, ctx, at, at + size, current);
      if (part.target) items[i].at = at;
    }
    setPart(node, part, items);
    return from + n * size;
  },
  count: (_part, v) => (v as Node[]).length,
  bytes: (part, v) => (v as Node[]).length * part.record.layout.size,
  encode: (part, v, _node, ectx, encodeNode) => (v as Node[]).map((n) => encodeNode(part.record, n, ectx)),
  describe: (part, v, _node, a) =>
    describeItems(
      v as Node[],
      () => part.record,
      () => part.record.name,
      () => part.record.layout.size,
      'record',
      a,
    ),
  json: (part, v, _node, nodeJson) => [[`${part.record.name}s`, (v as Node[]).map((it) => nodeJson(part.record, it))]],
  nested: (part) => [part.record],
  diff: (_part, a, b, _path, ops) => ops.items((a.value as Node[] | undefined) ?? [], (b.value as Node[] | undefined) ?? []),
  item: { def: (part) => part.record, segment: (part) => part.record.name, size: (part) => part.record.layout.size },
};
