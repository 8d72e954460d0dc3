// The term tree written back as AML, by the grammar OPCODES declares, with the encodings the tree
// kept (PkgLength widths, name forms). PkgLengths are derived from what the package now holds; a
// width too narrow for it (after an edit) grows to the narrowest that fits. Both walks use explicit
// stacks, as the decoder does.
import { BY_CODE, CALL, NAME_REF, NULL_NAME, RAW, opBytes, type ArgKind } from './opcodes.js';
import type { AmlName, Arg, FieldElement, PkgLen, Term } from './tree.js';

/** The largest value a PkgLength of each width holds (1 to 4 bytes). */
const PKG_MAX = [0, 0x3f, 0xfff, 0xfffff, 0xfffffff];

/** The width a PkgLength saying `value` takes (`grows`: the value counts the PkgLength's own bytes):
 * the width it was read with when the value fits. */
function pkgWidth(pkg: PkgLen, value: number, grows: boolean): number {
  let w = pkg.width;
  const total = (x: number) => (grows ? x + value : value);
  while (w < 4 && total(w) > PKG_MAX[w]) w++;
  if (total(w) > PKG_MAX[w]) throw new RangeError(`a PkgLength of ${total(w)} is more than 28 bits can say`);
  return w;
}

/** A PkgLength of `value` in `width` bytes (the reserved bits kept). */
function pkgBytes(value: number, width: number, reserved = 0): number[] {
  if (width === 1) return [value];
  const out = [((width - 1) << 6) | (reserved << 4) | (value & 0x0f)];
  for (let i = 1; i < width; i++) out.push(Math.floor(value / 2 ** (4 + 8 * (i - 1))) & 0xff);
  return out;
}

const nameSize = (n: AmlName) => (n.root ? 1 : n.parents) + (n.form === 'null' ? 1 : n.form === 'seg' ? 4 : n.form === 'dual' ? 9 : 2 + 4 * n.segs.length);

function nameBytes(n: AmlName): number[] {
  const out: number[] = n.root ? [0x5c] : Array<number>(n.parents).fill(0x5e);
  if (n.form === 'null') out.push(0);
  else if (n.form === 'dual') out.push(0x2e);
  else if (n.form === 'multi') out.push(0x2f, n.segs.length);
  for (const s of n.segs) for (let i = 0; i < 4; i++) out.push(s.charCodeAt(i));
  return out;
}

const INT_WIDTH: Partial<Record<ArgKind, number>> = { byte: 1, word: 2, dword: 4, qword: 8 };

function intBytes(v: number | bigint, width: number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return out;
}

/** The grammar a term's arguments follow (without the PkgLength, which is not an argument). */
function grammarOf(t: Term): readonly ArgKind[] {
  if (t.code === CALL) return ['name', ...Array<ArgKind>(t.args.length - 1).fill('term')];
  if (t.code === NAME_REF) return ['name'];
  if (t.code === NULL_NAME) return [];
  if (t.code === RAW) return ['bytes'];
  const def = BY_CODE.get(t.code);
  if (!def) throw new RangeError(`no opcode ${t.code}`);
  return def.args.filter((k) => k !== 'pkg');
}

const opLen = (t: Term) => (t.code === CALL || t.code === NAME_REF || t.code === RAW ? 0 : t.code > 0xff ? 2 : 1);

/** The terms an argument holds, in order. */
function* childTerms(a: Arg): Generator<Term> {
  if (a.t === 'term') yield a.v;
  else if (a.t === 'terms') yield* a.v;
  else if (a.t === 'fields') for (const f of a.v) if (f.t === 'connect') yield f.target;
}

function fieldSize(f: FieldElement, sizes: Map<Term, number>): number {
  switch (f.t) {
    case 'named':
      return 4 + pkgWidth(f.pkg, f.bits, false);
    case 'reserved':
      return 1 + pkgWidth(f.pkg, f.bits, false);
    case 'access':
      return 3;
    case 'extaccess':
      return 4;
    case 'connect':
      return 1 + sizes.get(f.target)!;
    case 'raw':
      return f.bytes.length;
  }
}

function argSize(a: Arg, kind: ArgKind, sizes: Map<Term, number>): number {
  switch (a.t) {
    case 'name':
      return nameSize(a.v);
    case 'int':
      return INT_WIDTH[kind] ?? 0;
    case 'string':
      return a.v.length + 1;
    case 'bytes':
      return a.v.length;
    case 'term':
      return sizes.get(a.v)!;
    case 'terms':
      return a.v.reduce((n, t) => n + sizes.get(t)!, 0);
    case 'fields':
      return a.v.reduce((n, f) => n + fieldSize(f, sizes), 0);
  }
}

/** Each term's encoded size, children before parents; and each packaged term's PkgLength width. */
function sizesOf(roots: readonly Term[]): { sizes: Map<Term, number>; widths: Map<Term, number> } {
  const sizes = new Map<Term, number>();
  const widths = new Map<Term, number>();
  const stack: { t: Term; open: boolean }[] = roots.map((t) => ({ t, open: false })).reverse();
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (!top.open) {
      top.open = true;
      for (const a of top.t.args) for (const c of childTerms(a)) stack.push({ t: c, open: false });
      continue;
    }
    stack.pop();
    const g = grammarOf(top.t);
    const content = top.t.args.reduce((n, a, i) => n + argSize(a, g[i], sizes), 0);
    const w = top.t.pkg ? pkgWidth(top.t.pkg, content, true) : 0;
    if (w) widths.set(top.t, w);
    sizes.set(top.t, opLen(top.t) + w + content);
  }
  return { sizes, widths };
}

/** Field elements' fixed bytes, with a connect's target left to the work stack. */
function fieldItems(f: FieldElement): (number[] | Uint8Array | Term)[] {
  switch (f.t) {
    case 'named': {
      const w = pkgWidth(f.pkg, f.bits, false);
      return [[...[0, 1, 2, 3].map((i) => f.name.charCodeAt(i)), ...pkgBytes(f.bits, w, f.pkg.reserved)]];
    }
    case 'reserved':
      return [[0, ...pkgBytes(f.bits, pkgWidth(f.pkg, f.bits, false), f.pkg.reserved)]];
    case 'access':
      return [[1, f.type, f.attrib]];
    case 'extaccess':
      return [[3, f.type, f.attrib, f.length]];
    case 'connect':
      return [[2], f.target];
    case 'raw':
      return [f.bytes];
  }
}

/** The AML of a list of terms. */
export function encodeTerms(roots: readonly Term[]): Uint8Array {
  const { sizes, widths } = sizesOf(roots);
  const out = new Uint8Array(roots.reduce((n, t) => n + sizes.get(t)!, 0));
  let w = 0;
  const put = (bytes: ArrayLike<number>) => {
    out.set(bytes, w);
    w += bytes.length;
  };
  const stack: (number[] | Uint8Array | Term)[] = [...roots].reverse();
  while (stack.length) {
    const it = stack.pop()!;
    if (!('code' in it)) {
      put(it);
      continue;
    }
    const t = it;
    const items: (number[] | Uint8Array | Term)[] = [];
    if (t.code === NULL_NAME) items.push([0]);
    else if (opLen(t)) items.push(opBytes(t.code));
    if (t.pkg) items.push(pkgBytes(sizes.get(t)! - opLen(t), widths.get(t)!, t.pkg.reserved));
    const g = grammarOf(t);
    t.args.forEach((a, i) => {
      switch (a.t) {
        case 'name':
          items.push(nameBytes(a.v));
          break;
        case 'int':
          items.push(intBytes(a.v, INT_WIDTH[g[i]] ?? 0));
          break;
        case 'string':
          items.push([...Array.from(a.v, (c) => c.charCodeAt(0)), 0]);
          break;
        case 'bytes':
          items.push(a.v);
          break;
        case 'term':
          items.push(a.v);
          break;
        case 'terms':
          for (const x of a.v) items.push(x);
          break;
        case 'fields':
          for (const f of a.v) for (const x of fieldItems(f)) items.push(x);
          break;
      }
    });
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
  }
  return out;
}
