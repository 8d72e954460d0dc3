// What the two list kinds (records, subtables) share: dump shows each item as a group of its own
// fields, numbered per path segment ("gicc[3]"), the labels of an indexLabels record numbered too.
import type { Entry } from '../entry.js';
import type { ContainerDef, Node } from '../node.js';
import type { DescribeArgs } from './kind.js';

export function describeItems(
  items: readonly Node[],
  defOf: (it: Node) => ContainerDef,
  segmentOf: (it: Node) => string,
  sizeOf: (it: Node) => number,
  role: 'record' | 'subtable',
  a: DescribeArgs,
): Entry[] {
  const out: Entry[] = [];
  const ordinals = new Map<string, number>();
  let at = a.at;
  for (const it of items) {
    const d = defOf(it);
    const seg = segmentOf(it);
    const ord = ordinals.get(seg) ?? 0;
    ordinals.set(seg, ord + 1);
    const ip = `${a.path}.${seg}[${ord}]`;
    const size = sizeOf(it);
    let children = a.describeNode(d, it, at, ip, a.revision);
    if (d.indexLabels) children = children.map((c) => ({ ...c, label: `${c.label} ${String(ord).padStart(3)}` }));
    out.push({ kind: 'group', role, path: ip, offset: at, width: size, label: d.label, children });
    at += size;
  }
  return out;
}
