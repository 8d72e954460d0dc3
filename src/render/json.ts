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
import { defOf, describeSignature, describeTable, pciSegments, type PciSegment } from '../tables/registry.js';
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
  const chosen = { ...set, tables: entries };
  const segments = pciSegments(chosen, setAml(chosen));
  return {
    origin: set.origin,
    input: set.kind,
    tables,
    ...(efi.length ? { efi: efi.map(efiJson) } : {}),
    ...(segments.length ? { pciSegments: segments.map(segmentJson) } : {}),
  };
}

/** A PCI segment as JSON: addresses and ID ranges as hex ("0x0-0xFF"), each part by its field or
 * dump path. */
function segmentJson(s: PciSegment): Record<string, Json> {
  const h = (v: bigint | number) => '0x' + v.toString(16).toUpperCase();
  const span = ([a, b]: [number, number] | [bigint, bigint]) => `${h(a)}-${h(b)}`;
  return {
    segment: s.segment,
    ecam: s.ecam.map((e) => ({ path: e.path, base: h(e.base), buses: span([e.startBus, e.endBus]) })),
    bridges: s.bridges.map((b) => ({ path: b.path, buses: span([b.startBus, b.endBus]), windows: b.windows.map((w) => span([w.base, w.base + w.size - 1n])) })),
    rootComplexes: s.rootComplexes.map((rc) => ({
      path: rc.path,
      routes: rc.routes.map((r) => ({
        rids: span(r.rids),
        ...(r.smmu ? { smmu: { path: r.smmu.path, streamIds: span(r.smmu.streamIds) } } : {}),
        ...(r.its ? { its: { path: r.its.path, deviceIds: span(r.its.deviceIds) } } : {}),
      })),
      ...(rc.unreadable !== undefined ? { unreadable: rc.unreadable } : {}),
    })),
  };
}
