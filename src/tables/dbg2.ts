// DBG2, Microsoft "Debug Port Table 2": device information structures at InfoOffset, each with a
// register count shared by its two arrays — Generic Address Structures at BaseAddressOffset and
// their sizes at AddressSizeOffset — its namespace string and optional OEM data, all by offset.
import { layout, u8, u16, u32 } from '../layout/schema.js';
import { partOf, family, container, fieldPath, fieldsOf, type FieldName, type PartFields } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, spec, table } from '../model/rules.js';
import { hex } from '../layout/diagnostics.js';
import { headerField, gasField, gasRange, SERIAL_PORT } from './common.js';

/** DBG2 port type of a serial port (Microsoft DBG2 specification, Table 3). */
const DBG2_SERIAL = 0x8000;

const rules: TableRule[] = [
  rule({
    codes: {
      DBG2_NAMEPATH: {
        summary: 'a debug device without a namespace string ("." when it has none), or one without its NUL terminator',
        consumers: [
          spec(
            'a device without a namespace path names "."; the string ends with a NUL (neither Linux nor Xen reads the DBG2)',
            'Microsoft DBG2 specification, Table 3',
          ),
        ],
      },
    },
    run(c) {
      (c.entry.table.items ?? []).forEach((n, i) => {
        // a namepath the decoder could not read (no NUL, past the end) was reported as it read it
        const namepath = partOf(namepathPart, n);
        if (namepath === undefined && fieldsOf(dbg2Device, n).namepath_length > 0) return;
        if (!namepath) c.report('DBG2_NAMEPATH', fieldPath(`DBG2.device[${i}]`, dbg2Device, 'namepath_length'), `device ${i} has no namespace string`);
      });
    },
  }),
];

export const dbg2Register = {
  name: 'register',
  label: 'Base Address Register',
  layout: layout('dbg2_register', [gasField('address', 'Base Address Register')]),
} satisfies TableDef;
const addressSize = {
  name: 'size',
  label: 'Address Size',
  layout: layout('dbg2_address_size', [u32('size', 'Address Size')]),
} satisfies TableDef;

const deviceLayout = layout('dbg2_device', [
  u8('revision', 'Revision'),
  u16('length', 'Length', { derive: 'length' }),
  u8('register_count', 'Register Count'),
  u16('namepath_length', 'Namepath Length'),
  u16('namepath_offset', 'Namepath Offset'),
  u16('oem_data_length', 'OEM Data Length', { describesOptional: true }),
  u16('oem_data_offset', 'OEM Data Offset', { describesOptional: true }),
  u16('port_type', 'Port Type'),
  u16('port_subtype', 'Port Subtype'),
  u16('reserved', 'Reserved'),
  u16('base_address_offset', 'Base Address Offset'),
  u16('address_size_offset', 'Address Size Offset'),
]);
type DeviceField = FieldName<typeof deviceLayout>;

/** A debug device's registers (Generic Address Structures), their sizes, and its namepath (ACPI 6.5
 * §5.2.20: the device in the namespace): the parts other code reads, declared here once. */
export const registersPart = {
  key: 'registers',
  label: 'Base Address Registers',
  kind: 'records',
  record: dbg2Register,
  count: 'register_count',
  offset: 'base_address_offset',
} as const satisfies PartFields<DeviceField>;
const sizesPart = {
  key: 'sizes',
  label: 'Address Sizes',
  kind: 'records',
  record: addressSize,
  count: 'register_count',
  offset: 'address_size_offset',
} as const satisfies PartFields<DeviceField>;
export const namepathPart = {
  key: 'namepath',
  label: 'Namepath',
  kind: 'string',
  size: 'namepath_length',
  offset: 'namepath_offset',
  unterminated: 'DBG2_NAMEPATH',
} as const satisfies PartFields<DeviceField>;

export const dbg2Device = container({
  name: 'device',
  label: 'Debug Device Information',
  minLength: 22,
  revision: 'revision',
  key: (n) => {
    const name = partOf(namepathPart, n);
    return name !== undefined ? `name=${name}` : undefined;
  },
  layout: deviceLayout,
  parts: [registersPart, sizesPart, namepathPart, { key: 'oem_data', label: 'OEM Data', kind: 'raw', size: 'oem_data_length', offset: 'oem_data_offset' }],
}) satisfies TableDef;

const dbg2Family = family({
  typeWidth: 0,
  lengthOffset: 1,
  lengthWidth: 2,
  headerSize: 3,
  byType: { [0]: dbg2Device },
  unknown: dbg2Device,
});

export const dbg2 = table({
  name: 'DBG2',
  label: 'Debug Port table type 2',
  minLength: 44,
  layout: layout('dbg2', [headerField(), u32('info_offset', 'Info Offset'), u32('info_count', 'Info Count')]),
  parts: [{ key: 'items', label: 'Devices', kind: 'subtables', family: dbg2Family, count: 'info_count', offset: 'info_offset' }],
  rules,
  regions: (t) =>
    (t.items ?? []).flatMap((d, i) => {
      const sizes = partOf(sizesPart, d) ?? [];
      // a serial debug port (type 0x8000) is often the SPCR's console UART too
      const device = fieldsOf(dbg2Device, d).port_type === DBG2_SERIAL ? SERIAL_PORT : undefined;
      return (partOf(registersPart, d) ?? []).flatMap((r, j) =>
        gasRange(r.fields.address, `DBG2.device[${i}].register[${j}] (debug port)`, BigInt(Number(sizes[j]?.fields.size ?? 0x1000)) || 0x1000n, { device }),
      );
    }),
  summary: (e) =>
    (e.table.items ?? [])
      .map(
        (n) =>
          `port ${hex(fieldsOf(dbg2Device, n).port_type)}/${hex(fieldsOf(dbg2Device, n).port_subtype)}` +
          `${partOf(namepathPart, n) !== undefined ? ` ${partOf(namepathPart, n)}` : ''}`,
      )
      .join(', '),
}) satisfies TableDef;
