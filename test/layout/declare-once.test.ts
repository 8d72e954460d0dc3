// "Declare once": a field added to a declaration is decoded, encoded, dumped, diffed and typed with
// no edit anywhere else. The same MCFG allocation is declared twice, the second time with one more
// field; every generic reader picks it up.
import { describe, expect, it } from 'vitest';
import { layout, u8, u16, u32, u64 } from '../../src/layout/schema.js';
import { type ContainerDef, decodeNode, encodeRoot, fieldsOf, kindOf, make } from '../../src/layout/codec.js';
import { decodedSignatures, defFor } from '../../src/tables/registry.js';
import { describeNode, leaves } from '../../src/layout/describe.js';
import { diffNode } from '../../src/diff/table.js';
import { headerField } from '../../src/tables/common.js';

const allocation = (extra: boolean) =>
  ({
    name: 'allocation',
    label: 'Configuration Space Allocation',
    layout: layout('alloc', [
      u64('base_address', 'Base Address'),
      u16('segment', 'Segment Group Number'),
      u8('start_bus', 'Start Bus Number'),
      u8('end_bus', 'End Bus Number'),
      ...(extra ? [u32('numa_node', 'NUMA Node')] : []),
      u32('reserved', 'Reserved'),
    ]),
  }) satisfies ContainerDef;

const table = (record: ContainerDef) =>
  ({
    name: 'MCFG',
    label: 'test',
    layout: layout('mcfg', [headerField(), u64('reserved', 'Reserved')]),
    parts: [{ key: 'items', label: 'Allocations', kind: 'records', record }],
  }) satisfies ContainerDef;

// the declaration with the new field, typed: numa_node is a number wherever it is read
const withNuma = {
  ...allocation(false),
  layout: layout('alloc2', [
    u64('base_address', 'Base Address'),
    u16('segment', 'Segment Group Number'),
    u8('start_bus', 'Start Bus Number'),
    u8('end_bus', 'End Bus Number'),
    u32('numa_node', 'NUMA Node'),
    u32('reserved', 'Reserved'),
  ]),
} satisfies ContainerDef;

describe('a field added to a declaration reaches every generic reader', () => {
  const def = table(allocation(true));
  const header = {
    signature: 'MCFG',
    revision: 1,
    oem_id: 'DOM0AC',
    oem_table_id: 'DECLARE',
    oem_revision: 1,
    asl_compiler_id: 'D0AC',
    asl_compiler_revision: 1,
  };
  const node = make(
    def,
    { header: header as never, reserved: 0n },
    { items: [make(allocation(true), { base_address: 0x4000000000n, segment: 0, start_bus: 0, end_bus: 255, numa_node: 3 })] },
  );
  const bytes = encodeRoot(def, node);

  it('encode and decode: the record is 20 bytes, the field at offset 12', () => {
    expect(bytes.length).toBe(44 + 20);
    expect(Buffer.from(bytes).readUInt32LE(44 + 12)).toBe(3);
    const back = decodeNode(def, { buf: bytes, revision: 1, table: 'MCFG', findings: [] }, 0, bytes.length, 'MCFG');
    expect(back.items![0].fields.numa_node).toBe(3);
    expect(Buffer.from(encodeRoot(def, back)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('dump: its path, offset, width and label', () => {
    const f = [...leaves(describeNode(def, node, 0, 'MCFG', 1))].find((e) => e.path === 'MCFG.allocation[0].numa_node');
    expect(f).toMatchObject({ offset: 44 + 12, width: 4, label: 'NUMA Node' });
  });

  it('diff: a change of it, by path', () => {
    const other = { ...node, items: [{ ...node.items![0], fields: { ...node.items![0].fields, numa_node: 4 } }] };
    expect(diffNode(def, node, other, 'MCFG').map((c) => [c.path, c.old, c.new])).toEqual([['MCFG.allocation[0].numa_node', 3, 4]]);
  });

  it('typed access: fieldsOf gives it its type', () => {
    const n: number = fieldsOf(withNuma, node.items![0]).numa_node;
    expect(n).toBe(3);
  });
});

describe('a field a short container may lack is marked, and only such a field', () => {
  // `optional` is what the type system knows of presence by length: it must say what minLength says
  it('every declaration: optional exactly for the fields past its minLength (gated ones aside)', () => {
    const seen = new Set<ContainerDef>();
    const wrong: string[] = [];
    const visit = (d: ContainerDef) => {
      if (seen.has(d)) return;
      seen.add(d);
      const l = d.layout;
      const min = d.minLength ?? l.size;
      l.fields.forEach((f, i) => {
        const past = l.offsets[i + 1] > min && !f.when;
        if (past !== (f.optional === true))
          wrong.push(`${d.name}.${f.name}: ${past ? 'past' : 'within'} minLength ${min}, ${f.optional ? '' : 'not '}marked optional`);
      });
      for (const p of d.parts ?? []) kindOf(p).nested?.(p).forEach(visit);
      (d.variants ?? []).forEach((v) => visit(v.def));
    };
    for (const sig of decodedSignatures()) visit(defFor(sig));
    expect(wrong).toEqual([]);
    expect(seen.size).toBeGreaterThan(100);
  });
});
