// The PPTT as pictures: the processor hierarchy as a tree (packages, clusters, cores, threads) with
// private caches as chips, and each CPU's place and caches for the per-CPU table.
import { partOf, fieldsOf, type Node, segmentName } from '../layout/codec.js';
import { type TableEntry } from '../model/set.js';
import { type PerCpuPicture, type TreePicture } from '../model/picture.js';
import { itemPaths } from './topology-rules.js';
import {
  PPTT_PROCESSOR,
  PPTT_CACHE,
  PPTT_PHYSICAL_PACKAGE,
  PPTT_ID_VALID,
  PPTT_THREAD,
  ppttProcessor,
  ppttCache,
  ppttFamily,
  ppttLeaves,
  resourcesPart,
} from './pptt-nodes.js';

export const kib = (n: number) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20} MiB` : n >= 1024 && n % 1024 === 0 ? `${n >> 10} KiB` : `${n} B`);
export const CACHE_KINDS = ['data', 'instruction', 'unified', 'unified'];

/** A cache node as a chip: its size and type, then each next level it leads to. */
export function cacheChip(n: Node, byAt: Map<number, Node>): string {
  const out: string[] = [];
  const seen = new Set<Node>();
  for (let c: Node | undefined = n; c && c.fields.type === PPTT_CACHE && !seen.has(c); c = byAt.get(fieldsOf(ppttCache, c).next_level)) {
    seen.add(c);
    const f = fieldsOf(ppttCache, c);
    const size = f.flags & 1 ? kib(f.size) : 'size ?';
    out.push(f.flags & 0x10 ? `${size} ${CACHE_KINDS[(f.attributes >> 2) & 3]}` : size);
  }
  return out.join(' → ');
}

/** What each processor node is, as Linux 6.12 reads the hierarchy (drivers/acpi/pptt.c): a package
 * by its flag; a thread by its flag; a core, a leaf that is no thread or the parent of threads; a
 * cluster, the node directly above a core (find_acpi_cpu_topology_cluster(): the leaf's parent, a
 * thread's grandparent), unless that node is the package (Linux's cluster is then the package
 * itself, no level of its own); any other node (a die, a level above the packages) is a group. */
export type PpttRole = 'package' | 'cluster' | 'core' | 'thread' | 'group';
export function ppttRoles(t: Node): Map<Node, PpttRole> {
  const procs = (t.items ?? []).filter((n) => n.fields.type === PPTT_PROCESSOR);
  const byAt = new Map(procs.filter((n) => n.at !== undefined).map((n) => [n.at!, n] as const));
  const leaves = new Set(ppttLeaves(t));
  const flags = (n: Node) => Number(n.fields.flags);
  const parentOf = (n: Node) => {
    const p = byAt.get(Number(n.fields.parent));
    return p === n ? undefined : p;
  };
  const cores = new Set<Node>();
  for (const n of leaves)
    if (!(flags(n) & PPTT_THREAD)) cores.add(n);
    else {
      const p = parentOf(n);
      if (p) cores.add(p);
    }
  const clusters = new Set<Node>();
  for (const c of cores) {
    const p = parentOf(c);
    if (p && !cores.has(p) && !(flags(p) & PPTT_PHYSICAL_PACKAGE)) clusters.add(p);
  }
  return new Map(
    procs.map((n) => [
      n,
      flags(n) & PPTT_PHYSICAL_PACKAGE
        ? 'package'
        : leaves.has(n) && flags(n) & PPTT_THREAD
          ? 'thread'
          : cores.has(n)
            ? 'core'
            : clusters.has(n)
              ? 'cluster'
              : 'group',
    ]),
  );
}

/** The processor hierarchy as a tree (packages, clusters, cores, threads), private caches as chips. */
export function ppttPictures(e: TableEntry): (TreePicture | PerCpuPicture)[] {
  const items = e.table.items ?? [];
  const byAt = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n] as const));
  const procs = items.filter((n) => n.fields.type === PPTT_PROCESSOR && n.at !== undefined);
  if (!procs.length) return [];
  const leaves = new Set(ppttLeaves(e.table));
  const roles = ppttRoles(e.table);
  const paths = itemPaths(e, (n) => segmentName(ppttFamily, Number(n.fields.type)));
  const nodes = procs.map((n) => {
    const f = fieldsOf(ppttProcessor, n);
    const kind = roles.get(n)!;
    const id = f.flags & PPTT_ID_VALID || leaves.has(n) ? ` ${f.acpi_processor_id}` : '';
    const label = leaves.has(n) ? `${kind === 'thread' ? 'Thread' : 'CPU'}${id}` : `${kind[0].toUpperCase()}${kind.slice(1)}${id}`;
    const chips = (partOf(resourcesPart, n) ?? [])
      .map((r) => byAt.get(Number(r.fields.reference)))
      .filter((r) => r !== undefined)
      .map((r) => cacheChip(r, byAt));
    const parent = byAt.has(f.parent) && f.parent !== n.at ? f.parent : undefined;
    return { at: n.at!, parent, kind, label, chips, path: paths.get(n)! };
  });
  // each CPU (leaf): its place from the top ("Package 0 / Cluster / CPU 5") and every cache it has,
  // its own and those of the levels above it
  const labelOf = new Map(nodes.map((x) => [x.at, x.label] as const));
  const cachesOf = (n: Node) =>
    (partOf(resourcesPart, n) ?? []).map((r) => byAt.get(Number(r.fields.reference))).filter((r) => r?.fields.type === PPTT_CACHE) as Node[];
  const cpus = [...leaves]
    .filter((n) => n.at !== undefined)
    .map((n) => {
      const place: string[] = [];
      const caches: string[] = [];
      const seen = new Set<number>();
      // a cache a lower one leads to (an L2's next level, the package's L3) is named once
      const reached = new Set<Node>();
      for (let at: number | undefined = n.at!; at !== undefined && byAt.has(at) && !seen.has(at) && seen.size < PLACE_DEPTH;) {
        seen.add(at);
        place.unshift(labelOf.get(at) ?? '?');
        for (const c of cachesOf(byAt.get(at)!)) {
          if (reached.has(c)) continue;
          caches.push(cacheChip(c, byAt));
          for (let x: Node | undefined = c; x && x.fields.type === PPTT_CACHE && !reached.has(x); x = byAt.get(fieldsOf(ppttCache, x).next_level))
            reached.add(x);
        }
        const p: number = Number(byAt.get(at)!.fields.parent);
        at = p === at ? undefined : p;
      }
      return { uid: fieldsOf(ppttProcessor, n).acpi_processor_id, cells: [place.join(' / '), caches.join(' · ') || '—'], path: paths.get(n)! };
    });
  return [
    { section: 'topology', kind: 'tree', title: `PPTT: ${ppttSummary(e)}`, nodes },
    { section: 'topology', kind: 'per-cpu', title: 'PPTT', columns: ['PPTT place', 'caches'], rank: 1, cpus },
  ];
}

/** How many levels up a CPU's place is named (a real topology has six; a parent chain may be as long as the table). */
export const PLACE_DEPTH = 16;

/** dump --summary's facts for a PPTT: its levels as Linux reads them, and its caches. */
export function ppttSummary(e: TableEntry): string {
  const items = e.table.items ?? [];
  const count = new Map<PpttRole, number>();
  for (const r of ppttRoles(e.table).values()) count.set(r, (count.get(r) ?? 0) + 1);
  const n = (r: PpttRole) => count.get(r) ?? 0;
  const caches = items.filter((x) => x.fields.type === PPTT_CACHE).length;
  return (
    `${n('package')} package(s), ${n('cluster')} cluster(s), ${n('core')} core(s)${n('thread') ? `, ${n('thread')} thread(s)` : ''}` +
    `${n('group') ? `, ${n('group')} other level(s)` : ''}, ${caches} cache(s)`
  );
}
