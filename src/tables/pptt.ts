// PPTT, ACPI 6.5 §5.2.30: processor hierarchy nodes (with private resources), cache type
// structures (revision 3 adds the cache ID) and ID structures. Parents, private resources and
// next-level caches are offsets of other nodes from the table start: references, re-derived at
// encode so nodes may be inserted or removed.
import { layout } from '../layout/schema.js';
import { partOf, fieldPath, fieldsOf, rawField, type Node, segmentName } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerOf, headerField } from './common.js';
import { enabledUids, itemPaths } from './topology-rules.js';
import {
  PPTT_TYPES,
  PPTT_PROCESSOR,
  PPTT_CACHE,
  PPTT_ID,
  PPTT_PHYSICAL_PACKAGE,
  PPTT_PACKAGE_LEVELS,
  ppttProcessor,
  ppttCache,
  ppttFamily,
  ppttLeaves,
  resourcesPart,
} from './pptt-nodes.js';
import { ppttPictures, ppttSummary } from './pptt-picture.js';
export * from './pptt-nodes.js';
export { ppttRoles, type PpttRole } from './pptt-picture.js';

/** The cycles the processor nodes' parent pointers make, each once, as the walk from the first node
 * in the table that reaches it goes round it. */
function parentCycles(items: Node[], at: Map<number, Node>): Node[][] {
  const state = new Map<Node, 'open' | 'done'>();
  const out: Node[][] = [];
  for (const start of items) {
    if (start.fields.type !== PPTT_PROCESSOR || state.has(start)) continue;
    const path: Node[] = [];
    let q: Node | undefined = start;
    while (q && q.fields.type === PPTT_PROCESSOR && !state.has(q)) {
      state.set(q, 'open');
      path.push(q);
      q = at.get(Number(q.fields.parent));
    }
    if (q && state.get(q) === 'open') out.push(path.slice(path.indexOf(q)));
    for (const x of path) state.set(x, 'done');
  }
  return out;
}

/** How many parents up from each processor node Linux's package search goes to stop (at the first
 * node flagged a physical package, itself included, else at the root: a node whose parent is no
 * processor node), worked out once for every node, each walked once; undefined for a node in a
 * parent cycle or leading into one (PPTT_CYCLE's). */
function packageLevels(items: Node[], at: Map<number, Node>): Map<Node, number | undefined> {
  const out = new Map<Node, number | undefined>();
  for (const start of items) {
    if (start.fields.type !== PPTT_PROCESSOR || out.has(start)) continue;
    const path: Node[] = [];
    const onPath = new Set<Node>();
    let q = start;
    let above: number | undefined; // the levels of the node above the last one on the path
    for (;;) {
      if (out.has(q) || onPath.has(q)) {
        above = out.get(q);
        break;
      }
      const f = fieldsOf(ppttProcessor, q);
      const parent = at.get(f.parent);
      if (f.flags & PPTT_PHYSICAL_PACKAGE || f.parent === 0 || parent?.fields.type !== PPTT_PROCESSOR) {
        out.set(q, 0);
        above = 0;
        break;
      }
      path.push(q);
      onPath.add(q);
      q = parent;
    }
    for (let i = path.length - 1, d = 1; i >= 0; i--, d++) out.set(path[i], above === undefined ? undefined : above + d);
  }
  return out;
}

/** How many parents each processor node has above it (a node in or above a parent cycle: none),
 * each node walked once. */
function processorDepths(items: Node[], at: Map<number, Node>): Map<Node, number | undefined> {
  const out = new Map<Node, number | undefined>();
  for (const start of items) {
    if (start.fields.type !== PPTT_PROCESSOR || out.has(start)) continue;
    const path: Node[] = [];
    const onPath = new Set<Node>();
    let q: Node | undefined = start;
    let above: number | undefined = -1; // the depth of the node above the path's last one
    while (q && q.fields.type === PPTT_PROCESSOR) {
      if (out.has(q) || onPath.has(q)) {
        above = out.get(q);
        break;
      }
      path.push(q);
      onPath.add(q);
      q = at.get(fieldsOf(ppttProcessor, q).parent);
    }
    for (let i = path.length - 1, d = 1; i >= 0; i--, d++) out.set(path[i], above === undefined ? undefined : above + d);
  }
  return out;
}

/** Linux's fetch_pptt_subtable(): the offset of the subtable a reference names, or undefined where
 * Linux finds none (below the 2-byte subtable header, a length of 0, past the table's end). It does
 * not look at the type: whatever is there is read as the kind the caller expects. */
function fetched(b: Uint8Array, length: number, ref: number): number | undefined {
  if (ref < 2 || ref + 2 > length || b[ref + 1] === 0 || ref + b[ref + 1] > length) return undefined;
  return ref;
}

/** The loops Linux's cache walk (acpi_pptt_walk_cache()) goes round: from each private resource of a
 * processor node that is a cache structure, it reads the Next Level of Cache of whatever each
 * reference lands on (bytes 8-11, a processor node's Parent) until a reference names nothing, with
 * no bound. Each loop once, as the offsets of the structures on it; one visit per structure. */
function cacheLoops(t: Node, b: Uint8Array): number[][] {
  const length = Math.min(b.length, Number(headerOf(t)?.length ?? b.length));
  const state = new Map<number, 'open' | 'done'>();
  const out: number[][] = [];
  for (const n of t.items ?? []) {
    if (n.fields.type !== PPTT_PROCESSOR) continue;
    for (const r of partOf(resourcesPart, n) ?? []) {
      let q = fetched(b, length, Number(r.fields.reference));
      if (q === undefined || b[q] !== PPTT_CACHE) continue;
      const path: number[] = [];
      while (q !== undefined && !state.has(q)) {
        state.set(q, 'open');
        path.push(q);
        const next: bigint | undefined = rawField(ppttCache, b, q, 'next_level', length);
        q = next === undefined ? undefined : fetched(b, length, Number(next));
      }
      if (q !== undefined && state.get(q) === 'open') out.push(path.slice(path.indexOf(q)));
      for (const x of path) state.set(x, 'done');
    }
  }
  return out;
}

const rules: TableRule[] = [
  rule({
    codes: {
      PPTT_PARENT: {
        summary: 'a processor node whose parent is not a processor node',
        consumers: [
          linux(
            'all',
            'function-lost',
            'the parent is read as a processor node: package and cluster IDs, and the scheduler topology built on them, are wrong',
            'drivers/acpi/pptt.c fetch_pptt_node(), topology_get_acpi_cpu_tag()',
          ),
        ],
      },
      PPTT_CYCLE: {
        summary: 'following parents from a processor node comes back to it',
        consumers: [linux('all', 'hang', 'the walk up the parents never ends', 'drivers/acpi/pptt.c acpi_count_levels(), acpi_find_cache_level()')],
      },
      PPTT_RESOURCE: {
        summary: 'a private resource that is not a cache or ID structure',
        consumers: [linux('all', 'ignored', 'a private resource that is not a cache is passed over', 'drivers/acpi/pptt.c acpi_find_cache_level()')],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const at = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
      const paths = itemPaths(c.entry, (n) => segmentName(ppttFamily, Number(n.fields.type)));
      // each cycle once, at the parent pointer that closes it (not once per node that leads into it):
      // firmware lists parents before their children, so the pointer forward to a later node is the
      // one that turned the tree into a loop (else the last of the loop)
      for (const loop of parentCycles(items, at)) {
        const closer = loop.find((x) => Number(x.fields.parent) > (x.at ?? 0)) ?? loop[loop.length - 1];
        c.report(
          'PPTT_CYCLE',
          `${paths.get(closer)}.parent`,
          `following parents goes round ${loop.map((x) => paths.get(x)).join(' → ')} → ${paths.get(loop[0])}: Linux's walk up the topology never ends`,
        );
      }
      for (const n of items) {
        if (n.fields.type !== PPTT_PROCESSOR) continue;
        const p = paths.get(n)!;
        const parent = fieldsOf(ppttProcessor, n).parent;
        if (parent !== 0 && at.get(parent)?.fields.type !== PPTT_PROCESSOR) {
          c.report(
            'PPTT_PARENT',
            fieldPath(p, ppttProcessor, 'parent'),
            `parent ${hex(parent)} is ` +
              `${at.has(parent) ? `a ${PPTT_TYPES.names[Number(at.get(parent)!.fields.type)] ?? 'non-processor'} structure` : 'no node start'}` +
              `, not a processor node`,
          );
        }
        (partOf(resourcesPart, n) ?? []).forEach((r, i) => {
          const to = at.get(Number(r.fields.reference));
          if (to?.fields.type !== PPTT_CACHE && to?.fields.type !== PPTT_ID) {
            c.report(
              'PPTT_RESOURCE',
              `${p}.private_resource[${i}].reference`,
              `private resource ${hex(Number(r.fields.reference))} is ${to ? 'a processor node' : 'no node start'}, not a cache or ID structure`,
            );
          }
        });
      }
    },
  }),
  rule({
    codes: {
      PPTT_CACHE_CYCLE: {
        summary: "following the Next Level of Cache references from a processor node's private cache comes back to a cache already passed",
        consumers: [
          linux(
            '4.16+',
            'hang',
            'the walk down the cache levels has no bound: it goes round the loop for ever while the boot CPU sets up cache information, so the boot hangs',
            'drivers/acpi/pptt.c acpi_pptt_walk_cache() (from acpi_get_cache_info(), cache_setup_acpi())',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const at = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
      const paths = itemPaths(c.entry, (n) => segmentName(ppttFamily, Number(n.fields.type)));
      const name = (x: number) => paths.get(at.get(x)!) ?? `the bytes at ${hex(x)}`;
      const loops = cacheLoops(c.entry.table, c.entry.bytes);
      if (!loops.length) return;
      // how far below its root each structure's deepest owner (a processor node listing it) is
      const depths = processorDepths(items, at);
      const owners = new Map<number, number>();
      for (const n of items)
        for (const r of partOf(resourcesPart, n) ?? []) {
          const ref = Number(r.fields.reference);
          owners.set(ref, Math.max(owners.get(ref) ?? -1, depths.get(n) ?? -1));
        }
      for (const loop of loops) {
        // a loop of processor nodes alone is their parents' (PPTT_CYCLE's)
        if (loop.every((x) => at.get(x)?.fields.type === PPTT_PROCESSOR)) continue;
        // cache levels lead away from the CPU, toward the root: the reference to a structure a
        // processor node further down lists as its own is the one that closed the chain (else the
        // last of the loop as walked)
        const closer = loop.find((x, i) => (owners.get(loop[(i + 1) % loop.length]) ?? -1) > (owners.get(x) ?? -1)) ?? loop[loop.length - 1];
        const node = at.get(closer);
        const path =
          node?.fields.type === PPTT_CACHE
            ? fieldPath(paths.get(node)!, ppttCache, 'next_level')
            : node
              ? fieldPath(paths.get(node)!, ppttProcessor, 'parent')
              : 'PPTT';
        c.report(
          'PPTT_CACHE_CYCLE',
          path,
          `following next-level caches goes round ${loop.map(name).join(' → ')} → ${name(loop[0])}: Linux's cache walk never ends and the boot hangs`,
          node ? undefined : closer + 8,
        );
      }
    },
  }),
  rule({
    codes: {
      PPTT_GICC_LEAF: {
        summary: 'an enabled GICC whose processor UID has no leaf processor node in the PPTT, or several',
        consumers: [
          linux(
            'all',
            'fw-bug-logged',
            '"PPTT table found, but unable to locate core": that CPU gets no cache or topology information (with several leaves, the first is used)',
            'drivers/acpi/pptt.c acpi_find_processor_node(), acpi_pptt_warn_missing()',
          ),
        ],
      },
    },
    run(c) {
      const uids = enabledUids(c);
      if (!uids) return;
      const leaves = new Map<number, number>();
      for (const n of ppttLeaves(c.entry.table)) {
        const uid = fieldsOf(ppttProcessor, n).acpi_processor_id;
        leaves.set(uid, (leaves.get(uid) ?? 0) + 1);
      }
      const bad = [...uids].filter((u) => leaves.get(u) !== 1);
      if (bad.length)
        c.report(
          'PPTT_GICC_LEAF',
          'PPTT',
          `${bad.length} enabled GICC UID(s) without exactly one leaf processor node (UID ${bad[0]}: ${leaves.get(bad[0]) ?? 0}); Linux ` +
            `then falls back to a flat topology for those CPUs`,
          36,
        );
    },
  }),
  rule({
    codes: {
      PPTT_DEPTH: {
        summary: `a CPU's leaf processor node more than ${PPTT_PACKAGE_LEVELS} parents below its physical package (or its root, with no package above it)`,
        consumers: [
          linux(
            'all',
            'function-lost',
            `the search for the CPU's package climbs at most ${PPTT_PACKAGE_LEVELS} levels (PPTT_ABORT_PACKAGE) and takes the node it ` +
              `stopped at for the package: the CPU's package ID, and the scheduler topology built on it, are wrong`,
            'drivers/acpi/pptt.c acpi_find_processor_tag(), find_acpi_cpu_topology_package()',
          ),
        ],
      },
    },
    run(c) {
      const items = c.entry.table.items ?? [];
      const at = new Map(items.filter((n) => n.at !== undefined).map((n) => [n.at!, n]));
      const levels = packageLevels(items, at);
      // the leaves Linux looks up: those of the MADT's enabled CPUs (every leaf without a MADT)
      const uids = enabledUids(c);
      const deep = ppttLeaves(c.entry.table).filter(
        (n) => (levels.get(n) ?? 0) > PPTT_PACKAGE_LEVELS && (!uids || uids.has(fieldsOf(ppttProcessor, n).acpi_processor_id)),
      );
      if (!deep.length) return;
      const paths = itemPaths(c.entry, (n) => segmentName(ppttFamily, Number(n.fields.type)));
      let stop = deep[0];
      for (let i = 0; i < PPTT_PACKAGE_LEVELS; i++) stop = at.get(fieldsOf(ppttProcessor, stop).parent)!;
      c.report(
        'PPTT_DEPTH',
        fieldPath(paths.get(deep[0])!, ppttProcessor, 'parent'),
        `${deep.length} CPU leaf node(s) more than ${PPTT_PACKAGE_LEVELS} levels below their package (${paths.get(deep[0])} (ACPI processor ` +
          `ID ${fieldsOf(ppttProcessor, deep[0]).acpi_processor_id}): ${levels.get(deep[0])} levels): Linux's package search stops at ` +
          `${paths.get(stop)} and takes it for the package`,
      );
    },
  }),
  rule({
    dom0: true,
    codes: {
      DOM0_PPTT_UID: {
        summary: "PPTT leaf processor nodes for UIDs dom0's MADT has no enabled GICC for: Linux finds no CPU for them and ignores them",
        consumers: [linux('all', 'unused', 'leaves for CPUs dom0 does not have are never looked up', 'drivers/acpi/pptt.c acpi_find_processor_node()')],
        dom0: true,
      },
    },
    run(c) {
      const uids = enabledUids(c);
      if (!uids || c.hostSet) return;
      const extra = ppttLeaves(c.entry.table)
        .map((n) => fieldsOf(ppttProcessor, n).acpi_processor_id)
        .filter((uid) => !uids.has(uid));
      if (extra.length)
        c.report(
          'DOM0_PPTT_UID',
          'PPTT',
          `${extra.length} leaf processor node(s) for UIDs dom0 has no vCPU for (UID ${extra[0]}): Linux ignores them (topology is read for present CPUs only)`,
          36,
        );
    },
  }),
];

export const pptt = {
  rules,
  pictures: (e) => ppttPictures(e),
  summary: (e) => ppttSummary(e),
  name: 'PPTT',
  label: 'Processor Properties Topology Table',
  minLength: 36,
  layout: layout('pptt', [headerField()]),
  parts: [{ key: 'items', label: 'Nodes', kind: 'subtables', family: ppttFamily, target: true }],
} satisfies TableDef;
