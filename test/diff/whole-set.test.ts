// diff across a whole server table set: items pair by their declared keys, so a firmware update
// that changes one field in four tables shows exactly those four fields (and, for the IORT's, the
// PCI segment whose requester IDs it reroutes).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readTables } from '../../src/io/read.js';
import { diffTables } from '../../src/diff/set.js';
import type { AcpiTable } from '../../src/tables/registry.js';
import type { Node } from '../../src/layout/codec.js';
import { editTable, SAMPLES } from '../helpers.js';

const server = () => readTables(join(SAMPLES, 'server-128cpu', 'acpidump.txt')).set;

const edit = editTable;
const withItem = (t: AcpiTable, pick: (n: Node) => boolean, change: (n: Node) => Node): AcpiTable => {
  let done = false;
  return { ...t, items: t.items!.map((n) => (!done && pick(n) ? ((done = true), change(n)) : n)) };
};

describe('diff of two server sets', () => {
  it('one IORT ID mapping, one PPTT cache size, one SRAT memory range, one PCC subspace base: exactly those four fields', () => {
    const a = server();
    let b = edit(a, 'IORT', (t) =>
      withItem(
        t,
        (n) => n.fields.type === 2 && n.fields.identifier === 0x201,
        (n) => ({
          ...n,
          parts: { ...n.parts, mappings: (n.parts!.mappings as Node[]).map((m) => ({ ...m, fields: { ...m.fields, id_count: 0x7fff } })) },
        }),
      ),
    );
    b = edit(b, 'PPTT', (t) =>
      withItem(
        t,
        (n) => n.fields.type === 1 && n.fields.size === 0x2000000,
        (n) => ({ ...n, fields: { ...n.fields, size: 0x4000000 } }),
      ),
    );
    b = edit(b, 'SRAT', (t) =>
      withItem(
        t,
        (n) => n.fields.type === 1 && n.fields.base_address === 0x880000000n,
        (n) => ({ ...n, fields: { ...n.fields, address_length: 0x3f80000000n } }),
      ),
    );
    b = edit(b, 'PCCT', (t) =>
      withItem(
        t,
        (n) => n.fields.platform_interrupt === 0x52,
        (n) => ({ ...n, fields: { ...n.fields, base_address: 0xfa900000n } }),
      ),
    );
    const changes = diffTables(a, b, { ignore: ['derived'] });
    expect(changes.map((c) => [c.path, c.text?.old, c.text?.new])).toEqual([
      ['IORT.root_complex[id=0x201].mapping[input=0x0].id_count', '0xFFFF', '0x7FFF'],
      ['PPTT.cache[0].size', '0x2000000', '0x4000000'],
      ['SRAT.memory[base=0x880000000].address_length', '0x1F80000000', '0x3F80000000'],
      ['PCCT.reduced2[2].base_address', '0xFA802000', '0xFA900000'],
      // and what the IORT's change does: segment 1's requester IDs past 0x7FFF now end nowhere
      ['IORT.pci_segment[1].routes', undefined, undefined],
    ]);
    expect(changes.at(-1)).toMatchObject({
      old: 'RIDs 0x0-0xFFFF via smmu_v3[1] StreamIDs 0x0-0xFFFF to its_group[1] DeviceIDs 0x10000-0x1FFFF',
      new: 'RIDs 0x0-0x7FFF via smmu_v3[1] StreamIDs 0x0-0x7FFF to its_group[1] DeviceIDs 0x10000-0x17FFF',
    });
  });

  it('inserting an IORT node moves every node after it, and changes no output reference', () => {
    const a = server();
    const b = edit(a, 'IORT', (t) => ({
      ...t,
      items: [
        t.items![0],
        {
          fields: {
            type: 1,
            length: 0,
            revision: 0,
            identifier: 0,
            mapping_count: 0,
            mapping_offset: 0,
            node_flags: 0,
            memory_properties: { cache_coherency: 0, hints: 0, reserved: 0, memory_flags: 0 },
            memory_address_limit: 0,
          },
          parts: { device_name: '\\_SB.DEV0' },
          tail: new Uint8Array(0),
        },
        ...t.items!.slice(1),
      ],
    }));
    const changes = diffTables(a, b, { ignore: ['derived'] });
    expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual(['added IORT.named_component[0]']);
    const rc = b.tables.find((e) => e.table.signature === 'IORT')!.table.items!.find((n) => n.fields.identifier === 0x200)!;
    const smmu = b.tables.find((e) => e.table.signature === 'IORT')!.table.items!.find((n) => n.fields.identifier === 0x100)!;
    expect((rc.parts!.mappings as Node[])[0].fields.output_reference).toBe(smmu.at);
  });

  it('SLIT cells by row and column', () => {
    const a = server();
    const b = edit(a, 'SLIT', (t) => ({
      ...t,
      parts: {
        distance: [
          [10, 22],
          [22, 10],
        ],
      },
    }));
    expect(diffTables(a, b, { ignore: ['derived'] }).map((c) => `${c.path}: ${c.old} → ${c.new}`)).toEqual([
      'SLIT.distance[0][1]: 20 → 22',
      'SLIT.distance[1][0]: 20 → 22',
    ]);
  });
});
