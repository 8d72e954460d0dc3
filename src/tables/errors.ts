// The error tables beside HEST, ACPI 6.5 §18: BERT (the boot error region), EINJ (error injection)
// and ERST (error record serialization) — EINJ and ERST are lists of 32-byte instruction entries
// that each act on a register described by a Generic Address Structure.
import type { TableDef } from '../model/rules.js';
import { layout, u8, u24, u32, u64, type Field, valueNames, type ValueNames } from '../layout/schema.js';
import { fieldsOf, type ContainerDef, type Node } from '../layout/codec.js';
import { headerField, gasField, gasRange, rangeAt } from './common.js';

export const bertLayout = layout('bert', [headerField(), u32('region_length', 'Boot Error Region Length'), u64('region_address', 'Boot Error Region Address')]);

export const bert = {
  name: 'BERT',
  label: 'Boot Error Record Table',
  minLength: 48,
  layout: bertLayout,
  regions: (t) => {
    const f = fieldsOf({ layout: bertLayout }, t);
    return rangeAt(f.region_address, BigInt(f.region_length ?? 0), 'BERT boot error region', { memory: true });
  },
} satisfies TableDef;

export const EINJ_ACTIONS = valueNames(
  {
    0: 'Begin Operation',
    1: 'Get Trigger Table',
    2: 'Set Error Type',
    3: 'Get Error Type',
    4: 'End Operation',
    5: 'Execute Operation',
    6: 'Check Busy Status',
    7: 'Get Command Status',
    8: 'Set Error Type With Address',
    9: 'Get Execute Timings',
    // 0xFF (TRIGGER_ERROR) belongs to the trigger action table GET_TRIGGER_TABLE points at, not to
    // the EINJ itself: iasl has no name for it here
  },
  'Unknown Action',
);
export const EINJ_INSTRUCTIONS = valueNames(
  {
    0: 'Read Register',
    1: 'Read Register Value',
    2: 'Write Register',
    3: 'Write Register Value',
    4: 'Noop',
    5: 'Flush Cacheline',
  },
  'Unknown Instruction',
);
export const ERST_ACTIONS = valueNames(
  {
    0: 'Begin Write Operation',
    1: 'Begin Read Operation',
    2: 'Begin Clear Operation',
    3: 'End Operation',
    4: 'Set Record Offset',
    5: 'Execute Operation',
    6: 'Check Busy Status',
    7: 'Get Command Status',
    8: 'Get Record Identifier',
    9: 'Set Record Identifier',
    10: 'Get Record Count',
    11: 'Begin Dummy Write',
    12: 'Unused/Unknown Action',
    13: 'Get Error Address Range',
    14: 'Get Error Address Length',
    15: 'Get Error Attributes',
    16: 'Execute Timings',
  },
  'Unknown Action',
);
export const ERST_INSTRUCTIONS = valueNames(
  {
    0: 'Read Register',
    1: 'Read Register Value',
    2: 'Write Register',
    3: 'Write Register Value',
    4: 'Noop',
    5: 'Load Var1',
    6: 'Load Var2',
    7: 'Store Var1',
    8: 'Add',
    9: 'Subtract',
    10: 'Add Value',
    11: 'Subtract Value',
    12: 'Stall',
    13: 'Stall While True',
    14: 'Skip Next If True',
    15: 'GoTo',
    16: 'Set Source Address',
    17: 'Set Destination Address',
    18: 'Move Data',
  },
  'Unknown Instruction',
);

const instruction = (name: string, actions: ValueNames, instructions: ValueNames): ContainerDef => ({
  name: 'entry',
  label: 'Instruction Entry',
  layout: layout(name, [
    u8('action', 'Action', { enum: actions }),
    u8('instruction', 'Instruction', { enum: instructions }),
    u8('flags', 'Flags', { bits: [{ name: 'preserve', label: 'Preserve Register Bits', bit: 0 }] }),
    u8('reserved', 'Reserved'),
    gasField('register', 'Register Region'),
    u64('value', 'Value'),
    u64('mask', 'Mask'),
  ]),
});

const entriesTable = (sig: string, label: string, fields: Field[], entry: ContainerDef): TableDef => ({
  name: sig,
  label,
  minLength: 36 + fields.reduce((n, f) => n + f.size, 0),
  layout: layout(sig.toLowerCase(), [headerField(), ...fields]),
  parts: [{ key: 'items', label: 'Entries', kind: 'records', record: entry, count: 'entry_count' }],
  // the action registers are the firmware's mailbox, usually in memory it reserves
  regions: (t: Node) => (t.items ?? []).flatMap((e, i) => gasRange(e.fields.register, `${sig}.entry[${i}].register`, undefined, { memory: true })),
});

export const einj = entriesTable(
  'EINJ',
  'Error Injection table',
  [u32('header_length', 'Injection Header Length'), u8('flags', 'Flags'), u24('reserved', 'Reserved'), u32('entry_count', 'Injection Entry Count')],
  instruction('einj_entry', EINJ_ACTIONS, EINJ_INSTRUCTIONS),
);

export const erst = entriesTable(
  'ERST',
  'Error Record Serialization Table',
  [u32('header_length', 'Serialization Header Length'), u32('reserved', 'Reserved'), u32('entry_count', 'Instruction Entry Count')],
  instruction('erst_entry', ERST_ACTIONS, ERST_INSTRUCTIONS),
);
