// SRAT, ACPI 6.5 §5.2.16: processor (local APIC/SAPIC, x2APIC, GICC), memory, GIC ITS and generic
// initiator affinity structures, each type + 1-byte length. Unknown types are kept raw.
import { layout, u8, u16, u24, u32, u64, bytes, type Bit } from '../layout/schema.js';
import type { ContainerDef, SubtableFamily } from '../layout/codec.js';
import { headerField } from './common.js';

export const SRAT_TYPES: Record<number, string> = {
  0: 'Processor Local APIC/SAPIC Affinity',
  1: 'Memory Affinity',
  2: 'Processor Local x2APIC Affinity',
  3: 'GICC Affinity',
  4: 'GIC ITS Affinity',
  5: 'Generic Initiator Affinity',
  6: 'Generic Port Affinity',
  7: 'RINTC Affinity',
};

export const SRAT_MEMORY = 1;
export const SRAT_GICC = 3;
export const SRAT_ITS = 4;

const typeField = () => u8('type', 'Subtable Type', { enum: SRAT_TYPES });
const lengthField = () => u8('length', 'Length', { derive: 'length' });
const ENABLED: Bit[] = [{ name: 'enabled', label: 'Enabled', bit: 0 }];

const cpuApic = {
  name: 'apic',
  label: 'Processor Local APIC/SAPIC Affinity',
  minLength: 16,
  key: { apic: 'apic_id', eid: 'local_sapic_eid' },
  layout: layout('srat_apic', [
    typeField(), lengthField(),
    u8('proximity_domain_lo', 'Proximity Domain Low(8)'),
    u8('apic_id', 'Apic ID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u8('local_sapic_eid', 'Local Sapic EID'),
    u24('proximity_domain_hi', 'Proximity Domain High(24)'),
    u32('clock_domain', 'Clock Domain'),
  ]),
} satisfies ContainerDef;

export const sratMemory = {
  name: 'memory',
  label: 'Memory Affinity',
  minLength: 40,
  key: { base: 'base_address' },
  layout: layout('srat_memory', [
    typeField(), lengthField(),
    u32('proximity_domain', 'Proximity Domain'),
    u16('reserved', 'Reserved1'),
    u64('base_address', 'Base Address'),
    u64('address_length', 'Address Length'),
    u32('reserved2', 'Reserved2'),
    u32('flags', 'Flags', {
      bits: [
        { name: 'enabled', label: 'Enabled', bit: 0 },
        { name: 'hot_pluggable', label: 'Hot Pluggable', bit: 1 },
        { name: 'non_volatile', label: 'Non-Volatile', bit: 2 },
      ],
    }),
    u64('reserved3', 'Reserved3'),
  ]),
} satisfies ContainerDef;

const x2apic = {
  name: 'x2apic',
  label: 'Processor Local x2APIC Affinity',
  minLength: 24,
  key: { x2apic: 'apic_id' },
  layout: layout('srat_x2apic', [
    typeField(), lengthField(),
    u16('reserved', 'Reserved1'),
    u32('proximity_domain', 'Proximity Domain'),
    u32('apic_id', 'Apic ID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('clock_domain', 'Clock Domain'),
    u32('reserved2', 'Reserved2'),
  ]),
} satisfies ContainerDef;

export const sratGicc = {
  name: 'gicc',
  label: 'GICC Affinity',
  minLength: 18,
  key: { uid: 'acpi_processor_uid' },
  layout: layout('srat_gicc', [
    typeField(), lengthField(),
    u32('proximity_domain', 'Proximity Domain'),
    u32('acpi_processor_uid', 'Acpi Processor UID'),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('clock_domain', 'Clock Domain'),
  ]),
} satisfies ContainerDef;

export const sratIts = {
  name: 'its',
  label: 'GIC ITS Affinity',
  minLength: 12,
  key: { its: 'its_id' },
  layout: layout('srat_its', [
    typeField(), lengthField(),
    u32('proximity_domain', 'Proximity Domain'),
    u16('reserved', 'Reserved'),
    u32('its_id', 'ITS ID'),
  ]),
} satisfies ContainerDef;

const genericInitiator = {
  name: 'generic_initiator',
  label: 'Generic Initiator Affinity',
  minLength: 32,
  key: { domain: 'proximity_domain' },
  layout: layout('srat_generic_initiator', [
    typeField(), lengthField(),
    u8('reserved', 'Reserved1'),
    u8('device_handle_type', 'Device Handle Type'),
    u32('proximity_domain', 'Proximity Domain'),
    bytes('device_handle', 'Device Handle', 16),
    u32('flags', 'Flags', { bits: ENABLED }),
    u32('reserved2', 'Reserved2'),
  ]),
} satisfies ContainerDef;

export const sratFamily: SubtableFamily = {
  lengthOffset: 1,
  lengthWidth: 1,
  headerSize: 2,
  types: new Map<number, ContainerDef>([
    [0, cpuApic],
    [SRAT_MEMORY, sratMemory],
    [2, x2apic],
    [SRAT_GICC, sratGicc],
    [SRAT_ITS, sratIts],
    [5, genericInitiator],
  ]),
  unknown: { name: 'subtable', label: 'Unknown Subtable', tailLabel: 'Subtable data (not decoded)', layout: layout('srat_unknown', [typeField(), lengthField()]) },
};

export const srat = {
  name: 'SRAT',
  label: 'System Resource Affinity Table',
  minLength: 48,
  layout: layout('srat', [headerField(), u32('table_revision', 'Table Revision'), u64('reserved', 'Reserved')]),
  parts: [{ key: 'items', label: 'Subtables', kind: 'subtables', family: sratFamily }],
} satisfies ContainerDef;
