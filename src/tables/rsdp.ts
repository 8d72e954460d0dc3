// RSDP, ACPI 6.5 §5.2.5.3: revision 0 is the 20-byte ACPI 1.0 structure; revision 2 adds Length,
// XsdtAddress and the extended checksum (36 bytes). The 20-byte checksum is derived first.
import { layout, ascii, u8, u32, u64, bytes } from '../layout/schema.js';
import type { ContainerDef } from '../layout/codec.js';

export const RSDP_SIGNATURE = 'RSD PTR ';
export const RSDP_V1_SIZE = 20;
export const RSDP_V2_SIZE = 36;

const ext = { when: (g: { revision: number }) => g.revision >= 2 };

export const rsdp = {
  name: 'RSDP',
  label: 'Root System Description Pointer',
  revision: 'revision',
  minLength: RSDP_V1_SIZE,
  layout: layout('rsdp', [
    ascii('signature', 'Signature', 8),
    u8('checksum', 'Checksum', { derive: 'checksum', span: RSDP_V1_SIZE }),
    ascii('oem_id', 'Oem ID', 6),
    u8('revision', 'Revision'),
    u32('rsdt_address', 'RSDT Address', { pointer: true }),
    u32('length', 'Length', { ...ext, derive: 'length' }),
    u64('xsdt_address', 'XSDT Address', { ...ext, pointer: true }),
    u8('extended_checksum', 'Extended Checksum', { ...ext, derive: 'checksum' }),
    bytes('reserved', 'Reserved', 3, ext),
  ]),
} satisfies ContainerDef;
