// RSDT and XSDT, ACPI 6.5 §5.2.7 / §5.2.8: the header followed by 32- or 64-bit table addresses.
// Bytes that do not make a whole entry are kept as trailing bytes.
import { layout, u32, u64 } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';
import { headerField } from './common.js';

const rootTable = (sig: string, label: string, width: 4 | 8): ContainerDef => ({
  name: sig,
  label,
  minLength: 36,
  layout: layout(sig.toLowerCase(), [headerField()]),
  parts: [{
    key: 'items',
    label: 'Entries',
    kind: 'records',
    record: {
      name: 'entry',
      label: 'ACPI Table Address',
      indexLabels: true,
      layout: layout(`${sig.toLowerCase()}_entry`, [(width === 4 ? u32 : u64)('address', 'ACPI Table Address', { pointer: true })]),
    },
  }],
});

export const rsdt = rootTable('RSDT', 'Root System Description Table', 4);
export const xsdt = rootTable('XSDT', 'Extended System Description Table', 8);
