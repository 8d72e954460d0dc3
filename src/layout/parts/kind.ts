// What a part kind knows: how its bytes decode into a Node's part value, how many items and bytes
// that value holds, how it encodes, and how dump and JSON show it. One module per kind implements
// this (records, subtables, strings, string, raw, matrix); index.ts is the one table that
// dispatches to them. The engine's recursion (a record or subtable is a container again) comes in
// as arguments, so the kinds import nothing above themselves.
import type { Json } from '../values.js';
import type { Entry } from '../entry.js';
import type { Fields } from '../schema.js';
import type { ContainerDef, CountField, DecodeCtx, EncodeCtx, LazyPath, Node, PartDef, PartValue } from '../node.js';

/** The part definitions of one kind. */
export type PartOf<K extends PartDef['kind']> = Extract<PartDef, { kind: K }>;

export interface DecodeArgs {
  node: Node;
  ctx: DecodeCtx;
  /** the part's bytes: [from, to) */
  from: number;
  to: number;
  /** its declared item count (rows of a matrix), when a count field or function gives one */
  count: number | undefined;
  /** the container's path, and its start (offsets in messages are from there) */
  path: LazyPath;
  start: number;
  countField?: CountField;
  decodeNode(def: ContainerDef, ctx: DecodeCtx, start: number, end: number, path: LazyPath): Node;
}

export interface DescribeArgs {
  /** absolute offset of the part's first byte, and its size */
  at: number;
  size: number;
  /** the container's path */
  path: string;
  revision: number;
  describeNode(def: ContainerDef, node: Node, base: number, path: string, revision: number): Entry[];
  nodeSize(def: ContainerDef, node: Node): number;
}

/** What diff does with the values of one part on both sides, by their shape: the kind picks. */
export interface DiffOps {
  /** two lists of containers, paired by their keys */
  items(a: readonly Node[], b: readonly Node[]): void;
  /** two lists of scalars compared by position, under `path` ("<part>[i]") */
  list(path: string, a: readonly (string | number)[], b: readonly (string | number)[]): void;
  /** one scalar each side (absent when undefined) */
  value(path: string, a: string | null | undefined, b: string | null | undefined): void;
  bytes(path: string, a: Uint8Array | undefined, b: Uint8Array | undefined): void;
}

export interface PartKind<P extends PartDef> {
  /** decode [from, to) into the node; where the part ended, or undefined when it could not be read */
  decode(part: P, a: DecodeArgs): number | undefined;
  /** items in a value: what its count field holds */
  count(part: P, v: PartValue): number;
  /** bytes the value encodes to (`node` holds the strings part's unterminated name) */
  bytes(part: P, v: PartValue, node: Node | undefined, nodeSize: (def: ContainerDef, n: Node) => number): number;
  encode(part: P, v: PartValue, node: Node, ectx: EncodeCtx, encodeNode: (def: ContainerDef, n: Node, ectx: EncodeCtx) => Uint8Array): Uint8Array[];
  describe(part: P, v: PartValue, node: Node, a: DescribeArgs): Entry[];
  /** the part's value on a node when it is stored other than at its key (the strings part: a node
   * with only an unterminated name has the part, with no whole names) */
  stored?(part: P, node: Node): PartValue | undefined;
  /** does the part exist with these fields, beyond its count and size (a matrix needs columns) */
  present?(part: P, fields: Fields): boolean;
  /** the definitions of the containers it holds (records, every subtable type) */
  nested?(part: P): readonly ContainerDef[];
  /** compare the two sides' values (each undefined where that side lacks the part) */
  diff(part: P, a: { node: Node; value: PartValue | undefined }, b: { node: Node; value: PartValue | undefined }, path: string, ops: DiffOps): void;
  /** the JSON members the part adds to its container's object */
  json(part: P, v: PartValue, node: Node, nodeJson: (def: ContainerDef, n: Node) => Record<string, Json>): [string, Json][];
  /** for list kinds: the definition, path segment and encoded size of one item */
  item?: {
    def(part: P, it: Node): ContainerDef;
    segment(part: P, it: Node): string;
    size(part: P, it: Node, nodeSize: (def: ContainerDef, n: Node) => number): number;
  };
}
