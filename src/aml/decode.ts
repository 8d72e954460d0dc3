// AML definition blocks read into the term tree (tree.ts) by the grammar OPCODES declares, with an
// explicit stack: a block nested 10,000 deep costs frames in an array, not the call stack.
//
// Calls are read with the argument counts the set's Names hold (names.ts): the caller fills them
// from every block's declarations (declarations.ts) before it reads any block here (readAml in
// index.ts).
//
// Bytes that break the grammar (an unknown opcode, a PkgLength past its package, a name or a string
// cut off) end the list being read: the rest of that list, to its package's end, is kept as one RAW
// term, with an issue at the byte where reading stopped, and reading goes on after that package.
// So the tree always encodes back to the bytes it was read from.
//
// Read 'lazy', every TermList (a Scope's, a Device's, a Method's, an If's body, …) is left to be
// read when first asked for: a tree read so costs what its first level does, and a printer reading
// each list once and not keeping it (once) holds only the lists it is in.
import {
  BY_CODE,
  CALL,
  EXT_PREFIX,
  FIELD_ACCESS,
  FIELD_CONNECT,
  FIELD_EXT_ACCESS,
  FIELD_RESERVED,
  NAME_REF,
  NULL_NAME,
  RAW,
  startsName,
  type ArgKind,
  type OpDef,
} from './opcodes.js';
import { AmlCursor, callGrammar, hex, LEAD, pkgForm, Stop, type AmlIssue } from './cursor.js';
import type { Names } from './names.js';
import { nameText, trimSeg, type Arg, type FieldElement, type LazyTerms, type Term } from './tree.js';

export interface DecodedBlock {
  terms: Term[];
  issues: AmlIssue[];
  /** the TermLists left to be read when first asked for (pendingFaults reads them all) */
  pending: LazyTerms[];
}

/** Where a list read on its own is: its scope's node, the issues its faults go to, and the lists
 * left to be read (those left so in it join them). */
export interface ListContext {
  scope: number;
  issues: AmlIssue[];
  pending: LazyTerms[];
}

/** The faults of every TermList of a block added to its issues, the lists not read yet not kept. */
export function pendingFaults(pending: readonly LazyTerms[]): void {
  for (let i = 0; i < pending.length; i++) pending[i].faults();
}

/** A TermList argument, read from b[from, to) when first asked for (see LazyTerms). */
class LazyBody implements LazyTerms {
  readonly t = 'terms';
  private kept: Term[] | undefined = undefined;
  private counted = false;

  constructor(
    private readonly b: Uint8Array,
    private readonly from: number,
    private readonly to: number,
    private readonly names: Names,
    private readonly at: ListContext,
  ) {}

  get v(): Term[] {
    this.kept ??= this.read('lazy');
    return this.kept;
  }

  once(issues: AmlIssue[]): Term[] {
    if (this.kept) return this.kept;
    const at = this.at;
    return decodeBlock(this.b, this.from, this.to, this.names, 'lazy', { scope: at.scope, issues, pending: [] }).terms;
  }

  faultsOnce(issues: AmlIssue[]): void {
    if (this.kept) return;
    const at = this.at;
    decodeBlock(this.b, this.from, this.to, this.names, 'whole', { scope: at.scope, issues, pending: [] });
  }

  faults(): void {
    if (!this.counted) this.read('whole');
  }

  private read(mode: 'whole' | 'lazy'): Term[] {
    const at = this.at;
    const issues = this.counted ? [] : at.issues;
    this.counted = true;
    return decodeBlock(this.b, this.from, this.to, this.names, mode, { scope: at.scope, issues, pending: at.pending }).terms;
  }
}

interface TermFrame {
  k: 'term';
  term: Term;
  def?: OpDef;
  grammar: readonly ArgKind[];
  i: number;
  /** how far this term's bytes may go: its package's end, or the enclosing one's */
  limit: number;
  /** the term opened a scope (popped with it) */
  scoped: boolean;
  /** where its next argument goes */
  n: number;
}
interface ListFrame {
  k: 'list';
  out: Term[];
  end: number;
  /** a package's elements: a name is a reference, never a call */
  elements: boolean;
  /** where the item being read began */
  start: number;
  /** how many lists were left to be read when it began (those after are in it) */
  pendingAt: number;
}
interface FieldFrame {
  k: 'fields';
  out: FieldElement[];
  end: number;
  start: number;
}
type Frame = TermFrame | ListFrame | FieldFrame;

/**
 * Reads the terms of `b` from `from` to `to` (table offsets; a DSDT's or SSDT's AML starts at 36),
 * resolving calls against `names`. `mode`: 'lazy' leaves every TermList to be read when first asked
 * for; `at`: where a list read on its own is (its scope, the issues it adds to), when it is not a
 * whole block.
 */
export function decodeBlock(b: Uint8Array, from: number, to: number, names: Names, mode: 'whole' | 'lazy' = 'whole', at?: ListContext): DecodedBlock {
  return new BlockReader(b, from, to, names, mode, at).run();
}

/** The arguments of a term that has none (shared: a tree has thousands of Zeros and Locals). */
const NO_ARGS = Object.freeze([]) as unknown as Arg[];

/** One read of a definition block (or a TermList): the bytes, the position, the frames being
 * read and the scopes they opened. */
class BlockReader extends AmlCursor {
  private readonly terms: Term[] = [];
  private readonly stack: Frame[];
  /** the node of each scope opened, the innermost last */
  private readonly scopes: number[];
  /** a term just finished, to be given to the frame below it */
  private done: Term | undefined;
  private readonly pending: LazyTerms[];

  constructor(
    b: Uint8Array,
    from: number,
    to: number,
    private readonly names: Names,
    private readonly mode: 'whole' | 'lazy',
    at: ListContext | undefined,
  ) {
    super(b, from, at ? -1 : to, at?.issues ?? []);
    this.pending = at?.pending ?? [];
    this.stack = [{ k: 'list', out: this.terms, end: to, elements: false, start: from, pendingAt: this.pending.length }];
    this.scopes = [at?.scope ?? 0];
  }

  run(): DecodedBlock {
    const stack = this.stack;
    while (stack.length) {
      const f = stack[stack.length - 1];
      try {
        if (this.done) this.give(f, this.done);
        else if (f.k === 'list') this.listStep(f);
        else if (f.k === 'fields') this.fieldsStep(f);
        else if (f.i === f.grammar.length) this.finish(f);
        else this.argStep(f);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        this.recover(e);
      }
    }
    return { terms: this.terms, issues: this.issues, pending: this.pending };
  }

  // ---- scopes

  private scope(): number {
    return this.scopes[this.scopes.length - 1];
  }

  private closeScope(f: TermFrame): void {
    if (!f.scoped) return;
    this.scopes.pop();
  }

  // ---- terms

  /** Starts a term at pos: a finished leaf, or undefined with its frame pushed. */
  private begin(kind: 'term' | 'target' | 'simple' | 'element', limit: number): Term | undefined {
    this.need(1, limit, 'a term');
    const b = this.b;
    const at = this.pos;
    const c = b[at];
    if (c === 0 && (kind === 'target' || kind === 'simple')) {
      this.pos++;
      return { code: NULL_NAME, at, args: NO_ARGS };
    }
    if (startsName(c)) {
      const n = this.name(limit);
      if (kind === 'term' || kind === 'target') {
        const argc = this.names.arityOf(this.scope(), n);
        if (argc !== undefined) {
          // an array of the exact size: one pushed to grows to room for 17
          const args = new Array<Arg>(argc + 1);
          args[0] = { t: 'name', v: n };
          const term: Term = { code: CALL, at, args };
          if (!argc) return term;
          this.stack.push({ k: 'term', term, grammar: callGrammar(argc), i: 0, limit, scoped: false, n: 1 });
          return undefined;
        }
      }
      return { code: NAME_REF, at, args: [{ t: 'name', v: n }] };
    }
    let code = c;
    if (c === EXT_PREFIX) {
      this.need(2, limit, 'an extended opcode');
      code = 0x5b00 | b[at + 1];
    }
    const def = BY_CODE.get(code);
    if (!def) throw new Stop(at, `unknown opcode ${code > 0xff ? `0x5B ${hex(code & 0xff)}` : hex(code)}`);
    this.pos += code > 0xff ? 2 : 1;
    if (!def.args.length) return { code, at, args: NO_ARGS };
    const term: Term = { code, at, args: new Array<Arg>(def.args.length - (def.args[0] === 'pkg' ? 1 : 0)) };
    this.stack.push({ k: 'term', term, def, grammar: def.args, i: 0, limit, scoped: false, n: 0 });
    return undefined;
  }

  /** A finished term goes to the frame below it: an argument, a list item, a Connect's buffer. */
  private give(f: Frame, t: Term): void {
    this.done = undefined;
    if (f.k === 'term') f.term.args[f.n++] = { t: 'term', v: t };
    else if (f.k === 'list') f.out.push(t);
    else f.out.push({ t: 'connect', at: f.start, target: t });
  }

  private listStep(f: ListFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    f.pendingAt = this.pending.length;
    const t = this.begin(f.elements ? 'element' : 'term', f.end);
    if (t) f.out.push(t);
  }

  private fieldsStep(f: FieldFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    const read = this.fieldElement(f);
    for (let i = 0; i < read.length; i++) f.out.push(read[i]);
  }

  /** A term whose grammar is read: its scope closes, it is done. */
  private finish(f: TermFrame): void {
    this.stack.pop();
    this.closeScope(f);
    this.done = f.term;
  }

  /** The next argument of a term, as its grammar says. */
  private argStep(f: TermFrame): void {
    const kind = f.grammar[f.i++];
    const args = f.term.args;
    switch (kind) {
      case 'pkg': {
        const lead = this.b[this.pos];
        f.limit = this.packageEnd(f.limit);
        f.term.pkg = pkgForm(lead);
        return;
      }
      case 'name': {
        const n = this.name(f.limit);
        args[f.n++] = { t: 'name', v: n };
        if (f.def?.scope && !f.scoped) {
          this.scopes.push(this.names.resolve(this.scope(), n));
          f.scoped = true;
        }
        return;
      }
      case 'byte':
        args[f.n++] = { t: 'int', v: this.u(1, f.limit, 'a byte') };
        return;
      case 'word':
        args[f.n++] = { t: 'int', v: this.u(2, f.limit, 'a word') };
        return;
      case 'dword':
        args[f.n++] = { t: 'int', v: this.u(4, f.limit, 'a dword') };
        return;
      case 'qword':
        args[f.n++] = { t: 'int', v: this.u(8, f.limit, 'a qword') };
        return;
      case 'string':
        args[f.n++] = { t: 'string', v: this.string(f.limit) };
        return;
      case 'term':
      case 'target':
      case 'result':
      case 'simple': {
        const t = this.begin(kind === 'result' ? 'target' : kind, f.limit);
        if (t) args[f.n++] = { t: 'term', v: t };
        return;
      }
      case 'terms':
        if (this.mode === 'lazy') {
          const body = new LazyBody(this.b, this.pos, f.limit, this.names, { scope: this.scope(), issues: this.issues, pending: this.pending });
          args[f.n++] = body;
          this.pending.push(body);
          this.pos = f.limit;
          return;
        }
        this.list(f, false);
        return;
      case 'elements':
        this.list(f, true);
        return;
      case 'bytes':
        args[f.n++] = { t: 'bytes', v: this.b.subarray(this.pos, f.limit) };
        this.pos = f.limit;
        return;
      case 'fields': {
        const out: FieldElement[] = [];
        args[f.n++] = { t: 'fields', v: out };
        this.stack.push({ k: 'fields', out, end: f.limit, start: this.pos });
        return;
      }
    }
  }

  /** A TermList or a package's elements: its frame pushed. */
  private list(f: TermFrame, elements: boolean): void {
    const out: Term[] = [];
    f.term.args[f.n++] = { t: 'terms', v: out };
    this.stack.push({ k: 'list', out, end: f.limit, elements, start: this.pos, pendingAt: this.pending.length });
  }

  /** One field list element at pos (a Connect to a buffer pushes the buffer's frame). */
  private fieldElement(f: FieldFrame): FieldElement[] {
    const b = this.b;
    const at = this.pos;
    const c = b[at];
    if (c === FIELD_RESERVED) {
      this.pos++;
      const { value, pkg } = this.pkgLen(f.end);
      return [{ t: 'reserved', at, bits: value, pkg }];
    }
    if (c === FIELD_ACCESS) {
      this.need(3, f.end, 'an AccessField');
      this.pos += 3;
      return [{ t: 'access', at, type: b[at + 1], attrib: b[at + 2] }];
    }
    if (c === FIELD_EXT_ACCESS) {
      this.need(4, f.end, 'an ExtendedAccessField');
      this.pos += 4;
      return [{ t: 'extaccess', at, type: b[at + 1], attrib: b[at + 2], length: b[at + 3] }];
    }
    if (c === FIELD_CONNECT) {
      this.pos++;
      this.need(1, f.end, 'a ConnectField');
      if (b[this.pos] === 0x11) {
        const t = this.begin('term', f.end);
        return t ? [{ t: 'connect', at, target: t }] : [];
      }
      const n = this.name(f.end);
      return [{ t: 'connect', at, target: { code: NAME_REF, at: at + 1, args: [{ t: 'name', v: n }] } }];
    }
    if (!LEAD(c)) throw new Stop(at, `byte ${hex(c)} where a field list element starts`);
    const s = this.seg(f.end);
    const { value, pkg } = this.pkgLen(f.end);
    return [{ t: 'named', at, name: s, bits: value, pkg }];
  }

  // ---- faults

  /** A fault: an issue naming what was being read; the list (or field list) being read keeps the
   * rest of its bytes as they are, and reading goes on after it. */
  private recover(e: Stop): void {
    this.issues.push({ at: e.at, message: `${e.message}${this.reading()}` });
    const stack = this.stack;
    while (stack[stack.length - 1].k === 'term') this.closeScope(stack.pop() as TermFrame);
    const l = stack[stack.length - 1] as ListFrame | FieldFrame;
    const bytes = this.b.slice(l.start, l.end);
    if (l.k === 'list') {
      l.out.push({ code: RAW, at: l.start, args: [{ t: 'bytes', v: bytes }] });
      this.orphans(l.pendingAt);
    } else l.out.push({ t: 'raw', at: l.start, bytes });
    this.pos = l.end;
    this.done = undefined;
  }

  /** The lists left to be read that a fault's RAW term has taken the place of (from the
   * `from`th left): their faults are read now, as a whole read meets them before the fault. */
  private orphans(from: number): void {
    const pending = this.pending;
    for (let i = from; i < pending.length; i++) pending[i].faultsOnce(this.issues);
    pending.length = from;
  }

  /** What was being read when a fault stopped it, for its message: the innermost call's method
   * and argument count (within the TermList being read: a list read on its own knows no other),
   * and the object whose scope it is in (`\_SB.PCI0._OSC`). */
  private reading(): string {
    let call: TermFrame | undefined;
    for (let i = this.stack.length - 1; i >= 0 && !call; i--) {
      const x = this.stack[i];
      if (x.k === 'list' && !x.elements) break;
      if (x.k === 'term' && x.term.code === CALL) call = x;
    }
    const n = call?.term.args[0];
    const what = n?.t === 'name' ? `the ${call!.grammar.length} argument(s) of a call to ${nameText(n.v)}` : '';
    const where = this.scope() ? `\\${this.names.segments(this.scope()).map(trimSeg).join('.')}` : '';
    return what || where ? ` (reading ${[what, where ? `in ${where}` : ''].filter(Boolean).join(' ')})` : '';
  }
}
