// AML definition blocks read into the term tree (tree.ts) by the grammar OPCODES declares, with an
// explicit stack: a block nested 10,000 deep costs frames in an array, not the call stack.
//
// A method call is a name followed by as many terms as the method takes, so reading one needs the
// callee's argument count (ACPI 6.5 §20.2.5.4 MethodInvocation). Names resolve as ACPI's search
// rules have it (§5.3: a lone NameSeg is looked for in the scope and each scope above it) against
// `arity`, which the caller shares across the DSDT and every SSDT of a set: it is filled as Method
// and External declarations are read, and the caller fills it from every block's declarations
// before it reads any block whole (readAml in index.ts).
//
// Bytes that break the grammar (an unknown opcode, a PkgLength past its package, a name or a string
// cut off) end the list being read: the rest of that list, to its package's end, is kept as one RAW
// term, with an issue at the byte where reading stopped, and reading goes on after that package.
// So the tree always encodes back to the bytes it was read from.
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
  OBJECT_TYPE_METHOD,
  RAW,
  startsName,
  type ArgKind,
  type OpDef,
} from './opcodes.js';
import { nameText, resolveFrom, trimSeg, type AmlName, type Arg, type FieldElement, type Path, type PkgLen, type Term } from './tree.js';

/** Something wrong in the bytes, at a table offset. */
export interface AmlIssue {
  at: number;
  message: string;
}

/** For each absolute path (its segments joined by '.'), a method's argument count, or -1 for an
 * object of any other kind. */
export type Arity = Map<string, number>;

export interface DecodedBlock {
  terms: Term[];
  issues: AmlIssue[];
}

export const pathKey = (p: Path): string => p.join('.');

/** Where a method body is read: its method's scope, and the block's issues it adds to. */
export interface MethodBody {
  scope: Path;
  issues: AmlIssue[];
}

/** A method's body (its TermList argument) read from b[from, to) when first asked for, with the
 * argument counts `arity` then holds (readAml fills it from every block first). Its faults join
 * the block's issues then. */
function lazyBody(b: Uint8Array, from: number, to: number, arity: Arity, at: MethodBody): Arg {
  let terms: Term[] | undefined;
  return {
    t: 'terms',
    get v(): Term[] {
      terms ??= decodeBlock(b, from, to, arity, 'lazy', at).terms;
      return terms;
    },
  };
}

/** The argument count of the method a name leads to from the scope whose key is `scopeKey` (its
 * segments joined by '.'), or undefined when it leads to no method (ACPI 6.5 §5.3: a single NameSeg
 * without prefix is searched for upwards). */
export function arityOf(arity: Arity, scope: Path, n: AmlName, scopeKey = pathKey(scope)): number | undefined {
  if (n.form === 'null') return undefined;
  if (n.root || n.parents || n.segs.length !== 1) {
    const a = arity.get(pathKey(resolveFrom(scope, n)));
    return a !== undefined && a >= 0 ? a : undefined;
  }
  const seg = n.segs[0];
  for (let k = scopeKey; ; k = k.slice(0, Math.max(0, k.lastIndexOf('.')))) {
    const a = arity.get(k ? `${k}.${seg}` : seg);
    if (a !== undefined) return a >= 0 ? a : undefined;
    if (!k) return undefined;
  }
}

/** The key of where a name leads from the scope whose key is `scopeKey` (its path `scope`): a lone
 * NameSeg is joined to the key as it is, anything else resolved segment by segment. */
function keyFrom(scope: Path, scopeKey: string, n: AmlName): string {
  if (n.form === 'seg' && !n.root && !n.parents) return scopeKey ? `${scopeKey}.${n.segs[0]}` : n.segs[0];
  return pathKey(resolveFrom(scope, n));
}

/** The grammar of a call with n arguments (shared: one array per count). */
const CALLS: readonly ArgKind[][] = Array.from({ length: 8 }, (_x, n) => Array<ArgKind>(n).fill('term'));

const LEAD = (c: number) => (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const NAME_CHAR = (c: number) => LEAD(c) || (c >= 0x30 && c <= 0x39);
const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`;

/** Reading stopped: the message says what was expected at `at`. */
class Stop {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
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
  /** inside a method body (declarations there are the method's own) */
  local: boolean;
  /** a method's: whether it was itself inside a method body */
  local0?: boolean;
}
interface ListFrame {
  k: 'list';
  out: Term[];
  end: number;
  /** a package's elements: a name is a reference, never a call */
  elements: boolean;
  /** where the item being read began */
  start: number;
  local: boolean;
}
interface FieldFrame {
  k: 'fields';
  out: FieldElement[];
  end: number;
  start: number;
  local: boolean;
}
type Frame = TermFrame | ListFrame | FieldFrame;

/**
 * Reads the terms of `b` from `from` to `to` (table offsets; a DSDT's or SSDT's AML starts at 36),
 * resolving calls against `arity` and adding the block's own Method and External declarations to it
 * as they are read. `mode`: 'declarations' passes method bodies over by their PkgLength (what they
 * declare is their own), for a first read that only fills `arity`; 'lazy' leaves them to be read
 * when first asked for; `at`: where a method body read so is (its scope, the block's issues).
 */
export function decodeBlock(
  b: Uint8Array,
  from: number,
  to: number,
  arity: Arity,
  mode: 'whole' | 'declarations' | 'lazy' = 'whole',
  at?: MethodBody,
): DecodedBlock {
  return new BlockReader(b, from, to, arity, mode, at).run();
}

/** One read of a definition block (or a method body): the bytes, the position, the frames being
 * read and the scopes they opened. */
class BlockReader {
  /** where the table ends (a method body read later ends at its package's end) */
  private readonly tableEnd: number;
  private readonly issues: AmlIssue[];
  private readonly terms: Term[] = [];
  private readonly stack: Frame[];
  private readonly scopes: Path[];
  private readonly scopeKeys: string[];
  private pos: number;
  /** a term just finished, to be given to the frame below it */
  private done: Term | undefined;

  constructor(
    private readonly b: Uint8Array,
    from: number,
    to: number,
    private readonly arity: Arity,
    private readonly mode: 'whole' | 'declarations' | 'lazy',
    at: MethodBody | undefined,
  ) {
    this.tableEnd = at ? -1 : to;
    this.issues = at?.issues ?? [];
    this.stack = [{ k: 'list', out: this.terms, end: to, elements: false, start: from, local: at !== undefined }];
    this.scopes = [at?.scope ?? []];
    this.scopeKeys = [pathKey(at?.scope ?? [])];
    this.pos = from;
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
    return { terms: this.terms, issues: this.issues };
  }

  // ---- the bytes

  /** Where `limit` is, in a message. */
  private end(limit: number, enclosing = false): string {
    return limit === this.tableEnd ? 'the end of the table' : `the end of ${enclosing ? 'the enclosing' : 'its'} package (${hex(limit)})`;
  }

  private need(n: number, limit: number, what: string): void {
    if (this.pos + n > limit) throw new Stop(this.pos, `${what} runs past ${this.end(limit)}`);
  }

  /** A little-endian integer of n bytes (a bigint for 8). */
  private u(n: number, limit: number, what: string): number | bigint {
    this.need(n, limit, what);
    const b = this.b;
    const at = this.pos;
    this.pos += n;
    if (n === 1) return b[at];
    if (n === 2) return b[at] | (b[at + 1] << 8);
    const lo = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
    if (n === 4) return lo;
    const hi = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16)) + b[at + 7] * 0x1000000;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  private pkgLen(limit: number): { value: number; pkg: PkgLen } {
    this.need(1, limit, 'a PkgLength');
    const b = this.b;
    const lead = b[this.pos];
    const extra = lead >> 6;
    this.need(1 + extra, limit, 'a PkgLength');
    let value = extra ? lead & 0x0f : lead & 0x3f;
    for (let i = 0; i < extra; i++) value += b[this.pos + 1 + i] * 2 ** (4 + 8 * i);
    const reserved = extra ? (lead >> 4) & 3 : 0;
    this.pos += 1 + extra;
    return { value, pkg: reserved ? { width: 1 + extra, reserved } : { width: 1 + extra } };
  }

  private seg(limit: number): string {
    this.need(4, limit, 'a name segment');
    const [b, p] = [this.b, this.pos];
    const s = String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
    if (!LEAD(b[p]) || !NAME_CHAR(b[p + 1]) || !NAME_CHAR(b[p + 2]) || !NAME_CHAR(b[p + 3]))
      this.issues.push({ at: p, message: `name segment ${JSON.stringify(s)} has characters a NameSeg cannot hold (A-Z, 0-9, _; not a digit first)` });
    this.pos += 4;
    return s;
  }

  private name(limit: number): AmlName {
    this.need(1, limit, 'a name');
    const b = this.b;
    let root = false;
    let parents = 0;
    if (b[this.pos] === 0x5c) {
      root = true;
      this.pos++;
    } else
      while (this.pos < limit && b[this.pos] === 0x5e) {
        parents++;
        this.pos++;
      }
    this.need(1, limit, 'a name');
    const c = b[this.pos];
    if (c === 0x00) {
      this.pos++;
      return { root, parents, segs: [], form: 'null' };
    }
    if (c === 0x2e) {
      this.pos++;
      return { root, parents, segs: [this.seg(limit), this.seg(limit)], form: 'dual' };
    }
    if (c === 0x2f) {
      this.pos++;
      this.need(1, limit, 'a name');
      const count = b[this.pos++];
      const segs: string[] = [];
      for (let i = 0; i < count; i++) segs.push(this.seg(limit));
      return { root, parents, segs, form: 'multi' };
    }
    if (!LEAD(c)) throw new Stop(this.pos, `byte ${hex(c)} where a name segment starts (A-Z or _)`);
    return { root, parents, segs: [this.seg(limit)], form: 'seg' };
  }

  private string(limit: number): string {
    const b = this.b;
    let e = this.pos;
    while (e < limit && b[e] !== 0) e++;
    if (e >= limit) throw new Stop(this.pos, `a string with no NUL before ${this.end(limit)}`);
    const s = Buffer.from(b.buffer, b.byteOffset + this.pos, e - this.pos).toString('latin1');
    this.pos = e + 1;
    return s;
  }

  // ---- scopes and declarations

  private scope(): Path {
    return this.scopes[this.scopes.length - 1];
  }

  private scopeKey(up = 0): string {
    return this.scopeKeys[this.scopeKeys.length - 1 - up];
  }

  private local(): boolean {
    return this.stack[this.stack.length - 1].local;
  }

  private closeScope(f: TermFrame): void {
    if (!f.scoped) return;
    this.scopes.pop();
    this.scopeKeys.pop();
  }

  /** Declarations the calls after them need: a method's argument count, an External's; any other
   * object by its path (a name found there first is no call). `where`: the scope the name is in. */
  private declare(f: TermFrame, where: Path, whereKey: string): void {
    const d = f.def?.declares;
    if (!d || f.local || d.kind === 'Scope') return;
    const a = f.term.args[d.arg];
    if (a?.t !== 'name') return;
    const key = keyFrom(where, whereKey, a.v);
    const arity = this.arity;
    if (d.kind === 'Method') {
      const flags = f.term.args[1];
      if (flags?.t === 'int') arity.set(key, Number(flags.v) & 7);
    } else if (d.kind === 'External') {
      const [, type, count] = f.term.args;
      if (!arity.has(key) && type?.t === 'int' && count?.t === 'int') arity.set(key, Number(type.v) === OBJECT_TYPE_METHOD ? Number(count.v) : -1);
    } else if (!arity.has(key)) arity.set(key, -1);
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
      return { code: NULL_NAME, at, args: [] };
    }
    if (startsName(c)) {
      const n = this.name(limit);
      if (kind === 'term' || kind === 'target') {
        const argc = arityOf(this.arity, this.scope(), n, this.scopeKey());
        if (argc !== undefined) {
          const term: Term = { code: CALL, at, args: [{ t: 'name', v: n }] };
          if (!argc) return term;
          this.stack.push({ k: 'term', term, grammar: CALLS[argc] ?? Array<ArgKind>(argc).fill('term'), i: 0, limit, scoped: false, local: this.local() });
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
    const term: Term = { code, at, args: [] };
    if (!def.args.length) return term;
    this.stack.push({ k: 'term', term, def, grammar: def.args, i: 0, limit, scoped: false, local: this.local() });
    return undefined;
  }

  /** A finished term goes to the frame below it: an argument, a list item, a Connect's buffer. */
  private give(f: Frame, t: Term): void {
    this.done = undefined;
    if (f.k === 'term') f.term.args.push({ t: 'term', v: t });
    else if (f.k === 'list') f.out.push(t);
    else f.out.push({ t: 'connect', at: f.start, target: t });
  }

  private listStep(f: ListFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    const t = this.begin(f.elements ? 'element' : 'term', f.end);
    if (t) f.out.push(t);
  }

  private fieldsStep(f: FieldFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    for (const e of this.fieldElement(f)) f.out.push(e);
  }

  /** A term whose grammar is read: its scope closes, what it declares is known, it is done. */
  private finish(f: TermFrame): void {
    this.stack.pop();
    this.closeScope(f);
    if (f.def?.declares?.kind !== 'Method') this.declare(f, this.scope(), this.scopeKey());
    this.done = f.term;
  }

  /** The next argument of a term, as its grammar says. */
  private argStep(f: TermFrame): void {
    const kind = f.grammar[f.i++];
    const args = f.term.args;
    switch (kind) {
      case 'pkg': {
        const start = this.pos;
        const { value, pkg } = this.pkgLen(f.limit);
        const end = start + value;
        if (end > f.limit) throw new Stop(start, `PkgLength ${hex(value)} runs past ${this.end(f.limit, true)}`);
        if (end < this.pos) throw new Stop(start, `PkgLength ${hex(value)} is shorter than the PkgLength itself`);
        f.term.pkg = pkg;
        f.limit = end;
        return;
      }
      case 'name': {
        const n = this.name(f.limit);
        args.push({ t: 'name', v: n });
        if (f.def?.scope && !f.scoped) {
          const key = keyFrom(this.scope(), this.scopeKey(), n);
          this.scopes.push(resolveFrom(this.scope(), n));
          this.scopeKeys.push(key);
          f.scoped = true;
        }
        return;
      }
      case 'byte':
        args.push({ t: 'int', v: this.u(1, f.limit, 'a byte') });
        if (f.def?.declares?.kind === 'Method') this.methodBody(f);
        return;
      case 'word':
        args.push({ t: 'int', v: this.u(2, f.limit, 'a word') });
        return;
      case 'dword':
        args.push({ t: 'int', v: this.u(4, f.limit, 'a dword') });
        return;
      case 'qword':
        args.push({ t: 'int', v: this.u(8, f.limit, 'a qword') });
        return;
      case 'string':
        args.push({ t: 'string', v: this.string(f.limit) });
        return;
      case 'term':
      case 'target':
      case 'result':
      case 'simple': {
        const t = this.begin(kind === 'result' ? 'target' : kind, f.limit);
        if (t) args.push({ t: 'term', v: t });
        return;
      }
      case 'terms':
      case 'elements': {
        const out: Term[] = [];
        args.push({ t: 'terms', v: out });
        this.stack.push({ k: 'list', out, end: f.limit, elements: kind === 'elements', start: this.pos, local: f.local });
        return;
      }
      case 'bytes':
        args.push({ t: 'bytes', v: this.b.subarray(this.pos, f.limit) });
        this.pos = f.limit;
        return;
      case 'fields': {
        const out: FieldElement[] = [];
        args.push({ t: 'fields', v: out });
        this.stack.push({ k: 'fields', out, end: f.limit, start: this.pos, local: f.local });
        return;
      }
    }
  }

  /** A method's flags are read: its argument count is known before its body (for calls inside it:
   * recursion); the body is read now, passed over, or left to be read when asked for, by the mode. */
  private methodBody(f: TermFrame): void {
    this.declare(f, this.scopes[this.scopes.length - 2], this.scopeKey(1));
    f.local0 = f.local;
    f.local = true;
    if (this.mode === 'declarations') {
      // the body declares only the method's own objects: passed over
      this.pos = f.limit;
      f.i = f.grammar.length;
    } else if (this.mode === 'lazy' && !f.local0) {
      // the body is read when first asked for (the namespace never asks)
      f.term.args.push(lazyBody(this.b, this.pos, f.limit, this.arity, { scope: this.scope(), issues: this.issues }));
      this.pos = f.limit;
      f.i = f.grammar.length;
    }
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
    const k = this.scopeKey();
    const key = k ? `${k}.${s}` : s;
    if (!f.local && !this.arity.has(key)) this.arity.set(key, -1);
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
    if (l.k === 'list') l.out.push({ code: RAW, at: l.start, args: [{ t: 'bytes', v: bytes }] });
    else l.out.push({ t: 'raw', at: l.start, bytes });
    this.pos = l.end;
    this.done = undefined;
  }

  /** What was being read when a fault stopped it, for its message: the innermost call's method
   * and argument count, and the object whose scope it is in (`\_SB.PCI0._OSC`). */
  private reading(): string {
    const call = [...this.stack].reverse().find((x): x is TermFrame => x.k === 'term' && x.term.code === CALL);
    const n = call?.term.args[0];
    const what = n?.t === 'name' ? `the ${call!.grammar.length} argument(s) of a call to ${nameText(n.v)}` : '';
    const where = this.scope().length ? `\\${this.scope().map(trimSeg).join('.')}` : '';
    return what || where ? ` (reading ${[what, where ? `in ${where}` : ''].filter(Boolean).join(' ')})` : '';
  }
}
