// The definition blocks of a table set read together (calls resolve across the DSDT and every SSDT),
// once per set: each table entry's term tree, and the namespace.
import { defFor, tableKey } from '../tables/registry.js';
import type { TableEntry, TableSet } from '../model/tableset.js';
import type { AslText, BlockHeader } from './asl.js';
import type { AmlIssue } from './tree.js';
import { blockIssues, readAml, readAmlTable, type AmlBlock } from './index.js';
import { kindCounts } from './view.js';
import { hex } from '../layout/diagnostics.js';
import { joinNamespace, type AmlObject } from './namespace.js';

import type { SetAml } from '../model/rules.js';
export type { SetAml };

/** Whether a table holds a definition block (DSDT, SSDT: their declarations say so). */
export const holdsAml = (e: TableEntry): boolean => defFor(e.table.signature).tailIsAml === true;

/** What a block is called in the namespace: its table's key among the set's ("DSDT", "SSDT[CPUS]"). */
const labelOf = (e: TableEntry) => tableKey(e.table);

const cache = new WeakMap<readonly TableEntry[], SetAml>();

/** The set's definition blocks, read together (made once per set). */
export function setAml(set: Pick<TableSet, 'tables'>): SetAml {
  const known = cache.get(set.tables);
  if (known) return known;
  const entries = set.tables.filter(holdsAml);
  const aml = readAml(entries.map((e) => ({ table: labelOf(e), bytes: e.bytes, revision: e.bytes[8] ?? 0 })));
  const out = { aml, blocks: new Map(entries.map((e, i) => [e, aml.blocks[i]])) };
  cache.set(set.tables, out);
  return out;
}

/** A DSDT's or SSDT's block read on its own (once per decoded table). */
export const aloneBlock = (e: TableEntry): AmlBlock => readAmlTable(e.table, { table: labelOf(e), bytes: e.bytes, revision: e.bytes[8] ?? 0 }).blocks[0];

/** The header fields a DefinitionBlock names, from a table's bytes. */
export function blockHeader(bytes: Uint8Array): BlockHeader {
  const s = (o: number, n: number) => Buffer.from(bytes.subarray(o, o + n)).toString('latin1');
  const u32 = bytes.length >= 28 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(24, true) : 0;
  return { signature: s(0, 4), revision: bytes[8] ?? 0, oemId: s(10, 6), oemTableId: s(16, 8), oemRevision: u32 };
}

/** A DSDT's or SSDT's ASL, its calls read with the set's other blocks when `block` is given. */
export function tableAslText(e: TableEntry, block?: AmlBlock): AslText & { issues: AmlIssue[] } {
  return (block ?? aloneBlock(e)).asl(blockHeader(e.bytes));
}

/** A DSDT's or SSDT's ASL, as text ending in a line end (see tableAslText). */
export const tableAsl = (e: TableEntry, block?: AmlBlock): string => tableAslText(e, block).text + '\n';

/** What a block declares, by the table offset of the declaring term (or field element), as its
 * namespace read on its own has it. */
export function declaredAt(block: AmlBlock): Map<number, AmlObject> {
  return new Map(joinNamespace([block.objects]).map((o) => [o.offset, o]));
}

/** dump --summary's facts for a DSDT or SSDT: what its block declares (read with the set's other
 * blocks), by kind, and its first AML fault. */
export function amlSummary(e: TableEntry, set: Pick<TableSet, 'tables'>): string {
  const { aml, blocks } = setAml(set);
  const block = blocks.get(e);
  if (!block) return '';
  const objects = aml.namespace.filter((o) => o.table === block.table);
  const issues = blockIssues(block);
  const faults = issues.length ? `; ${issues.length} AML fault(s), first at ${hex(issues[0].at)}: ${issues[0].message}` : '';
  return `${objects.length} object(s): ${kindCounts(objects)}${faults}`;
}
