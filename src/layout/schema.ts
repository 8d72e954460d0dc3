// The declaration layer: every table and subtable layout is written once with these helpers.
// Decoders (binary-parser), encoders (restructure), dump labels, field paths and byte offsets
// are all generated from the same Layout objects.

export type Kind = 'u8' | 'u16' | 'u24' | 'u32' | 'u48' | 'u64' | 'u32be' | 'bytes' | 'ascii' | 'struct';

/** A decoded field value: numbers up to 32 bits, bigint for u64, latin1 strings, raw bytes, nested structs. */
export type Value = number | bigint | string | Uint8Array | Fields;
export interface Fields {
  [name: string]: Value;
}

/** What a presence predicate or a revision-dependent label may look at. */
export interface Gate {
  /** bytes available to the container (declared table or subtable length) */
  length: number;
  /** revision of the nearest container that declares one (its own byte, e.g. an IORT node's),
   * else of the table (header byte 8; RSDP byte 15; FACS byte 32) */
  revision: number;
  /** the value of an earlier top-level field of the same container (0 when it is absent; a name the
   * container does not declare throws, so a renamed field fails the first decode) */
  read?: (name: string) => number;
  /** an unsigned little-endian value at `at` bytes from the container start (0 past its end) */
  peek?: (at: number, width: 1 | 2 | 4) => number;
}

export interface Bit {
  name: string;
  label: string;
  bit: number;
  /** width in bits, default 1 */
  width?: number;
  /** shown only when the enclosing table's revision is at least this (ACPICA gates MADT GICC bits this way) */
  minRevision?: number;
}

/**
 * Fields that are computed at encode time, in one place (layout/codec.ts):
 * - length: total size of the container;
 * - checksum: byte that makes the first `span` bytes (default: whole container) sum to zero.
 * Counts, offsets and sizes of a container's parts are derived too: the part names its fields
 * (PartDef.count/offset/size), and the container definition marks them.
 */
/** length and checksum as ACPI derives them; crc32: the CRC-32 of the container (or its first
 * `span` bytes) with the field itself zero, as the UEFI table header's CRC32 is. */
export type Derive = 'length' | 'checksum' | 'crc32' | 'count' | 'offset' | 'size';

/**
 * The names dump prints after a field's value ("00 [SystemMemory]"): iasl's name array for the
 * field, and the text iasl prints for a value the array does not name (each of its arrays ends with
 * its own: "Unknown Subtable Type", "Unknown Width Encoding"), or a function of the value where that
 * text depends on it (a Space ID: "UserDefinedRegion" from 0x80, else "InvalidSpaceId").
 */
export interface ValueNames {
  readonly names: Readonly<Record<number, string>>;
  readonly other: string | ((value: number) => string);
}
export const valueNames = (names: Readonly<Record<number, string>>, other: ValueNames['other']): ValueNames => ({ names, other });
/** The name dump prints for a value: its own, else the declaration's text for values it does not name. */
export function nameOf(e: ValueNames, value: number): string {
  return Object.hasOwn(e.names, value) ? e.names[value] : typeof e.other === 'string' ? e.other : e.other(value);
}

export interface FieldOptions {
  bits?: Bit[];
  /** the label of the field's own dump line when it has bits and iasl's is not "<label> (decoded
   * below)": "Flags (Decoded Below)" (PCCT, PDTT), "Flags" (NFIT) */
  flagsLabel?: string;
  enum?: ValueNames;
  /** a zero says that the optional part this field places or sizes is absent: dump adds iasl's
   * "[Optional field not present]" (DBG2 OEM data) */
  describesOptional?: true;
  derive?: Derive;
  /** with derive: 'checksum', the number of leading bytes covered (RSDP: 20) */
  span?: number;
  /** presence predicate beyond "fits in the container" (e.g. GTDT rev >= 3) */
  when?: (gate: Gate) => boolean;
  /** past the container's minLength: a shorter container that is still well formed ends before
   * it (a FADT of an older revision, a 76-byte GICC). Optional in FieldsOf, as a `when` field is;
   * test/layout/declare-once.test.ts holds the mark to the minLength. */
  optional?: true;
  /** when `when` fails although the field fits: why the container was read with an older
   * revision's layout, reported as a DECODE_REVISION_LAYOUT warning (undefined: no fallback) */
  fallback?: (gate: Gate) => string | undefined;
  /** label that depends on the table revision (SPCR byte 76: Reserved before rev 3) */
  labelFor?: (gate: Gate) => string;
  /** how dump shows the value: hex (default); `ascii64`: a u64 id (diff adds the text its bytes
   * spell); `guid`: 16 bytes as a GUID; `number`: bytes as the little-endian number they make (iasl's
   * UINT24/UINT56; other bytes are shown as iasl shows a buffer, "01 02 03"); `signature`: a table
   * signature, followed by the table's description as iasl prints it */
  show?: 'hex' | 'ascii64' | 'guid' | 'number' | 'signature';
  /** the physical address of another table (diff --ignore addresses hides changes to it) */
  pointer?: boolean;
  /** a struct's title, shown by dump in place of a value ("Generic Address Structure") */
  title?: string;
  /** the byte offset, from the table start, of an item of the table's part with this key (IORT
   * output references, PPTT parents): re-derived at encode from where that item lands */
  ref?: string;
  /** a rule on this field's value: `check` reports `code` (catalogued by the table's rules) at the
   * field's path and offset with the message `test` returns; `node` is the enclosing record's fields */
  valid?: FieldRule;
}

export interface FieldRule {
  code: string;
  test(value: Value, node: Fields): string | undefined;
}

/** A field of a layout. N and K keep the name and kind as literal types, so a layout declared with
 * them gives typed field access (FieldsOf) and renaming a field is a compile error where it is read. */
export interface Field<N extends string = string, K extends Kind = Kind> extends FieldOptions {
  name: N;
  label: string;
  kind: K;
  size: number;
  struct?: Layout;
}

export interface Layout<F extends readonly Field[] = readonly Field[]> {
  name: string;
  fields: F;
  /** offsets[i] = byte offset of fields[i]; offsets[fields.length] = full size */
  offsets: number[];
  size: number;
  /** some field has a `when` predicate (otherwise presence depends on length alone) */
  gated: boolean;
}

/** The value type a field of kind K decodes to. */
type ValueFor<F> = F extends { kind: 'u64' }
  ? bigint
  : F extends { kind: 'bytes' }
    ? Uint8Array
    : F extends { kind: 'ascii' }
      ? string
      : F extends { kind: 'struct'; struct: infer L }
        ? L extends Layout
          ? FieldsOf<L>
          : Fields
        : number;

/** A field present only when its `when` gate holds (a revision's field): optional in FieldsOf, as
 * a decoded node may lack it. A type-level mark; no such property exists at run time. */
declare const GATED: unique symbol;
export interface Gated {
  readonly [GATED]: true;
}
/** Options with a gate, or past the minimum length: the field they make is marked Gated. */
type GateOptions = FieldOptions & ({ when: (g: Gate) => boolean } | { optional: true });

/** The decoded fields of a layout, typed from its declaration (a layout built from an untyped field
 * list gives the untyped bag); a gated field is optional. */
export type FieldsOf<L> =
  L extends Layout<infer F>
    ? string extends F[number]['name']
      ? Fields
      : { [X in F[number] as X extends Gated ? never : X['name']]: ValueFor<X> } & { [X in F[number] as X extends Gated ? X['name'] : never]?: ValueFor<X> }
    : Fields;

function field<N extends string, K extends Kind>(kind: K, size: number, name: N, label: string, opts: FieldOptions = {}): Field<N, K> {
  return { ...opts, name, label, kind, size };
}

/** The builder of a fixed-size kind: `u32('name', 'Label', { … })`, marked Gated when given `when`. */
function sized<K extends Kind>(kind: K, size: number) {
  function build<N extends string>(name: N, label: string, opts: GateOptions): Field<N, K> & Gated;
  function build<N extends string>(name: N, label: string, opts?: FieldOptions): Field<N, K>;
  function build<N extends string>(name: N, label: string, opts?: FieldOptions): Field<N, K> {
    return field(kind, size, name, label, opts);
  }
  return build;
}
/** The builder of a kind whose size the declaration gives: `bytes('name', 'Label', 6, { … })`. */
function widthOf<K extends Kind>(kind: K) {
  function build<N extends string>(name: N, label: string, size: number, opts: GateOptions): Field<N, K> & Gated;
  function build<N extends string>(name: N, label: string, size: number, opts?: FieldOptions): Field<N, K>;
  function build<N extends string>(name: N, label: string, size: number, opts?: FieldOptions): Field<N, K> {
    return field(kind, size, name, label, opts);
  }
  return build;
}

export const u8 = sized('u8', 1);
export const u16 = sized('u16', 2);
export const u24 = sized('u24', 3);
export const u32 = sized('u32', 4);
export const u48 = sized('u48', 6);
export const u64 = sized('u64', 8);
/** A big-endian u32 (device tree structures). Not derivable: lengths, counts and checksums the
 * engine derives are little-endian, as ACPI and UEFI write them. */
export const u32be = <N extends string>(name: N, label: string, opts?: Omit<FieldOptions, 'derive' | 'when'>) => field('u32be', 4, name, label, opts);
/** Raw bytes kept as they are (reserved areas, opaque blobs). */
export const bytes = widthOf('bytes');
/** Fixed-width text (signatures, OEM ids), decoded as latin1 so every byte survives. */
export const ascii = widthOf('ascii');
export function struct<N extends string, L extends Layout>(name: N, label: string, layout: L, opts: GateOptions): Field<N, 'struct'> & { struct: L } & Gated;
export function struct<N extends string, L extends Layout>(name: N, label: string, layout: L, opts?: FieldOptions): Field<N, 'struct'> & { struct: L };
export function struct<N extends string, L extends Layout>(name: N, label: string, layout: L, opts?: FieldOptions): Field<N, 'struct'> & { struct: L } {
  return { ...field('struct', layout.size, name, label, opts), struct: layout };
}

export function layout<const F extends readonly Field[]>(name: string, fields: F): Layout<F> {
  const offsets: number[] = [];
  let at = 0;
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) throw new Error(`layout ${name}: duplicate field ${f.name}`);
    seen.add(f.name);
    offsets.push(at);
    at += f.size;
  }
  offsets.push(at);
  return { name, fields, offsets, size: at, gated: fields.some((f) => f.when !== undefined) };
}

/**
 * How many leading fields of `l` are present in a container of `gate.length` bytes:
 * a field is present when it fits and its `when` predicate holds; the first absent field
 * ends the prefix (layouts only ever grow at the end, as ACPI revisions do).
 */
export function presentCount(l: Layout, gate: Gate): number {
  if (!l.gated && gate.length >= l.size) return l.fields.length;
  let k = 0;
  for (const f of l.fields) {
    if (l.offsets[k + 1] > gate.length) break;
    if (f.when && !f.when(gate)) break;
    k++;
  }
  return k;
}

export function labelOf(f: Field, gate: Gate): string {
  return f.labelFor ? f.labelFor(gate) : f.label;
}
