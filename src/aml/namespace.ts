// The namespace a set's definition blocks declare, as their declarations reader finds it, nothing
// executed: each object's absolute path, kind, the table and byte offset that declared it, a
// method's argument count and flags, a region's space and constant offset and length, and a Name's
// constant value. Objects declared under If/Else/While at scope level are in it, marked
// conditional; objects declared inside a method body are the method's own, and are not.
import { BY_CODE, CALL, NAME_REF, OBJECT_TYPE_METHOD, RAW, type ObjectKind } from './opcodes.js';
import { decodeBlock } from './decode.js';
import type { Names } from './names.js';
import { decodeResourceTemplate, type ResourceTemplate } from './resources.js';
import { trimSeg, type AmlName, type Path, type Term } from './tree.js';

/** A constant value, as a Name holds it. */
export type AmlValue =
  | { type: 'integer'; value: bigint }
  | { type: 'string'; value: string }
  /** `resources`: the descriptors, when the bytes are a resource template (ACPI 6.5 §6.4) and the
   * declared size is their count, as iasl -d reads one */
  | { type: 'buffer'; size: number | undefined; bytes: Uint8Array; resources?: ResourceTemplate }
  | { type: 'package'; count: number | undefined; elements: AmlValue[] }
  /** a name in a package: a reference to the object it names */
  | { type: 'reference'; name: string }
  /** anything computed: not a constant */
  | { type: 'expression'; op: string };

export type NamespaceKind = ObjectKind | 'FieldUnit';

/** The block an object was declared in: what it is called, its bytes, its revision, and the
 * names its calls were read with (shared by the set's blocks). */
export interface BlockSource {
  table: string;
  bytes: Uint8Array;
  /** the table header's revision: below 2, integers are 32 bits (ACPI 6.5 §5.2.11.1) */
  revision: number;
  names: Names;
}

/**
 * One object of the namespace. Its path, and what needs its declaring term read (a Name's value, a
 * region's offset and length, the term itself), are worked out when first asked for: the namespace
 * of a server's DSDT holds tens of thousands of objects most uses never look into.
 */
export class AmlObject {
  /** what was worked out when first asked for */
  private known: { path?: string; term?: { term: Term | undefined }; value?: { value: AmlValue | undefined } } | undefined = undefined;

  constructor(
    /** its node among the set's names */
    readonly node: number,
    readonly kind: NamespaceKind,
    /** the declaring term's table offset (a field unit's: its element's), where the term ends, and
     * the node of the scope it is in */
    readonly offset: number,
    private readonly termEnd: number,
    private readonly scope: number,
    private readonly src: BlockSource,
    /** bit 16: declared under If/Else/While; bits 0-7, 8-15: a Method's flags byte, an External's
     * object type and argument count, an OperationRegion's space */
    private readonly facts: number,
  ) {}

  /** whether it is declared under If/Else/While at scope level (there only when the condition holds) */
  get conditional(): true | undefined {
    return this.facts & 0x10000 ? true : undefined;
  }

  /** Method: argument count, SerializeRule and SyncLevel (External: a method's argument count) */
  get args(): number | undefined {
    const a = this.facts & 0xff;
    return this.kind === 'Method' ? a & 7 : this.kind === 'External' && a === OBJECT_TYPE_METHOD ? (this.facts >> 8) & 0xff : undefined;
  }

  get serialized(): boolean | undefined {
    return this.kind === 'Method' ? (this.facts & 8) !== 0 : undefined;
  }

  get syncLevel(): number | undefined {
    return this.kind === 'Method' ? (this.facts & 0xff) >> 4 : undefined;
  }

  /** External: the object type it declares */
  get objectType(): number | undefined {
    return this.kind === 'External' ? this.facts & 0xff : undefined;
  }

  /** OperationRegion: its space */
  get space(): number | undefined {
    return this.kind === 'OperationRegion' ? this.facts & 0xff : undefined;
  }

  /** the table that declared it (as the caller of readAml names it) */
  get table(): string {
    return this.src.table;
  }

  /** its segments from the root, as stored */
  get segs(): Path {
    return this.src.names.segments(this.node);
  }

  /** its absolute path as ASL writes it (`\_SB.PCI0._HID`) */
  get path(): string {
    const k = (this.known ??= {});
    return (k.path ??= pathString(this.segs));
  }

  /** the declaring term, read on its own (a field unit has none of its own) */
  get term(): Term | undefined {
    const k = (this.known ??= {});
    if (!k.term) {
      const { bytes, names } = this.src;
      const terms =
        this.termEnd > this.offset ? decodeBlock(bytes, this.offset, this.termEnd, names, 'lazy', { scope: this.scope, issues: [], pending: [] }).terms : [];
      k.term = { term: terms[0] };
    }
    return k.term.term;
  }

  /** a Name's constant value */
  get value(): AmlValue | undefined {
    const k = (this.known ??= {});
    if (!k.value) {
      const v = this.kind === 'Name' ? this.term?.args[1] : undefined;
      k.value = { value: v?.t === 'term' ? constantOf(v.v, this.ones()) : undefined };
    }
    return k.value.value;
  }

  /** a Method's result when its body is one Return of a constant (as firmware often writes `_STA`) */
  get returns(): AmlValue | undefined {
    if (this.kind !== 'Method') return undefined;
    const body = this.term?.args.find((a) => a.t === 'terms');
    if (body?.t !== 'terms' || body.v.length !== 1) return undefined;
    const [ret] = body.v;
    const x = ret.args[0];
    if (BY_CODE.get(ret.code)?.asl !== 'Return' || x?.t !== 'term') return undefined;
    const v = constantOf(x.v, this.ones());
    return v.type === 'expression' ? undefined : v;
  }

  /** an OperationRegion's offset and length, where they are constants */
  get regionOffset(): bigint | undefined {
    return this.regionArg(2);
  }

  get regionLength(): bigint | undefined {
    return this.regionArg(3);
  }

  private regionArg(i: number): bigint | undefined {
    if (this.kind !== 'OperationRegion') return undefined;
    const x = this.term?.args[i];
    const c = x?.t === 'term' ? constantOf(x.v, this.ones()) : undefined;
    return c?.type === 'integer' ? c.value : undefined;
  }

  private ones(): bigint {
    return this.src.revision < 2 ? 0xffffffffn : 0xffffffffffffffffn;
  }
}

/** An absolute path as ASL writes it. */
export const pathString = (segs: Path): string => '\\' + segs.map(trimSeg).join('.');

const ASL = (t: Term) =>
  BY_CODE.get(t.code)?.asl ?? (t.code === CALL ? 'MethodCall' : t.code === NAME_REF ? 'NamePath' : t.code === RAW ? 'Raw' : `0x${t.code.toString(16)}`);

/** A name as it reads where it was written (a reference in a package keeps its spelling). */
const spelled = (n: AmlName) => (n.root ? '\\' : '^'.repeat(n.parents)) + n.segs.map(trimSeg).join('.');

/** How deep a value's packages may nest before the rest is left as an expression (no firmware
 * nests packages more than a few levels; a hostile block may nest thousands). */
export const VALUE_DEPTH = 32;

/** The constant a term is, when it is one. `ones`: what Ones is in this table (32 or 64 bits). */
export function constantOf(t: Term, ones: bigint, depth = 0): AmlValue {
  const a0 = t.args[0];
  switch (ASL(t)) {
    case 'Zero':
      return { type: 'integer', value: 0n };
    case 'One':
      return { type: 'integer', value: 1n };
    case 'Ones':
      return { type: 'integer', value: ones };
    case 'BytePrefix':
    case 'WordPrefix':
    case 'DWordPrefix':
    case 'QWordPrefix':
      return { type: 'integer', value: BigInt(a0.t === 'int' ? a0.v : 0) };
    case 'StringPrefix':
      return { type: 'string', value: a0.t === 'string' ? a0.v : '' };
    case 'Buffer': {
      const size = a0.t === 'term' && depth < VALUE_DEPTH ? constantOf(a0.v, ones, depth + 1) : undefined;
      const bytes = t.args[1]?.t === 'bytes' ? t.args[1].v : new Uint8Array();
      const n = size?.type === 'integer' ? Number(size.value) : undefined;
      // the descriptors are read when first asked for (the namespace of a server's DSDT holds
      // thousands of _CRS templates that most uses never look into)
      let resources: ResourceTemplate | undefined | null = null;
      return {
        type: 'buffer',
        size: n,
        bytes,
        get resources(): ResourceTemplate | undefined {
          if (resources === null) resources = n === bytes.length ? decodeResourceTemplate(bytes) : undefined;
          return resources;
        },
      };
    }
    case 'Package':
    case 'VarPackage': {
      if (depth >= VALUE_DEPTH) return { type: 'expression', op: `${ASL(t)} nested more than ${VALUE_DEPTH} deep` };
      const count = a0.t === 'int' ? Number(a0.v) : a0.t === 'term' && depth < VALUE_DEPTH ? constantOf(a0.v, ones, depth + 1) : undefined;
      const list = t.args[1]?.t === 'terms' ? t.args[1].v : [];
      return {
        type: 'package',
        count: typeof count === 'number' ? count : count?.type === 'integer' ? Number(count.value) : undefined,
        elements: list.map((e) =>
          e.code === NAME_REF && e.args[0].t === 'name' ? { type: 'reference', name: spelled(e.args[0].v) } : constantOf(e, ones, depth + 1),
        ),
      };
    }
    default:
      return { type: 'expression', op: ASL(t) };
  }
}

/**
 * The namespace of a set's blocks from what each declares, in declaration order (block by block).
 * A Scope whose target no block declares (the predefined `\_SB`, `\_GPE`, …) is in it as kind
 * Scope, once, first; the other Scopes are left out, as is an External whose object a block
 * declares.
 */
export function joinNamespace(blocks: readonly (readonly AmlObject[])[]): AmlObject[] {
  let nodes = 0;
  for (const rows of blocks) for (const o of rows) nodes = Math.max(nodes, o.node + 1);
  // for each node: 1, declared by an object that is no Scope or External; 2, a Scope listed
  const marks = new Uint8Array(nodes);
  for (const rows of blocks) for (const o of rows) if (o.kind !== 'External' && o.kind !== 'Scope') marks[o.node] = 1;
  const out: AmlObject[] = [];
  for (const rows of blocks)
    for (const o of rows)
      if (o.kind === 'Scope' && o.node && !marks[o.node]) {
        marks[o.node] = 2;
        out.push(o);
      }
  for (const rows of blocks) for (const o of rows) if (o.kind !== 'Scope' && (o.kind !== 'External' || marks[o.node] !== 1)) out.push(o);
  return out;
}
