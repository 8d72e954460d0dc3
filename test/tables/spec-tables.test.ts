// APMT, VIOT and AEST are newer than Debian's iasl: each is checked here byte by byte against a
// table written out from its specification, decoded, dumped and re-encoded.
import { describe, expect, it } from 'vitest';
import { decodeTable, encodeTable } from '../../src/tables/registry.js';
import { tableJson } from '../../src/render/json.js';
import { dumpTableText } from '../../src/render/text.js';
import { table, VIOT_BODY, APMT_BODY, AEST_BODY } from '../../samples/spec-tables.js';

const fields = (b: Buffer) => {
  const r = decodeTable(b);
  expect(r.findings).toEqual([]);
  expect(Buffer.from(encodeTable(r.table!)).equals(b)).toBe(true);
  const e = { table: r.table!, bytes: b, source: 'spec' };
  expect(dumpTableText(e)).not.toMatch(/not decoded|Trailing bytes/);
  return new Map((tableJson(e).fields as { path: string; offset: number; width: number; value: unknown }[]).map((f) => [f.path, f]));
};

describe('VIOT (ACPI 6.5 §5.2.32), as QEMU builds it for -device virtio-iommu-pci', () => {
  // one virtio-iommu PCI node at 0x30 (BDF 00:02.0), one PCI range (BDF 0-0xffff) translated by it
  const body = VIOT_BODY;
  it('decodes every field at its offset, output nodes as references', () => {
    const b = table('VIOT', 0, body);
    const f = fields(b);
    expect(f.get('VIOT.node_count')).toMatchObject({ offset: 36, width: 2, value: 2 });
    expect(f.get('VIOT.virtio_iommu_pci[0].bdf')).toMatchObject({ offset: 54, width: 2, value: 0x10 });
    expect(f.get('VIOT.pci_range[0].bdf_end')).toMatchObject({ offset: 78, width: 2, value: 0xffff });
    expect(f.get('VIOT.pci_range[0].output_node')).toMatchObject({ offset: 80, width: 2, value: 0x30 });
  });
  it('an output node reference follows its node when a node is inserted before it', () => {
    const t = decodeTable(table('VIOT', 0, body)).table!;
    const mmio = { fields: { type: 4, reserved: 0, length: 0, reserved2: new Uint8Array(4), base_address: 0x9050000n }, tail: new Uint8Array(0), at: 0x1000 };
    const b = encodeTable({ ...t, items: [mmio, ...t.items!] });
    const back = decodeTable(b).table!;
    expect(back.items!.map((n) => n.fields.type)).toEqual([4, 3, 1]);
    expect(back.items![2].fields.output_node).toBe(0x30 + 16); // the virtio-iommu node moved by the 16-byte MMIO node
    expect(back.fields).toMatchObject({ node_count: 3, node_offset: 0x30 });
  });
});

describe('APMT (Arm DEN0117)', () => {
  it('decodes a memory-controller PMU node field by field', () => {
    const f = fields(table('APMT', 0, APMT_BODY));
    expect(f.get('APMT.node[0].length')).toMatchObject({ offset: 36, width: 2, value: 56 });
    expect(f.get('APMT.node[0].id')).toMatchObject({ offset: 40, width: 4, value: 7 });
    expect(f.get('APMT.node[0].base_address1')).toMatchObject({ offset: 64, width: 8, value: '0x100010010000' });
    expect(f.get('APMT.node[0].implementation_id')).toMatchObject({ offset: 88, width: 4, value: 0x41 });
  });
});

describe('AEST (Arm DEN0085 1.0)', () => {
  it('a processor node: its cache resource, interface and two interrupts, each at its offset', () => {
    const f = fields(table('AEST', 1, AEST_BODY));
    expect(f.get('AEST.processor[0].processor[0].resource')).toMatchObject({ offset: 36 + 44 + 16, width: 4, value: 0x80 });
    expect(f.get('AEST.processor[0].interface[0].error_record_count')).toMatchObject({ offset: 36 + 68 + 20, width: 4, value: 2 });
    expect(f.get('AEST.processor[0].interrupt[1].gsiv')).toMatchObject({ offset: 36 + 116 + 12 + 4, width: 4, value: 41 });
  });
});
