// FACS, ACPI 6.5 §5.2.10: no checksum, no standard header; version 0-3, 64 bytes.
import type { TableDef } from '../model/rules.js';
import { layout, ascii, u8, u32, u64, bytes } from '../layout/schema.js';

export const facs = {
  name: 'FACS',
  label: 'Firmware ACPI Control Structure',
  revision: 'version',
  minLength: 64,
  layout: layout('facs', [
    ascii('signature', 'Signature', 4),
    u32('length', 'Length', { derive: 'length' }),
    u32('hardware_signature', 'Hardware Signature'),
    u32('firmware_waking_vector', '32 Firmware Waking Vector'),
    u32('global_lock', 'Global Lock'),
    u32('flags', 'Flags', {
      bits: [
        { name: 's4_bios', label: 'S4BIOS Support Present', bit: 0 },
        { name: 'wake_64bit', label: '64-bit Wake Supported (V2)', bit: 1 },
      ],
    }),
    u64('x_firmware_waking_vector', '64 Firmware Waking Vector'),
    u8('version', 'Version'),
    bytes('reserved', 'Reserved', 3, { show: 'number' }),
    u32('ospm_flags', 'OspmFlags', { bits: [{ name: 'wake_64bit_required', label: '64-bit Wake Env Required (V2)', bit: 0 }] }),
  ]),
  tailLabel: 'Reserved',
} satisfies TableDef;
