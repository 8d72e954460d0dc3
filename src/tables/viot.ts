// VIOT, ACPI 6.5 §5.2.32 (iasl 20200925 does not know it): virtual I/O translation, the PCI ranges
// and MMIO endpoints behind virtio-iommu devices, with output nodes as references.
import type { TableDef } from '../model/rules.js';
import { layout, u8, u16, u32, u64, bytes, type Field, type Layout, valueNames } from '../layout/schema.js';
import { container, family, type NamedFrom } from '../layout/codec.js';
import { headerField } from './common.js';

export const VIOT_TYPES = valueNames({ 1: 'PCI Range', 2: 'MMIO Endpoint', 3: 'virtio-iommu PCI', 4: 'virtio-iommu MMIO' }, 'Unknown Node Type');
const viotHead = () => [u8('type', 'Node Type', { enum: VIOT_TYPES }), u8('reserved', 'Reserved'), u16('length', 'Length', { derive: 'length' })] as const;
/** A node: the common head, then its own fields; the diff key names fields of those (typed). */
const viotNode = <const F extends readonly Field[]>(
  name: string,
  label: string,
  fields: F,
  key: NamedFrom<Layout<readonly [...ReturnType<typeof viotHead>, ...F]>>['key'],
) => {
  const l = layout(`viot_${name}`, [...viotHead(), ...fields]);
  return container({ name, label, minLength: l.size, layout: l, key });
};

const viotFamily = family({
  lengthOffset: 2,
  lengthWidth: 2,
  headerSize: 4,
  byType: {
    1: viotNode(
      'pci_range',
      'PCI Range',
      [
        u32('endpoint_start', 'Endpoint Start'),
        u16('segment_start', 'PCI Segment Start'),
        u16('segment_end', 'PCI Segment End'),
        u16('bdf_start', 'PCI BDF Start'),
        u16('bdf_end', 'PCI BDF End'),
        u16('output_node', 'Output Node', { ref: 'items' }),
        bytes('reserved2', 'Reserved', 6),
      ],
      { endpoint: 'endpoint_start' },
    ),
    2: viotNode(
      'mmio',
      'MMIO Endpoint',
      [
        u32('endpoint', 'Endpoint ID'),
        u64('base_address', 'Base Address'),
        u16('output_node', 'Output Node', { ref: 'items' }),
        bytes('reserved2', 'Reserved', 6),
      ],
      { endpoint: 'endpoint' },
    ),
    3: viotNode('virtio_iommu_pci', 'virtio-iommu PCI', [u16('segment', 'PCI Segment'), u16('bdf', 'PCI BDF'), bytes('reserved2', 'Reserved', 8)], {
      bdf: 'bdf',
    }),
    4: viotNode('virtio_iommu_mmio', 'virtio-iommu MMIO', [bytes('reserved2', 'Reserved', 4), u64('base_address', 'Base Address')], { base: 'base_address' }),
  },
  unknown: { name: 'node', label: 'Unknown Node', tailLabel: 'Node data (not decoded)', layout: layout('viot_unknown', viotHead()) },
});

export const viot = container({
  name: 'VIOT',
  label: 'Virtual I/O Translation Table',
  minLength: 48,
  layout: layout('viot', [headerField(), u16('node_count', 'Node Count'), u16('node_offset', 'Node Offset'), bytes('reserved', 'Reserved', 8)]),
  parts: [{ key: 'items', label: 'Nodes', kind: 'subtables', family: viotFamily, count: 'node_count', offset: 'node_offset', target: true }],
}) satisfies TableDef;
