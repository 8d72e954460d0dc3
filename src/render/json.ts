// dump --json: per table, the decoded values as nested JSON and the flat field list (path, offset,
// width, label, value). u64 values are hex strings ("0x…"), raw bytes upper-case hex.
import { setAml } from '../aml/set.js';
import { objectJson, termsJson } from '../aml/view.js';
import { blockIssues } from '../aml/index.js';
import type { Value } from '../layout/schema.js';
import type { ContainerDef, Node } from '../layout/codec.js';
import { partsOf, kindOf } from '../layout/codec.js';
import { leaves, padName, describeNode, type Entry } from '../layout/describe.js';
import { EFI_PARTS, decodeEfiPart } from '../efi/tables.js';
import { defOf, describeSignature, describeTable } from '../tables/registry.js';
import type { TableEntry, TableSet, EfiPart } from '../model/tableset.js';
import { hexBytes, jsonValue, type Json } from '../layout/values.js';

export type { Json };

function nodeJson(def: ContainerDef, node: Node): Record<string, Json> {
  const o = jsonValue(node.fields) as Record<string, Json>;
  for (const p of partsOf(def, node)) {
    const part = p.part;
    if (p.pad) o[padName(def, part)] = hexBytes(p.pad);
    for (const [k, v] of kindOf(part).json(part, p.value, node, nodeJson)) o[k] = v;
  }
  if (node.tail.length) o.tail = hexBytes(node.tail);
  return o;
}

export function tableJson(e: TableEntry): Record<string, Json> {
  const t = e.table;
  const def = defOf(t);
  return {
    signature: t.signature,
    description: describeSignature(t.signature) ?? null,
    address: e.address === undefined ? null : '0x' + e.address.toString(16).toUpperCase(),
    length: e.bytes.length,
    source: e.source,
    faults: t.faults ? (jsonValue(t.faults as unknown as Value) as Json) : null,
    values: nodeJson(def, t),
    fields: fieldList(describeTable(t)),
  };
}

/** The flat field list of a dump: path, offset, width, label, value. */
const fieldList = (entries: Entry[]): Json[] =>
  [...leaves(entries)].map((l) => ({ path: l.path, offset: l.offset, width: l.width, label: l.label, value: l.kind === 'row' ? l.cells : jsonValue(l.value) }));

/** One EFI structure as JSON: where it was, its values and its flat field list, as a table's. */
export function efiJson(p: EfiPart): Record<string, Json> {
  const def = EFI_PARTS[p.kind];
  const { node } = decodeEfiPart(p.kind, p.bytes);
  return {
    kind: p.kind,
    description: def.label,
    address: p.address === undefined ? null : '0x' + p.address.toString(16).toUpperCase(),
    length: p.bytes.length,
    source: p.source,
    values: nodeJson(def, node),
    fields: fieldList(describeNode(def, node, 0, def.name, 0)),
  };
}

export function setJson(set: TableSet, entries: TableEntry[], efi: EfiPart[] = set.efi ?? []): Record<string, Json> {
  const aml = setAml(set);
  const tables = entries.map((e) => {
    const j = tableJson(e);
    const block = aml.blocks.get(e);
    if (!block) return j;
    // a DSDT's or SSDT's AML: what it declares, the term tree (flat, each term naming its parent), the faults
    return {
      ...j,
      aml: {
        issues: blockIssues(block).map((i) => ({ offset: i.at, message: i.message })),
        namespace: aml.aml.namespace.filter((o) => o.table === block.table).map(objectJson),
        terms: termsJson(block),
      },
    };
  });
  return { origin: set.origin, input: set.kind, tables, ...(efi.length ? { efi: efi.map(efiJson) } : {}) };
}
