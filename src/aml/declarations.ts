// A definition block's declarations, read without building its term tree: the namespace objects it
// declares at scope level (with where each is declared and where its term ends), and the argument
// counts of its methods and Externals, which calls need (cursor.ts).
//
// It walks the same grammar as the term reader (decode.ts), by OPCODES, and so stops where that
// reader stops: a term the term reader could not read declares nothing here either, and reading
// goes on after the list it was in. What it need not look into it passes over by PkgLength: a
// method's body (its objects are the method's own), a package's elements, a buffer's bytes, and
// the term list of any term that is not itself a scope-level statement.
import { AmlCursor, callGrammar, LEAD, Stop } from './cursor.js';
import { NOT_METHOD, type Names } from './names.js';
import { AmlObject, type BlockSource, type NamespaceKind } from './namespace.js';
import {
  BY_CODE,
  EXT_PREFIX,
  FIELD_ACCESS,
  FIELD_CONNECT,
  FIELD_EXT_ACCESS,
  FIELD_RESERVED,
  OBJECT_TYPE_METHOD,
  startsName,
  type ArgKind,
  type OpDef,
} from './opcodes.js';
import type { AmlName } from './tree.js';

/** A call's argument count as it was read at scope level, to be checked once every block's
 * declarations are known. */
interface Lookup {
  scope: number;
  name: AmlName;
  argc: number | undefined;
}

export interface Declarations {
  objects: AmlObject[];
  /** every name read at scope level where a call may be, and what it was read as */
  lookups: Lookup[];
}

/** Whether a scope-level read of calls would now read otherwise (a method declared later, or in a
 * block read after it). */
export const stale = (d: Declarations, names: Names): boolean => d.lookups.some((l) => names.arityOf(l.scope, l.name) !== l.argc);

interface TermFrame {
  k: 'term';
  def: OpDef | undefined;
  grammar: readonly ArgKind[];
  i: number;
  limit: number;
  at: number;
  /** an item of a scope-level list: what it declares is in the namespace */
  item: boolean;
  conditional: boolean;
  scoped: boolean;
  /** the node of what it declares (-1: none yet), the node of the scope it is in, and its first
   * two integer arguments */
  node: number;
  scope: number;
  ints: number;
  first: number;
  second: number;
  /** the object made when its name was read (a scope's, a method's: before what it holds) */
  made: boolean;
}
interface ListFrame {
  k: 'list' | 'fields';
  end: number;
  /** where the item being read began, and how many objects there were then */
  start: number;
  count: number;
  conditional: boolean;
}
type Frame = TermFrame | ListFrame;

/** An object's facts as AmlObject keeps them: under If/Else/While, and its first two integers. */
const facts = (conditional: boolean, first = 0, second = 0) => (conditional ? 0x10000 : 0) | ((second & 0xff) << 8) | (first & 0xff);

const READING: Partial<Record<ArgKind, string>> = { byte: 'a byte', word: 'a word', dword: 'a dword', qword: 'a qword' };

/** For each opcode whose arguments are only integers, how many bytes they take. */
const FIXED = new Map<number, number>();
const WIDTH: Partial<Record<ArgKind, number>> = { byte: 1, word: 2, dword: 4, qword: 8 };
for (const d of BY_CODE.values())
  if (d.args.every((a) => WIDTH[a] !== undefined))
    FIXED.set(
      d.code,
      d.args.reduce((n, a) => n + WIDTH[a]!, 0),
    );

/** Reads the declarations of the block at `src` from `from` to `to`, declaring its objects in
 * `src.names` (methods' and Externals' argument counts), with the counts they hold for the calls. */
export function readDeclarations(src: BlockSource, from: number, to: number): Declarations {
  return new DeclarationReader(src, from, to).run();
}

class DeclarationReader extends AmlCursor {
  private readonly objects: AmlObject[] = [];
  private readonly lookups: Lookup[] = [];
  private readonly stack: Frame[];
  private readonly spare: TermFrame[] = [];
  /** the node of each scope opened, the innermost last */
  private readonly scopes: number[] = [0];
  private readonly names: Names;

  constructor(
    private readonly src: BlockSource,
    from: number,
    to: number,
  ) {
    super(src.bytes, from, to, []);
    this.names = src.names;
    this.stack = [{ k: 'list', end: to, start: from, count: 0, conditional: false }];
  }

  run(): Declarations {
    const stack = this.stack;
    while (stack.length) {
      const f = stack[stack.length - 1];
      try {
        if (f.k !== 'term') {
          if (f.k === 'list') this.listStep(f);
          else this.fieldStep(f);
        } else if (f.i === f.grammar.length) this.finish(f);
        else this.argStep(f);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        this.recover();
      }
    }
    return { objects: this.objects, lookups: this.lookups };
  }

  private scope(): number {
    return this.scopes[this.scopes.length - 1];
  }

  /** A NameSeg's four bytes at `p` as one number (see names.ts). */
  private segAt(p: number): number {
    const b = this.b;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** A NameString at pos, read as the term reader reads it; where it leads from the scope (its
   * nodes made when `make`, else -1). */
  private nameNode(limit: number, make: boolean): number {
    this.need(1, limit, 'a name');
    const b = this.b;
    let n = this.scope();
    if (b[this.pos] === 0x5c) {
      n = 0;
      this.pos++;
    } else
      while (this.pos < limit && b[this.pos] === 0x5e) {
        n = this.names.parent(n);
        this.pos++;
      }
    this.need(1, limit, 'a name');
    const c = b[this.pos];
    let count = 1;
    if (c === 0x00 || c === 0x2e || c === 0x2f) {
      this.pos++;
      if (c === 0x2f) this.need(1, limit, 'a name');
      count = c === 0x00 ? 0 : c === 0x2e ? 2 : b[this.pos++];
    } else if (!LEAD(c)) throw new Stop(this.pos, 'a name segment');
    for (let i = 0; i < count; i++) {
      this.need(4, limit, 'a name segment');
      if (make) n = this.names.child(n, this.segAt(this.pos));
      this.pos += 4;
    }
    return make ? n : -1;
  }

  private listStep(f: ListFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    f.count = this.objects.length;
    this.begin('term', f.end, true, f.conditional);
  }

  /** Starts a term at pos: a leaf is passed over, any other pushes its frame. */
  private begin(kind: ArgKind, limit: number, item: boolean, conditional: boolean): void {
    this.need(1, limit, 'a term');
    const b = this.b;
    const at = this.pos;
    const c = b[at];
    if (c === 0 && (kind === 'target' || kind === 'simple' || kind === 'result')) {
      this.pos++;
      return;
    }
    if (startsName(c)) {
      const n = this.name(limit);
      if (kind === 'simple') return;
      const scope = this.scope();
      const argc = this.names.arityOf(scope, n);
      this.lookups.push({ scope, name: n, argc });
      if (argc) this.push(undefined, callGrammar(argc), at, limit, false, conditional);
      return;
    }
    let code = c;
    if (c === EXT_PREFIX) {
      this.need(2, limit, 'an extended opcode');
      code = 0x5b00 | b[at + 1];
    }
    const def = BY_CODE.get(code);
    if (!def) throw new Stop(at, 'an opcode');
    this.pos += code > 0xff ? 2 : 1;
    const fixed = FIXED.get(code);
    if (fixed !== undefined) {
      this.need(fixed, limit, 'an integer');
      this.pos += fixed;
      return;
    }
    this.push(def, def.args, at, limit, item, conditional);
  }

  private push(def: OpDef | undefined, grammar: readonly ArgKind[], at: number, limit: number, item: boolean, conditional: boolean): void {
    // a finished term's frame is used again: a block is read with as many frames as it is deep
    const f = this.spare.pop();
    if (!f) {
      this.stack.push({
        k: 'term',
        def,
        grammar,
        i: 0,
        limit,
        at,
        item,
        conditional,
        scoped: false,
        node: -1,
        scope: this.scope(),
        ints: 0,
        first: 0,
        second: 0,
        made: false,
      });
      return;
    }
    f.def = def;
    f.grammar = grammar;
    f.i = 0;
    f.limit = limit;
    f.at = at;
    f.item = item;
    f.conditional = conditional;
    f.scoped = false;
    f.node = -1;
    f.scope = this.scope();
    f.ints = f.first = f.second = 0;
    f.made = false;
    this.stack.push(f);
  }

  /** A term's frame is done with. */
  private pop(): TermFrame {
    const f = this.stack.pop() as TermFrame;
    if (f.scoped) this.scopes.pop();
    this.spare.push(f);
    return f;
  }

  /** A term whose grammar is read: its scope closes; what it declares is known. */
  private finish(f: TermFrame): void {
    this.pop();
    const d = f.def?.declares;
    if (!d || f.node < 0 || d.kind === 'Method') return;
    if (d.kind !== 'Scope') this.names.declare(f.node, d.kind === 'External' && f.first === OBJECT_TYPE_METHOD ? f.second : NOT_METHOD);
    if (f.item && !f.made) this.make(f, d.kind);
  }

  private make(f: TermFrame, kind: NamespaceKind): void {
    // where the term ends: its package's end, or, without a package, here (it is finished)
    const end = f.def?.args[0] === 'pkg' ? f.limit : this.pos;
    this.objects.push(new AmlObject(f.node, kind, f.at, end, f.scope, this.src, facts(f.conditional, f.first, f.second)));
    f.made = true;
  }

  /** A method's flags are read: its argument count is known (for calls after it, and inside it);
   * its body, which declares only the method's own objects, is passed over. */
  private method(f: TermFrame): void {
    if (f.node >= 0) {
      this.names.declare(f.node, f.first & 7, true);
      if (f.item) this.make(f, 'Method');
    }
    this.pos = f.limit;
    f.i = f.grammar.length;
  }

  /** One field list element at pos: a named one is a field unit. */
  private fieldStep(f: ListFrame): void {
    if (this.pos >= f.end) {
      this.stack.pop();
      return;
    }
    f.start = this.pos;
    f.count = this.objects.length;
    const b = this.b;
    const at = this.pos;
    const c = b[at];
    if (c === FIELD_RESERVED) {
      this.pos++;
      this.pkgValue(f.end);
    } else if (c === FIELD_ACCESS || c === FIELD_EXT_ACCESS) {
      const n = c === FIELD_ACCESS ? 3 : 4;
      this.need(n, f.end, c === FIELD_ACCESS ? 'an AccessField' : 'an ExtendedAccessField');
      this.pos += n;
    } else if (c === FIELD_CONNECT) {
      this.pos++;
      this.need(1, f.end, 'a ConnectField');
      if (b[this.pos] === 0x11) this.begin('term', f.end, false, f.conditional);
      else this.name(f.end);
    } else {
      if (!LEAD(c)) throw new Stop(at, 'a field list element');
      this.need(4, f.end, 'a name segment');
      const node = this.names.child(this.scope(), this.segAt(this.pos));
      this.pos += 4;
      this.pkgValue(f.end);
      this.names.declare(node, NOT_METHOD);
      this.objects.push(new AmlObject(node, 'FieldUnit', at, at, this.scope(), this.src, facts(f.conditional)));
    }
  }

  /** A fault: the term reader keeps the rest of the list being read as bytes, so what was declared
   * since its item began is not declared; reading goes on after the list. */
  private recover(): void {
    const stack = this.stack;
    while (stack[stack.length - 1].k === 'term') this.pop();
    const l = stack[stack.length - 1] as ListFrame;
    this.objects.length = l.count;
    this.pos = l.end;
  }

  private argStep(f: TermFrame): void {
    const kind = f.grammar[f.i++];
    switch (kind) {
      case 'pkg':
        f.limit = this.packageEnd(f.limit);
        return;
      case 'name': {
        const d = f.def?.declares;
        // the declared name is the argument its declaration names (Alias: the second)
        const declared = d !== undefined && f.i - 1 - (f.grammar[0] === 'pkg' ? 1 : 0) === d.arg;
        const node = this.nameNode(f.limit, declared || f.def?.scope === true);
        if (declared) f.node = node;
        if (f.def?.scope && !f.scoped) {
          this.scopes.push(node);
          f.scoped = true;
          // a scope's object comes before what it holds
          if (f.item && d && d.kind !== 'Method') this.make(f, d.kind);
        }
        return;
      }
      case 'byte':
      case 'word':
      case 'dword':
      case 'qword': {
        const v = this.u(WIDTH[kind]!, f.limit, READING[kind]!);
        if (f.ints === 0) f.first = Number(v);
        else if (f.ints === 1) f.second = Number(v);
        f.ints++;
        if (f.def?.declares?.kind === 'Method') this.method(f);
        return;
      }
      case 'string':
        this.pos = this.stringEnd(f.limit) + 1;
        return;
      case 'term':
      case 'target':
      case 'result':
      case 'simple':
        this.begin(kind, f.limit, false, f.conditional);
        return;
      case 'terms':
        // a scope-level statement's list is read; any other (a method's body, a term's that is an
        // argument) is passed over
        if (f.item && f.def?.declares?.kind !== 'Method') {
          this.stack.push({ k: 'list', end: f.limit, start: this.pos, count: this.objects.length, conditional: f.conditional || !f.def?.declares });
          return;
        }
        this.pos = f.limit;
        return;
      case 'elements':
      case 'bytes':
        this.pos = f.limit;
        return;
      case 'fields':
        if (f.item) this.stack.push({ k: 'fields', end: f.limit, start: this.pos, count: this.objects.length, conditional: f.conditional });
        else this.pos = f.limit;
        return;
    }
  }
}
