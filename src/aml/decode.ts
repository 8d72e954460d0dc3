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
 * as they are read. `declarationsOnly`: method bodies are passed over by their PkgLength (what they
 * declare is their own), for a first read that only fills `arity`.
 */
export function decodeBlock(
  b: Uint8Array,
  from: number,
  to: number,
  arity: Arity,
  mode: 'whole' | 'declarations' | 'lazy' = 'whole',
  at?: MethodBody,
): DecodedBlock {
  const declarationsOnly = mode === 'declarations';
  /** where the table ends (a method body read later ends at its package's end) */
  const tableEnd = at ? -1 : to;
  const issues: AmlIssue[] = at?.issues ?? [];
  const terms: Term[] = [];
  const stack: Frame[] = [{ k: 'list', out: terms, end: to, elements: false, start: from, local: at !== undefined }];
  const scopes: Path[] = [at?.scope ?? []];
  const scopeKeys: string[] = [pathKey(at?.scope ?? [])];
  let pos = from;
  let done: Term | undefined;

  const need = (n: number, limit: number, what: string) => {
    if (pos + n > limit) throw new Stop(pos, `${what} runs past ${limit === tableEnd ? 'the end of the table' : `the end of its package (${hex(limit)})`}`);
  };
  const u = (n: number, limit: number, what: string): number | bigint => {
    need(n, limit, what);
    const at = pos;
    pos += n;
    if (n === 1) return b[at];
    if (n === 2) return b[at] | (b[at + 1] << 8);
    const lo = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
    if (n === 4) return lo;
    const hi = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16)) + b[at + 7] * 0x1000000;
    return (BigInt(hi) << 32n) | BigInt(lo);
  };
  const pkgLen = (limit: number): { value: number; pkg: PkgLen } => {
    need(1, limit, 'a PkgLength');
    const lead = b[pos];
    const extra = lead >> 6;
    need(1 + extra, limit, 'a PkgLength');
    let value = extra ? lead & 0x0f : lead & 0x3f;
    for (let i = 0; i < extra; i++) value += b[pos + 1 + i] * 2 ** (4 + 8 * i);
    const reserved = extra ? (lead >> 4) & 3 : 0;
    pos += 1 + extra;
    return { value, pkg: reserved ? { width: 1 + extra, reserved } : { width: 1 + extra } };
  };
  const seg = (limit: number): string => {
    need(4, limit, 'a name segment');
    const s = String.fromCharCode(b[pos], b[pos + 1], b[pos + 2], b[pos + 3]);
    if (!LEAD(b[pos]) || !NAME_CHAR(b[pos + 1]) || !NAME_CHAR(b[pos + 2]) || !NAME_CHAR(b[pos + 3]))
      issues.push({ at: pos, message: `name segment ${JSON.stringify(s)} has characters a NameSeg cannot hold (A-Z, 0-9, _; not a digit first)` });
    pos += 4;
    return s;
  };
  const name = (limit: number): AmlName => {
    need(1, limit, 'a name');
    let root = false;
    let parents = 0;
    if (b[pos] === 0x5c) {
      root = true;
      pos++;
    } else
      while (pos < limit && b[pos] === 0x5e) {
        parents++;
        pos++;
      }
    need(1, limit, 'a name');
    const c = b[pos];
    if (c === 0x00) {
      pos++;
      return { root, parents, segs: [], form: 'null' };
    }
    if (c === 0x2e) {
      pos++;
      return { root, parents, segs: [seg(limit), seg(limit)], form: 'dual' };
    }
    if (c === 0x2f) {
      pos++;
      need(1, limit, 'a name');
      const count = b[pos++];
      const segs: string[] = [];
      for (let i = 0; i < count; i++) segs.push(seg(limit));
      return { root, parents, segs, form: 'multi' };
    }
    if (!LEAD(c)) throw new Stop(pos, `byte ${hex(c)} where a name segment starts (A-Z or _)`);
    return { root, parents, segs: [seg(limit)], form: 'seg' };
  };
  const scope = () => scopes[scopes.length - 1];
  const local = () => stack[stack.length - 1].local;

  /** Starts a term at pos: a finished leaf, or undefined with its frame pushed. */
  const begin = (kind: 'term' | 'target' | 'simple' | 'element', limit: number): Term | undefined => {
    need(1, limit, 'a term');
    const at = pos;
    const c = b[pos];
    if (c === 0 && (kind === 'target' || kind === 'simple')) {
      pos++;
      return { code: NULL_NAME, at, args: [] };
    }
    if (startsName(c)) {
      const n = name(limit);
      if (kind === 'term' || kind === 'target') {
        const argc = arityOf(arity, scope(), n, scopeKeys[scopeKeys.length - 1]);
        if (argc !== undefined) {
          const term: Term = { code: CALL, at, args: [{ t: 'name', v: n }] };
          if (!argc) return term;
          stack.push({ k: 'term', term, grammar: CALLS[argc] ?? Array<ArgKind>(argc).fill('term'), i: 0, limit, scoped: false, local: local() });
          return undefined;
        }
      }
      return { code: NAME_REF, at, args: [{ t: 'name', v: n }] };
    }
    let code = c;
    if (c === EXT_PREFIX) {
      need(2, limit, 'an extended opcode');
      code = 0x5b00 | b[pos + 1];
    }
    const def = BY_CODE.get(code);
    if (!def) throw new Stop(at, `unknown opcode ${code > 0xff ? `0x5B ${hex(code & 0xff)}` : hex(code)}`);
    pos += code > 0xff ? 2 : 1;
    const term: Term = { code, at, args: [] };
    if (!def.args.length) return term;
    stack.push({ k: 'term', term, def, grammar: def.args, i: 0, limit, scoped: false, local: local() });
    return undefined;
  };

  /** Declarations the calls after them need: a method's argument count, an External's; any other
   * object by its path (a name found there first is no call). `where`: the scope the name is in. */
  const declare = (f: TermFrame, where: Path, whereKey: string) => {
    const d = f.def?.declares;
    if (!d || f.local || d.kind === 'Scope') return;
    const a = f.term.args[d.arg];
    if (a?.t !== 'name') return;
    const key = keyFrom(where, whereKey, a.v);
    if (d.kind === 'Method') {
      const flags = f.term.args[1];
      if (flags?.t === 'int') arity.set(key, Number(flags.v) & 7);
    } else if (d.kind === 'External') {
      const [, type, count] = f.term.args;
      if (!arity.has(key) && type?.t === 'int' && count?.t === 'int') arity.set(key, Number(type.v) === OBJECT_TYPE_METHOD ? Number(count.v) : -1);
    } else if (!arity.has(key)) arity.set(key, -1);
  };

  /** What was being read when a fault stopped it, for its message: the innermost call's method
   * and argument count, and the object whose scope it is in (`\_SB.PCI0._OSC`). */
  const reading = (): string => {
    const call = [...stack].reverse().find((x): x is TermFrame => x.k === 'term' && x.term.code === CALL);
    const n = call?.term.args[0];
    const what = n?.t === 'name' ? `the ${call!.grammar.length} argument(s) of a call to ${nameText(n.v)}` : '';
    const where = scope().length ? `\\${scope().map(trimSeg).join('.')}` : '';
    return what || where ? ` (reading ${[what, where ? `in ${where}` : ''].filter(Boolean).join(' ')})` : '';
  };

  while (stack.length) {
    const f = stack[stack.length - 1];
    try {
      if (done) {
        const t = done;
        done = undefined;
        if (f.k === 'term') f.term.args.push({ t: 'term', v: t });
        else if (f.k === 'list') f.out.push(t);
        else f.out.push({ t: 'connect', at: f.start, target: t });
        continue;
      }
      if (f.k === 'list') {
        if (pos >= f.end) {
          stack.pop();
          continue;
        }
        f.start = pos;
        const t = begin(f.elements ? 'element' : 'term', f.end);
        if (t) f.out.push(t);
        continue;
      }
      if (f.k === 'fields') {
        if (pos >= f.end) {
          stack.pop();
          continue;
        }
        f.start = pos;
        for (const e of fieldElement(f)) f.out.push(e);
        continue;
      }
      if (f.i === f.grammar.length) {
        stack.pop();
        if (f.scoped) {
          scopes.pop();
          scopeKeys.pop();
        }
        if (f.def?.declares?.kind !== 'Method') declare(f, scope(), scopeKeys[scopeKeys.length - 1]);
        done = f.term;
        continue;
      }
      const kind = f.grammar[f.i++];
      const args = f.term.args;
      switch (kind) {
        case 'pkg': {
          const start = pos;
          const { value, pkg } = pkgLen(f.limit);
          const end = start + value;
          if (end > f.limit)
            throw new Stop(
              start,
              `PkgLength ${hex(value)} runs past ${f.limit === tableEnd ? 'the end of the table' : `the end of the enclosing package (${hex(f.limit)})`}`,
            );
          if (end < pos) throw new Stop(start, `PkgLength ${hex(value)} is shorter than the PkgLength itself`);
          f.term.pkg = pkg;
          f.limit = end;
          break;
        }
        case 'name': {
          const n = name(f.limit);
          args.push({ t: 'name', v: n });
          if (f.def?.scope && !f.scoped) {
            const key = keyFrom(scope(), scopeKeys[scopeKeys.length - 1], n);
            scopes.push(resolveFrom(scope(), n));
            scopeKeys.push(key);
            f.scoped = true;
          }
          break;
        }
        case 'byte':
          args.push({ t: 'int', v: u(1, f.limit, 'a byte') });
          if (f.def?.declares?.kind === 'Method') {
            // the flags say the argument count: known before the body, for calls inside it (recursion)
            declare(f, scopes[scopes.length - 2], scopeKeys[scopeKeys.length - 2]);
            f.local0 = f.local;
            f.local = true;
            if (declarationsOnly) {
              // the body declares only the method's own objects: passed over
              pos = f.limit;
              f.i = f.grammar.length;
            } else if (mode === 'lazy' && !f.local0) {
              // the body is read when first asked for (the namespace never asks)
              args.push(lazyBody(b, pos, f.limit, arity, { scope: scope(), issues }));
              pos = f.limit;
              f.i = f.grammar.length;
            }
          }
          break;
        case 'word':
          args.push({ t: 'int', v: u(2, f.limit, 'a word') });
          break;
        case 'dword':
          args.push({ t: 'int', v: u(4, f.limit, 'a dword') });
          break;
        case 'qword':
          args.push({ t: 'int', v: u(8, f.limit, 'a qword') });
          break;
        case 'string': {
          let e = pos;
          while (e < f.limit && b[e] !== 0) e++;
          if (e >= f.limit)
            throw new Stop(pos, `a string with no NUL before ${f.limit === tableEnd ? 'the end of the table' : `the end of its package (${hex(f.limit)})`}`);
          const s = Buffer.from(b.buffer, b.byteOffset + pos, e - pos).toString('latin1');
          args.push({ t: 'string', v: s });
          pos = e + 1;
          break;
        }
        case 'term':
        case 'target':
        case 'result':
        case 'simple': {
          const t = begin(kind === 'result' ? 'target' : kind, f.limit);
          if (t) args.push({ t: 'term', v: t });
          break;
        }
        case 'terms':
        case 'elements': {
          const out: Term[] = [];
          args.push({ t: 'terms', v: out });
          stack.push({ k: 'list', out, end: f.limit, elements: kind === 'elements', start: pos, local: f.local });
          break;
        }
        case 'bytes':
          args.push({ t: 'bytes', v: b.subarray(pos, f.limit) });
          pos = f.limit;
          break;
        case 'fields': {
          const out: FieldElement[] = [];
          args.push({ t: 'fields', v: out });
          stack.push({ k: 'fields', out, end: f.limit, start: pos, local: f.local });
          break;
        }
      }
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      issues.push({ at: e.at, message: `${e.message}${reading()}` });
      // the list (or field list) being read keeps the rest of its bytes as they are
      while (stack[stack.length - 1].k === 'term') {
        const t = stack.pop() as TermFrame;
        if (t.scoped) {
          scopes.pop();
          scopeKeys.pop();
        }
      }
      const l = stack[stack.length - 1] as ListFrame | FieldFrame;
      const bytes = b.slice(l.start, l.end);
      if (l.k === 'list') l.out.push({ code: RAW, at: l.start, args: [{ t: 'bytes', v: bytes }] });
      else l.out.push({ t: 'raw', at: l.start, bytes });
      pos = l.end;
      done = undefined;
    }
  }
  return { terms, issues };

  /** One field list element at pos (a Connect to a buffer pushes the buffer's frame). */
  function fieldElement(f: FieldFrame): FieldElement[] {
    const at = pos;
    const c = b[pos];
    if (c === FIELD_RESERVED) {
      pos++;
      const { value, pkg } = pkgLen(f.end);
      return [{ t: 'reserved', at, bits: value, pkg }];
    }
    if (c === FIELD_ACCESS) {
      need(3, f.end, 'an AccessField');
      pos += 3;
      return [{ t: 'access', at, type: b[at + 1], attrib: b[at + 2] }];
    }
    if (c === FIELD_EXT_ACCESS) {
      need(4, f.end, 'an ExtendedAccessField');
      pos += 4;
      return [{ t: 'extaccess', at, type: b[at + 1], attrib: b[at + 2], length: b[at + 3] }];
    }
    if (c === FIELD_CONNECT) {
      pos++;
      need(1, f.end, 'a ConnectField');
      if (b[pos] === 0x11) {
        const t = begin('term', f.end);
        return t ? [{ t: 'connect', at, target: t }] : [];
      }
      const n = name(f.end);
      return [{ t: 'connect', at, target: { code: NAME_REF, at: at + 1, args: [{ t: 'name', v: n }] } }];
    }
    if (!LEAD(c)) throw new Stop(at, `byte ${hex(c)} where a field list element starts`);
    const s = seg(f.end);
    const { value, pkg } = pkgLen(f.end);
    const k = scopeKeys[scopeKeys.length - 1];
    const key = k ? `${k}.${s}` : s;
    if (!f.local && !arity.has(key)) arity.set(key, -1);
    return [{ t: 'named', at, name: s, bits: value, pkg }];
  }
}
