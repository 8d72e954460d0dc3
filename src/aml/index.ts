// A set's definition blocks read together: each DSDT and SSDT decoded into its term tree, method
// calls resolved across all of them, and the namespace they declare.
//
// Reading a call needs its method's argument count, and a method may be declared after a call to
// it, or in another table. So, as iasl's disassembler does, the blocks are read twice: first for
// their declarations only (each Method and External adding its count; method bodies, most of the
// AML, passed over by their PkgLength), then whole, every count known — but for the method bodies,
// which are read when first asked for (the namespace never asks; printing, encoding and diffing do).
import { decodeBlock, type AmlIssue, type Arity, type DecodedBlock } from './decode.js';
import { buildNamespace, type AmlObject } from './namespace.js';
import { termsInOrder, type Term } from './tree.js';

/** One DSDT or SSDT: what to call it, its bytes (the whole table: AML from byte 36), its revision. */
export interface AmlInput {
  table: string;
  bytes: Uint8Array;
  revision: number;
}

export interface AmlBlock {
  table: string;
  terms: Term[];
  issues: AmlIssue[];
}

export interface AmlSet {
  blocks: AmlBlock[];
  namespace: AmlObject[];
}

/** The AML of a definition block starts after the 36-byte table header. */
export const AML_START = 36;

export function readAml(inputs: readonly AmlInput[]): AmlSet {
  const arity: Arity = new Map();
  const end = (t: AmlInput) => Math.max(AML_START, t.bytes.length);
  // first every block's declarations (method bodies passed over), then each block whole, every
  // method's argument count known
  for (const t of inputs) decodeBlock(t.bytes, AML_START, end(t), arity, 'declarations');
  const decoded: DecodedBlock[] = inputs.map((t) => decodeBlock(t.bytes, AML_START, end(t), arity, 'lazy'));
  const blocks = decoded.map((d, i) => ({ table: inputs[i].table, terms: d.terms, issues: d.issues }));
  const namespace = buildNamespace(blocks.map((b, i) => ({ table: b.table, terms: b.terms, revision: inputs[i].revision })));
  return { blocks, namespace };
}

const alone = new WeakMap<object, AmlSet>();

/** One table's block read on its own (its calls resolved within it), once per decoded table: the
 * report's namespace picture and a dump without the rest of its set share it. `key`: the decoded
 * table the bytes are of. */
export function readAmlTable(key: object, input: AmlInput): AmlSet {
  let set = alone.get(key);
  if (!set) alone.set(key, (set = readAml([input])));
  return set;
}

/** Every fault of a block, its method bodies read first (they are read when first asked for), in
 * the order of their offsets. */
export function blockIssues(block: AmlBlock): AmlIssue[] {
  termsInOrder(block.terms);
  return [...block.issues].sort((a, b) => a.at - b.at);
}

export { encodeTerms } from './encode.js';
export type { AmlObject, AmlValue } from './namespace.js';
export type { Term, AmlName } from './tree.js';
