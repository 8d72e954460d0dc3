// AML opcodes, ACPI 6.5 §20.2: each declared once with its encoding, its ASL name and the grammar
// of what follows it. The decoder, the encoder, the namespace and the ASL printer read this table
// and name no opcode of their own (but the few the grammar itself defines: names, NullName, the
// method call, bytes that are no term).

/** What follows an opcode, in order (ACPI 6.5 §20.2 names in the comments). */
export type ArgKind =
  /** PkgLength: the term runs to pkg start + length; what follows is read up to there */
  | 'pkg'
  /** NameString */
  | 'name'
  /** ByteData, WordData, DWordData, QWordData */
  | 'byte'
  | 'word'
  | 'dword'
  | 'qword'
  /** AsciiCharList NullChar */
  | 'string'
  /** TermArg, DataRefObject: any term (a name of a method is a call) */
  | 'term'
  /** SuperName, Target: a 0x00 byte is NullName (no target), not Zero; a name of a method is a call
   * (ACPICA's parser reads both alike: psargs.c AcpiPsGetNextArg()) */
  | 'target'
  /** SimpleName: a 0x00 byte is NullName; a name is never a call */
  | 'simple'
  /** Target where the operator stores its result (ACPICA's ARGP_TARGET, read as 'target'): an ASL 2.0
   * assignment `x = (a + b)` compiles into this slot */
  | 'result'
  /** TermList: terms to the package end */
  | 'terms'
  /** PackageElementList: terms (a name is a reference, never a call) to the package end */
  | 'elements'
  /** ByteList: the bytes to the package end */
  | 'bytes'
  /** FieldList: field elements to the package end */
  | 'fields';

/** The kinds of object the namespace holds (what the declaring opcode makes). */
export type ObjectKind =
  | 'Scope'
  | 'Device'
  | 'Processor'
  | 'PowerResource'
  | 'ThermalZone'
  | 'Method'
  | 'Name'
  | 'OperationRegion'
  | 'DataRegion'
  | 'Field'
  | 'BankField'
  | 'IndexField'
  | 'Mutex'
  | 'Event'
  | 'Alias'
  | 'CreateField'
  | 'External';

export interface OpDef {
  /** the opcode: one byte, or 0x5B00 | the second byte of an extended opcode */
  code: number;
  /** its ASL operator (ASL 1.0 name) */
  asl: string;
  args: readonly ArgKind[];
  /** the object it declares, and which of its args is the declared name */
  declares?: { kind: ObjectKind; arg: number };
  /** the term opens a scope named by its first name argument (Scope, Device, Method, …) */
  scope?: true;
}

const EXT = 0x5b00;

const op = (code: number, asl: string, args: ArgKind[] = [], more: Partial<OpDef> = {}): OpDef => ({ code, asl, args, ...more });
const decl = (kind: ObjectKind, arg = 0, scope = false): Partial<OpDef> => ({ declares: { kind, arg }, ...(scope ? { scope: true } : {}) });
/** TermArg, TermArg, Target: Add(a, b, r) and its kin */
const BINARY: ArgKind[] = ['term', 'term', 'result'];

/** Every opcode of ACPI 6.5 §20.2 (the name prefixes, digits and letters excepted: they start names). */
export const OPCODES: readonly OpDef[] = [
  // §20.2.3 data objects
  op(0x00, 'Zero'),
  op(0x01, 'One'),
  op(0xff, 'Ones'),
  op(0x0a, 'BytePrefix', ['byte']),
  op(0x0b, 'WordPrefix', ['word']),
  op(0x0c, 'DWordPrefix', ['dword']),
  op(0x0e, 'QWordPrefix', ['qword']),
  op(0x0d, 'StringPrefix', ['string']),
  op(EXT | 0x30, 'Revision'),
  op(0x11, 'Buffer', ['pkg', 'term', 'bytes']),
  op(0x12, 'Package', ['pkg', 'byte', 'elements']),
  op(0x13, 'VarPackage', ['pkg', 'term', 'elements']),
  // §20.2.5.1 namespace modifiers
  op(0x06, 'Alias', ['name', 'name'], decl('Alias', 1)),
  op(0x08, 'Name', ['name', 'term'], decl('Name')),
  op(0x10, 'Scope', ['pkg', 'name', 'terms'], decl('Scope', 0, true)),
  // §20.2.5.2 named objects
  op(EXT | 0x87, 'BankField', ['pkg', 'name', 'name', 'term', 'byte', 'fields']),
  op(0x8d, 'CreateBitField', ['term', 'term', 'name'], decl('CreateField', 2)),
  op(0x8c, 'CreateByteField', ['term', 'term', 'name'], decl('CreateField', 2)),
  op(0x8a, 'CreateDWordField', ['term', 'term', 'name'], decl('CreateField', 2)),
  op(EXT | 0x13, 'CreateField', ['term', 'term', 'term', 'name'], decl('CreateField', 3)),
  op(0x8f, 'CreateQWordField', ['term', 'term', 'name'], decl('CreateField', 2)),
  op(0x8b, 'CreateWordField', ['term', 'term', 'name'], decl('CreateField', 2)),
  op(EXT | 0x88, 'DataTableRegion', ['name', 'term', 'term', 'term'], decl('DataRegion')),
  op(0x15, 'External', ['name', 'byte', 'byte'], decl('External')),
  op(EXT | 0x80, 'OperationRegion', ['name', 'byte', 'term', 'term'], decl('OperationRegion')),
  op(EXT | 0x84, 'PowerResource', ['pkg', 'name', 'byte', 'word', 'terms'], decl('PowerResource', 0, true)),
  op(EXT | 0x83, 'Processor', ['pkg', 'name', 'byte', 'dword', 'byte', 'terms'], decl('Processor', 0, true)),
  op(EXT | 0x85, 'ThermalZone', ['pkg', 'name', 'terms'], decl('ThermalZone', 0, true)),
  op(EXT | 0x82, 'Device', ['pkg', 'name', 'terms'], decl('Device', 0, true)),
  op(EXT | 0x02, 'Event', ['name'], decl('Event')),
  op(EXT | 0x81, 'Field', ['pkg', 'name', 'byte', 'fields']),
  op(EXT | 0x86, 'IndexField', ['pkg', 'name', 'name', 'byte', 'fields']),
  op(0x14, 'Method', ['pkg', 'name', 'byte', 'terms'], decl('Method', 0, true)),
  op(EXT | 0x01, 'Mutex', ['name', 'byte'], decl('Mutex')),
  // §20.2.5.3 statements
  op(0xa5, 'Break'),
  op(0xcc, 'BreakPoint'),
  op(0x9f, 'Continue'),
  op(0xa1, 'Else', ['pkg', 'terms']),
  op(EXT | 0x32, 'Fatal', ['byte', 'dword', 'term']),
  op(0xa0, 'If', ['pkg', 'term', 'terms']),
  op(0xa3, 'Noop'),
  op(0x86, 'Notify', ['target', 'term']),
  op(EXT | 0x27, 'Release', ['target']),
  op(EXT | 0x26, 'Reset', ['target']),
  op(0xa4, 'Return', ['term']),
  op(EXT | 0x24, 'Signal', ['target']),
  op(EXT | 0x22, 'Sleep', ['term']),
  op(EXT | 0x21, 'Stall', ['term']),
  op(0xa2, 'While', ['pkg', 'term', 'terms']),
  // §20.2.5.4 expressions
  op(EXT | 0x23, 'Acquire', ['target', 'word']),
  op(0x72, 'Add', BINARY),
  op(0x7b, 'And', BINARY),
  op(0x73, 'Concatenate', BINARY),
  op(0x84, 'ConcatenateResTemplate', BINARY),
  op(EXT | 0x12, 'CondRefOf', ['simple', 'result']),
  op(0x9d, 'CopyObject', ['term', 'simple']),
  op(0x76, 'Decrement', ['target']),
  op(0x83, 'DerefOf', ['target']),
  op(0x78, 'Divide', ['term', 'term', 'result', 'result']),
  op(0x81, 'FindSetLeftBit', ['term', 'result']),
  op(0x82, 'FindSetRightBit', ['term', 'result']),
  op(EXT | 0x28, 'FromBCD', ['term', 'result']),
  op(0x75, 'Increment', ['target']),
  op(0x88, 'Index', BINARY),
  op(0x90, 'LAnd', ['term', 'term']),
  op(0x93, 'LEqual', ['term', 'term']),
  op(0x94, 'LGreater', ['term', 'term']),
  op(0x95, 'LLess', ['term', 'term']),
  op(0x92, 'LNot', ['term']),
  op(EXT | 0x20, 'Load', ['name', 'target']),
  op(EXT | 0x1f, 'LoadTable', ['term', 'term', 'term', 'term', 'term', 'term']),
  op(0x91, 'LOr', ['term', 'term']),
  op(0x89, 'Match', ['term', 'byte', 'term', 'byte', 'term', 'term']),
  op(0x9e, 'Mid', ['term', 'term', 'term', 'result']),
  op(0x85, 'Mod', BINARY),
  op(0x77, 'Multiply', BINARY),
  op(0x7c, 'NAnd', BINARY),
  op(0x7e, 'NOr', BINARY),
  op(0x80, 'Not', ['term', 'result']),
  op(0x8e, 'ObjectType', ['simple']),
  op(0x7d, 'Or', BINARY),
  op(0x71, 'RefOf', ['simple']),
  op(0x79, 'ShiftLeft', BINARY),
  op(0x7a, 'ShiftRight', BINARY),
  op(0x87, 'SizeOf', ['target']),
  op(0x70, 'Store', ['term', 'target']),
  op(0x74, 'Subtract', BINARY),
  op(EXT | 0x33, 'Timer'),
  op(EXT | 0x29, 'ToBCD', ['term', 'result']),
  op(EXT | 0x2a, 'Unload', ['target']),
  op(0x96, 'ToBuffer', ['term', 'result']),
  op(0x97, 'ToDecimalString', ['term', 'result']),
  op(0x98, 'ToHexString', ['term', 'result']),
  op(0x99, 'ToInteger', ['term', 'result']),
  op(0x9c, 'ToString', ['term', 'term', 'result']),
  op(EXT | 0x25, 'Wait', ['target', 'term']),
  op(0x7f, 'XOr', BINARY),
  // §20.2.6 miscellaneous objects
  ...Array.from({ length: 8 }, (_x, i) => op(0x60 + i, `Local${i}`)),
  ...Array.from({ length: 7 }, (_x, i) => op(0x68 + i, `Arg${i}`)),
  op(EXT | 0x31, 'Debug'),
];

/** Opcodes by code. */
export const BY_CODE: ReadonlyMap<number, OpDef> = new Map(OPCODES.map((o) => [o.code, o]));
export const EXT_PREFIX = 0x5b;

/** The bytes an opcode is written as. */
export const opBytes = (code: number): number[] => (code > 0xff ? [EXT_PREFIX, code & 0xff] : [code]);

/** The three terms that are not opcodes of the table: a name (a reference, or a method call with
 * the arguments its declaration says), NullName in a Target, and bytes that could not be read as
 * terms (kept as they are). */
export const NAME_REF = -1;
export const CALL = -2;
export const NULL_NAME = -3;
export const RAW = -4;

/** The bytes a NameString starts with: a lead name character, `\`, `^`, DualNamePrefix, MultiNamePrefix. */
export const startsName = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || b === 0x5f || b === 0x5c || b === 0x5e || b === 0x2e || b === 0x2f;

/** Field list elements (§20.2.5.2 FieldElement): their lead bytes. */
export const FIELD_RESERVED = 0x00;
export const FIELD_ACCESS = 0x01;
export const FIELD_CONNECT = 0x02;
export const FIELD_EXT_ACCESS = 0x03;

/** ExternalOp's ObjectType for a method (ACPI 6.5 §19.6.45, Table 19.33). */
export const OBJECT_TYPE_METHOD = 8;
