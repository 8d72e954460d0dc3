// The AML term tree: what a definition block holds, term by term, with every choice of encoding the
// bytes made kept (PkgLength widths, name forms, integer prefixes), so that encoding the tree gives
// back the bytes it was read from.

/** A NameString (ACPI 6.5 §20.2.2) as written: `\` or a number of `^`, then its segments in one of
 * the four forms (one NameSeg, DualNamePrefix, MultiNamePrefix with its count, NullName). */
export interface AmlName {
  root: boolean;
  parents: number;
  segs: string[];
  form: 'seg' | 'dual' | 'multi' | 'null';
}

/** A PkgLength as written: how many bytes it took (1-4); `reserved` keeps bits 4-5 of a multi-byte
 * lead byte, which should be 0. */
export interface PkgLen {
  width: number;
  reserved?: number;
}

/** One element of a field list (§20.2.5.2 FieldElement). `bits`: the PkgLength's value. */
export type FieldElement =
  | { t: 'named'; at: number; name: string; bits: number; pkg: PkgLen }
  | { t: 'reserved'; at: number; bits: number; pkg: PkgLen }
  | { t: 'access'; at: number; type: number; attrib: number }
  | { t: 'extaccess'; at: number; type: number; attrib: number; length: number }
  | { t: 'connect'; at: number; target: Term }
  /** bytes of the list that could not be read as elements */
  | { t: 'raw'; at: number; bytes: Uint8Array };

/** One argument of a term, as its opcode's grammar lists it. */
export type Arg =
  | { t: 'name'; v: AmlName }
  | { t: 'int'; v: number | bigint }
  | { t: 'string'; v: string }
  | { t: 'term'; v: Term }
  | { t: 'terms'; v: Term[] }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'fields'; v: FieldElement[] };

/** Something wrong in the bytes, at a table offset. */
export interface AmlIssue {
  at: number;
  message: string;
}

/** A TermList read when first asked for (decode.ts): `v` reads it and keeps it, its faults joining
 * its block's issues (once, whichever read comes first); `once(issues)` reads it without keeping
 * it, its faults given to `issues` (a printer walks a tree once, and need not hold all of it);
 * `faultsOnce(issues)` gives `issues` its faults and those of every list in it, keeping nothing;
 * `faults()` adds those to the block's issues, unless a read has. */
export interface LazyTerms {
  readonly t: 'terms';
  readonly v: Term[];
  once(issues: AmlIssue[]): Term[];
  faultsOnce(issues: AmlIssue[]): void;
  faults(): void;
}

/** A TermList argument's terms, not kept where they are read when first asked for (their faults,
 * then, given to `issues`). */
export const termsOnce = (a: { t: 'terms'; v: Term[] }, issues: AmlIssue[]): Term[] => ('once' in a ? (a as LazyTerms).once(issues) : a.v);

/** The faults of a TermList argument and of every list in it given to `issues`, where it is read
 * when first asked for and has not been kept (a list read whole, or kept, has given them already). */
export const faultsOnce = (a: { t: 'terms'; v: Term[] }, issues: AmlIssue[]): void => {
  if ('once' in a) (a as LazyTerms).faultsOnce(issues);
};

/**
 * A term: an opcode of OPCODES (or NAME_REF, CALL, NULL_NAME, RAW), where it starts in the
 * definition block, its PkgLength when it has one, and its arguments in grammar order. A CALL has
 * the name as its first argument and the call's arguments after it; a RAW holds the bytes (as its
 * one 'bytes' argument) of a stretch that could not be read as terms.
 */
export interface Term {
  code: number;
  at: number;
  pkg?: PkgLen;
  args: Arg[];
}

/** A name as ASL writes it: `\_SB.PCI0`, `^^FOO`, `ABCD`; NullName is the empty string. */
export function nameText(n: AmlName): string {
  if (n.segs.length === 1 && !n.root && !n.parents) return trimSeg(n.segs[0]);
  return (n.root ? '\\' : '^'.repeat(n.parents)) + n.segs.map(trimSeg).join('.');
}

/** A NameSeg without the trailing underscores ASL leaves out (`_SB_` → `_SB`, `____` → `_`). */
export function trimSeg(s: string): string {
  let n = s.length;
  while (n > 1 && s.charCodeAt(n - 1) === 0x5f) n--;
  return n === s.length ? s : s.slice(0, n);
}

/** The segments of an absolute path, from the root. */
export type Path = readonly string[];

/** An absolute path as ASL writes it: `\`, `\_SB_.PCI0` (the segments as stored: 4 characters). */
export const pathText = (p: Path): string => '\\' + p.join('.');

/** Every term of a tree, in document order (an explicit stack: a tree may be thousands deep). */
export function termsInOrder(roots: readonly Term[]): Term[] {
  const out: Term[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const t = stack.pop()!;
    out.push(t);
    const kids: Term[] = [];
    for (const a of t.args) {
      if (a.t === 'term') kids.push(a.v);
      else if (a.t === 'terms') for (const k of a.v) kids.push(k);
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return out;
}
