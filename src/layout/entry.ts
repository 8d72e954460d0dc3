// What a walk over a decoded node yields (describe.ts): each field, struct, record or subtable,
// raw run, name and matrix row, with its path, absolute offset, width and label.
import type { Field, Value } from './schema.js';

interface Base {
  path: string;
  offset: number;
  width: number;
  label: string;
}
export interface FieldEntry extends Base {
  kind: 'field';
  field: Field;
  value: Value;
  /** revision of the enclosing table (bits and labels depend on it) */
  revision: number;
  /** length, checksum, or a part's count/offset/size: follows from the rest */
  derived: boolean;
  /** the fields of the record it belongs to (a field rule reads its neighbours) */
  node: Record<string, Value>;
}
export interface GroupEntry extends Base {
  kind: 'group';
  role: 'struct' | 'subtable' | 'record';
  children: Entry[];
  /** a struct's title (dump prints it as the value of the struct's line) */
  title?: string;
}
export interface RawEntry extends Base {
  kind: 'raw';
  role: 'gap' | 'tail' | 'data';
  value: Uint8Array;
}
/** A matrix row (SLIT distances, HMAT entries): cells of cellWidth bytes. */
export interface RowEntry extends Base {
  kind: 'row';
  cells: number[];
  cellWidth: number;
}
export interface StringEntry extends Base {
  kind: 'string';
  value: string;
  terminated: boolean;
}
export type Entry = FieldEntry | GroupEntry | RawEntry | StringEntry | RowEntry;
