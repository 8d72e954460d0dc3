// A set's definition blocks read together: each DSDT's and SSDT's declarations, method calls
// resolved across all of them, the namespace they declare, and each block's term tree.
//
// Reading a call needs its method's argument count, and a method may be declared after a call to
// it, or in another table. So, as iasl's disassembler does, the blocks are read twice: first for
// their declarations (declarations.ts: the namespace and every Method's and External's count; method
// bodies, most of the AML, passed over by their PkgLength), and a block whose scope-level calls
// read otherwise once every count is known is read again; then whole, into its term tree (decode.ts)
// — when the tree is first asked for (encoding, diffing), and each TermList (a scope's, a device's,
// a method's body) when it is (the namespace never asks). Printing reads the tree for itself, each
// list once as it comes to it, and keeps none of it.
import { decodeBlock, pendingFaults, type DecodedBlock } from './decode.js';
import { readDeclarations, stale } from './declarations.js';
import { joinNamespace, type AmlObject, type BlockSource } from './namespace.js';
import type { Term } from './tree.js';
import { aslText, type AslText, type BlockHeader } from './asl.js';
import type { AmlIssue } from './cursor.js';
import { Names } from './names.js';

/** One DSDT or SSDT: what to call it, its bytes (the whole table: AML from byte 36), its revision. */
export interface AmlInput {
  table: string;
  bytes: Uint8Array;
  revision: number;
}

/** One definition block: what it declares, and its term tree and faults, read when first asked for. */
export class AmlBlock {
  private read: DecodedBlock | undefined = undefined;

  constructor(
    private readonly src: BlockSource,
    /** what the block declares, in order (every Scope and External among them) */
    readonly objects: readonly AmlObject[],
  ) {}

  /** what the caller of readAml named the block */
  get table(): string {
    return this.src.table;
  }

  /** its terms; a method's body is read when first asked for */
  get terms(): Term[] {
    const { bytes, names } = this.src;
    this.read ??= decodeBlock(bytes, AML_START, Math.max(AML_START, bytes.length), names, 'lazy');
    return this.read.terms;
  }

  /** what could not be read, so far: in the lists read and kept (blockIssues reads them all) */
  get issues(): AmlIssue[] {
    void this.terms;
    return this.read!.issues;
  }

  /** Reads every TermList not read yet for its faults, without keeping it. */
  readFaults(): void {
    void this.terms;
    pendingFaults(this.read!.pending);
  }

  /** Its ASL, read for it and not kept (each TermList as the printer comes to it: the printer holds
   * only the lists it is in), with every fault of the block found so, in offset order. */
  asl(header: BlockHeader): AslText & { issues: AmlIssue[] } {
    const { bytes, names } = this.src;
    const top = decodeBlock(bytes, AML_START, Math.max(AML_START, bytes.length), names, 'lazy');
    const text = aslText(header, top.terms, top.issues);
    return { ...text, issues: top.issues.sort(inOrder) };
  }
}

export interface AmlSet {
  blocks: AmlBlock[];
  namespace: AmlObject[];
}

/** The AML of a definition block starts after the 36-byte table header. */
export const AML_START = 36;

export function readAml(inputs: readonly AmlInput[]): AmlSet {
  const names = new Names();
  const sources: BlockSource[] = inputs.map((t) => ({ table: t.table, bytes: t.bytes, revision: t.revision, names }));
  const read = (s: BlockSource) => readDeclarations(s, AML_START, Math.max(AML_START, s.bytes.length));
  // every block's declarations; then again, a block whose calls at scope level would read
  // otherwise with every method known
  const first = sources.map(read);
  const declarations = first.map((d, i) => (stale(d, names) ? read(sources[i]) : d));
  const blocks = sources.map((s, i) => new AmlBlock(s, declarations[i].objects));
  return { blocks, namespace: joinNamespace(declarations.map((d) => d.objects)) };
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

/** Faults in the order of their offsets (two at one offset by their messages: the order reads
 * found them in depends on which lists were read when). */
const inOrder = (a: AmlIssue, b: AmlIssue) => a.at - b.at || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);

/** Every fault of a block, its TermLists read first (they are read when first asked for; those not
 * read yet are not kept), in the order of their offsets. */
export function blockIssues(block: AmlBlock): AmlIssue[] {
  block.readFaults();
  return [...block.issues].sort(inOrder);
}

export { encodeTerms } from './encode.js';
export type { AmlValue } from './namespace.js';
export { AmlObject } from './namespace.js';
export type { Term, AmlName } from './tree.js';
