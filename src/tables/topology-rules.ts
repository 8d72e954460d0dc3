// The rules that look across tables at the processor and memory topology: PPTT, SRAT, SLIT and
// HMAT against each other and against the MADT. Declared here, attached to each table's
// declaration (pptt.ts, srat.ts, slit.ts, hmat.ts), run by check like any table rule.
import type { Node } from '../layout/codec.js';
import type { RuleContext, TableRule } from '../model/rules.js';
import type { TableEntry } from '../model/set.js';
import { hex } from '../layout/diagnostics.js';
import { gicInfo } from './madt.js';

/** UIDs of the MADT's enabled GICCs (undefined without a MADT). */
export function enabledUids(c: RuleContext): Set<number> | undefined {
  const madt = c.find('APIC');
  if (!madt) return undefined;
  return new Set(gicInfo(madt.table.items ?? []).enabled.map((g) => Number(g.fields.uid)));
}

/** Path segment and ordinal of each item of a table's main list, as dump names them. */
export function itemPaths(e: { table: Pick<TableEntry['table'], 'signature' | 'items'> }, segment: (n: Node) => string): Map<Node, string> {
  const seen = new Map<string, number>();
  const out = new Map<Node, string>();
  for (const it of e.table.items ?? []) {
    const seg = segment(it);
    const n = seen.get(seg) ?? 0;
    seen.set(seg, n + 1);
    out.set(it, `${e.table.signature}.${seg}[${n}]`);
  }
  return out;
}

export const rangesOverlap = (a: [bigint, bigint], b: [bigint, bigint]) => a[0] < b[1] && b[0] < a[1];
export const showRange = (r: [bigint, bigint]) => `${hex(r[0])}-${hex(r[1])}`;

export type { TableRule };
