// dump --json: per table, the decoded values as nested JSON and the flat field list (path, offset,
// width, label, value). u64 values are hex strings ("0x…"), raw bytes upper-case hex.
import type { Value } from '../layout/schema.js';
import type { ContainerDef, Node } from '../layout/codec.js';
import { subtableDef, segmentName } from '../layout/codec.js';
import { describeNode, leaves } from '../layout/describe.js';
import { defFor, describeSignature } from '../tables/registry.js';
import type { TableEntry, TableSet } from '../model/tableset.js';
import { hexBytes } from './text.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function jsonValue(v: Value): Json {
  if (typeof v === 'bigint') return '0x' + v.toString(16).toUpperCase();
  if (v instanceof Uint8Array) return hexBytes(v);
  if (typeof v === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) o[k] = jsonValue(x);
    return o;
  }
  return v;
}

function nodeJson(def: ContainerDef, node: Node): Record<string, Json> {
  const o = jsonValue(node.fields) as Record<string, Json>;
  if (node.gap?.length) o.gap = hexBytes(node.gap);
  const body = def.body;
  if (body?.kind === 'records') o[`${body.record.name}s`] = (node.items ?? []).map((it) => nodeJson(body.record, it));
  if (body?.kind === 'subtables') {
    o.subtables = (node.items ?? []).map((it) => {
      const type = Number(it.fields.type);
      return { kind: segmentName(body.family, type), ...nodeJson(subtableDef(body.family, type), it) };
    });
  }
  if (body?.kind === 'strings') {
    o[body.name] = node.strings ?? [];
    if (node.unterminated) o[`${body.name}_unterminated`] = node.unterminated;
  }
  if (node.tail.length) o.tail = hexBytes(node.tail);
  return o;
}

export function tableJson(e: TableEntry): Record<string, Json> {
  const t = e.table;
  const def = defFor(t.signature);
  const revision = t.signature === 'RSDP' ? Number(t.fields.revision) : e.bytes[8] ?? 0;
  return {
    signature: t.signature,
    description: describeSignature(t.signature) ?? null,
    address: e.address === undefined ? null : '0x' + e.address.toString(16).toUpperCase(),
    length: e.bytes.length,
    source: e.source,
    faults: t.faults ? (jsonValue(t.faults as unknown as Value) as Json) : null,
    values: nodeJson(def, t),
    fields: [...leaves(describeNode(def, t, 0, t.signature, revision))].map((l) => ({
      path: l.path,
      offset: l.offset,
      width: l.width,
      label: l.label,
      value: jsonValue(l.value),
    })),
  };
}

export function setJson(set: TableSet, entries: TableEntry[]): Record<string, Json> {
  return { origin: set.origin, input: set.kind, tables: entries.map(tableJson) };
}
