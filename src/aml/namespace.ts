// The namespace a set's definition blocks declare, built from their term trees without executing
// anything: each object's absolute path, kind, the table and byte offset that declared it, a
// method's argument count and flags, a region's space and constant offset and length, and a Name's
// constant value. Objects declared under If/Else/While at scope level are in it, marked
// conditional; objects declared inside a method body are the method's own, and are not.
import { BY_CODE, CALL, NAME_REF, OBJECT_TYPE_METHOD, RAW, type ObjectKind } from './opcodes.js';
import { decodeResourceTemplate, type ResourceTemplate } from './resources.js';
import { resolveFrom, trimSeg, type AmlName, type Path, type Term } from './tree.js';

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

export interface AmlObject {
  /** its absolute path as ASL writes it (`\_SB.PCI0._HID`) */
  path: string;
  /** its segments from the root, as stored (four characters each) */
  segs: Path;
  kind: NamespaceKind;
  /** the table that declared it (as the caller names it) and the declaring term's table offset */
  table: string;
  offset: number;
  conditional?: true;
  /** Method: argument count, SerializeRule and SyncLevel */
  args?: number;
  serialized?: boolean;
  syncLevel?: number;
  /** External: the object type it declares and, for a method, its argument count */
  objectType?: number;
  /** Name */
  value?: AmlValue;
  /** OperationRegion: its space, and offset and length where they are constants */
  space?: number;
  regionOffset?: bigint;
  regionLength?: bigint;
  /** the declaring term */
  term?: Term;
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

/** One definition block to put in the namespace: its terms, what to call it, its revision. */
export interface Block {
  table: string;
  terms: readonly Term[];
  /** the table header's revision: below 2, integers are 32 bits (ACPI 6.5 §5.2.11.1) */
  revision: number;
}

/**
 * The objects the blocks declare, in the order they are declared (block by block). A Scope whose
 * target no block declares (the predefined `\_SB`, `\_GPE`, …) is in it as kind Scope, once; an
 * External whose object a block declares is left out.
 */
export function buildNamespace(blocks: readonly Block[]): AmlObject[] {
  const out: AmlObject[] = [];
  const scopes: AmlObject[] = [];
  for (const blk of blocks) {
    const ones = blk.revision < 2 ? 0xffffffffn : 0xffffffffffffffffn;
    const stack: { terms: readonly Term[]; i: number; scope: Path; conditional: boolean }[] = [{ terms: blk.terms, i: 0, scope: [], conditional: false }];
    while (stack.length) {
      const f = stack[stack.length - 1];
      if (f.i >= f.terms.length) {
        stack.pop();
        continue;
      }
      const t = f.terms[f.i++];
      const def = BY_CODE.get(t.code);
      if (!def) continue;
      const add = (segs: Path, kind: NamespaceKind, more: Partial<AmlObject> = {}) => {
        const o: AmlObject = {
          path: pathString(segs),
          segs,
          kind,
          table: blk.table,
          offset: t.at,
          ...(f.conditional ? { conditional: true } : {}),
          term: t,
          ...more,
        };
        (kind === 'Scope' ? scopes : out).push(o);
        return o;
      };
      const body = t.args.find((a) => a.t === 'terms');
      if (def.declares) {
        const a = t.args[def.declares.arg];
        if (a?.t !== 'name') continue;
        const segs = resolveFrom(f.scope, a.v);
        const kind = def.declares.kind;
        const int = (i: number) => {
          const x = t.args[i];
          return x?.t === 'int' ? Number(x.v) : 0;
        };
        if (kind === 'Method') {
          const flags = int(1);
          add(segs, kind, { args: flags & 7, serialized: (flags & 8) !== 0, syncLevel: flags >> 4 });
          continue; // its body declares the method's own objects
        }
        if (kind === 'Name') {
          const v = t.args[1];
          add(segs, kind, v?.t === 'term' ? { value: constantOf(v.v, ones) } : {});
        } else if (kind === 'External') {
          add(segs, kind, { objectType: int(1), ...(int(1) === OBJECT_TYPE_METHOD ? { args: int(2) } : {}) });
        } else if (kind === 'OperationRegion') {
          const num = (x: (typeof t.args)[number] | undefined) => {
            const c = x?.t === 'term' ? constantOf(x.v, ones) : undefined;
            return c?.type === 'integer' ? c.value : undefined;
          };
          const [o, l] = [num(t.args[2]), num(t.args[3])];
          add(segs, kind, { space: int(1), ...(o !== undefined ? { regionOffset: o } : {}), ...(l !== undefined ? { regionLength: l } : {}) });
        } else add(segs, kind);
        if (def.scope && body?.t === 'terms') stack.push({ terms: body.v, i: 0, scope: segs, conditional: f.conditional });
        continue;
      }
      const fields = t.args.find((a) => a.t === 'fields');
      if (fields?.t === 'fields') {
        for (const e of fields.v) if (e.t === 'named') add([...f.scope, e.name], 'FieldUnit', { offset: e.at });
        continue;
      }
      // If, Else, While at scope level: what they declare is there only when the condition holds
      if (def.args[0] === 'pkg' && body?.t === 'terms') stack.push({ terms: body.v, i: 0, scope: f.scope, conditional: true });
    }
  }
  const declared = new Set(out.filter((o) => o.kind !== 'External').map((o) => o.segs.join('.')));
  const seen = new Set<string>();
  const predefined = scopes.filter((s) => {
    const k = s.segs.join('.');
    if (declared.has(k) || seen.has(k) || !s.segs.length) return false;
    seen.add(k);
    return true;
  });
  return [...predefined, ...out.filter((o) => o.kind !== 'External' || !declared.has(o.segs.join('.')))];
}
