// A definition block printed as ASL, laid out as `iasl -d` lays it out (a DefinitionBlock, nested
// scopes with braces on lines of their own, four-space indents), with every term written so that
// iasl compiles it back to the same bytes wherever the encoding is one iasl itself writes: integers
// keep their width (0x0F, 0x000F, …), Zero/One/Ones stay keywords, names keep their path, reserved
// field bits are written as `, n`, and a byte the grammar gives a keyword (a region's space, a
// field's flags, a method's flags, an External's type, a Match operator) is written as that keyword.
// Method bodies use ASL 2.0 operators (`Local0 = (Arg0 + One)`, `(A && B)`, `X++`, `BUF [I]`) where
// they compile back to the same opcodes, ASL 1.0 calls elsewhere (iasl folds `x = op` into op's
// target, so a Store of such an operator stays `Store (...)`); the walk uses an explicit stack. A
// TermList read when first asked for is read as the walk comes to it and not kept, so printing a
// block holds only the lists it is in; the text goes to one sink (text.ts), not a string a line.
import { BY_CODE, CALL, NAME_REF, NULL_NAME, RAW, type ArgKind } from './opcodes.js';
import { connectionAsl, templateAsl } from './resources.js';
import { SPACE } from './resource-kinds.js';
import { hexN, pad, TextSink } from './text.js';
import { faultsOnce, nameText, termsOnce, type AmlIssue, type Arg, type FieldElement, type Term } from './tree.js';

const WIDTH: Partial<Record<ArgKind, number>> = { byte: 2, word: 4, dword: 8, qword: 16 };

/** §19.6.45 External ObjectType keywords. */
const OBJECT_TYPES = [
  'UnknownObj',
  'IntObj',
  'StrObj',
  'BuffObj',
  'PkgObj',
  'FieldUnitObj',
  'DeviceObj',
  'EventObj',
  'MethodObj',
  'MutexObj',
  'OpRegionObj',
  'PowerResObj',
  'ProcessorObj',
  'ThermalZoneObj',
  'BuffFieldObj',
  'DDBHandleObj',
];
const MATCH = ['MTR', 'MEQ', 'MLE', 'MLT', 'MGE', 'MGT'];
const ACCESS = ['AnyAcc', 'ByteAcc', 'WordAcc', 'DWordAcc', 'QWordAcc', 'BufferAcc'];
const UPDATE = ['Preserve', 'WriteAsOnes', 'WriteAsZeros'];
/** AccessAs attributes (§19.6.2): the plain ones by value, the ones with a length by value. */
const ATTRIB: Record<number, string> = {
  0x02: 'AttribQuick',
  0x04: 'AttribSendReceive',
  0x06: 'AttribByte',
  0x08: 'AttribWord',
  0x0a: 'AttribBlock',
  0x0c: 'AttribProcessCall',
  0x0d: 'AttribBlockProcessCall',
};
const EXT_ATTRIB: Record<number, string> = { 0x0b: 'AttribBytes', 0x0e: 'AttribRawBytes', 0x0f: 'AttribRawProcessBytes' };

/** A field's flags byte as its three keywords, or undefined when a keyword cannot say it. */
function fieldFlags(v: number): string | undefined {
  const [a, l, u] = [v & 0x0f, (v >> 4) & 1, (v >> 5) & 3];
  if (v & 0x80 || a >= ACCESS.length || u >= UPDATE.length) return undefined;
  return `${ACCESS[a]}, ${l ? 'Lock' : 'NoLock'}, ${UPDATE[u]}`;
}

/** A string of printable ASCII without quotes or backslashes: written as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A string as ASL writes it: quotes and backslashes escaped, other bytes outside printable ASCII as \xNN. */
export function aslString(s: string): string {
  if (PLAIN.test(s)) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c < 0x20 || c > 0x7e) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** What the walk writes: text, a term (in an expression), a field list, or the statements of a
 * TermList from the `i`th on. */
type Item =
  | string
  | { k: typeof TERM; term: Term; indent: number }
  | { k: typeof FIELDS; fields: FieldElement[]; indent: number }
  | { k: typeof LIST; list: Term[]; i: number; indent: number }
  /** the line being written shows what starts at this table offset */
  | { k: typeof MARK; mark: number };
const [TERM, FIELDS, LIST, MARK] = [0, 1, 2, 3] as const;

/** The bytes of a buffer as iasl lists them: eight a line, with commas. */
function byteLines(bytes: Uint8Array, indent: number): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) {
    const row = Array.from(bytes.subarray(i, i + 8), (x) => hexN(x, 2));
    lines.push(pad(indent) + row.join(', ') + (i + 8 < bytes.length ? ',' : ''));
  }
  return lines.join('\n');
}

/** Whether a Buffer's size is what iasl writes for a ResourceTemplate or a Connection's macro: the
 * count of its bytes, as the narrowest integer prefix that holds it (aslopcodes.c
 * OpcSetOptimalIntegerSize; the count is above 1, so never Zero or One). */
function compiledSize(t: Term): boolean {
  if (BY_CODE.get(t.code)?.asl !== 'Buffer') return false;
  const size = t.args[0];
  const bytes = t.args[1];
  if (size?.t !== 'term' || bytes?.t !== 'bytes') return false;
  const n = bytes.v.length;
  const want = n <= 0xff ? 'BytePrefix' : n <= 0xffff ? 'WordPrefix' : 'DWordPrefix';
  const v = size.v.args[0];
  return BY_CODE.get(size.v.code)?.asl === want && v?.t === 'int' && Number(v.v) === n;
}

/** The keyword a byte argument stands for (by the opcode's ASL name and the argument's index). */
function keyword(asl: string, i: number, v: number, args: Arg[]): string | undefined {
  if (asl === 'OperationRegion' && i === 1) return SPACE[v] ?? hexN(v, 2);
  if (asl === 'External' && i === 1) return OBJECT_TYPES[v];
  if (asl === 'External' && i === 2) return '';
  if (asl === 'Match' && (i === 1 || i === 3)) return MATCH[v];
  if (asl === 'Method' && i === 1) return `${v & 7}, ${v & 8 ? 'Serialized' : 'NotSerialized'}${v >> 4 ? `, ${v >> 4}` : ''}`;
  if ((asl === 'Field' && i === 1) || (asl === 'IndexField' && i === 2) || (asl === 'BankField' && i === 3)) return fieldFlags(v);
  void args;
  return undefined;
}

/** ASL 2.0 operators (ACPI 6.5 §19.2.4) for the opcodes that have one: binary ones with a Target
 * last, and the logical ones without. */
const BINARY: Readonly<Record<string, string>> = {
  Add: '+',
  Subtract: '-',
  Multiply: '*',
  Mod: '%',
  And: '&',
  Or: '|',
  XOr: '^',
  ShiftLeft: '<<',
  ShiftRight: '>>',
};
const LOGICAL: Readonly<Record<string, string>> = { LAnd: '&&', LOr: '||', LEqual: '==', LGreater: '>', LLess: '<' };
/** LNot of a comparison, as one operator (iasl writes both opcodes for it). */
const NEGATED: Readonly<Record<string, string>> = { LEqual: '!=', LGreater: '<=', LLess: '>=' };

const aslOf = (t: Term) => BY_CODE.get(t.code)?.asl;
const termArg = (t: Term, i: number) => {
  const a = t.args[i];
  return a?.t === 'term' ? a.v : undefined;
};
/** Whether an opcode's last argument is a Target (Add, ToInteger, Index, …): iasl folds `x = op`
 * into that target, so such a term is only written `x = …` when it has that target itself. */
const hasTarget = (t: Term) => BY_CODE.get(t.code)?.args.at(-1) === 'result';
const nullTarget = (t: Term) => termArg(t, t.args.length - 1)?.code === NULL_NAME;

/**
 * A term in ASL 2.0 form where that form compiles back to the same opcodes (iasl -oa), else
 * undefined: in an expression, `(a + b)` for a binary operator without a target, `!a`, `(a != b)`,
 * `a [i]`; as a statement, `t = (a + b)` for one with a target, `x = y` for a Store of anything but
 * an operator with a target slot (iasl would fold the store into it), `x++`, `x--`.
 */
function operatorForm(t: Term, statement: boolean, expr: (x: Term) => Item): Item[] | undefined {
  const asl = OPERATORS.get(t.code);
  if (!asl) return undefined;
  const a = termArg(t, 0);
  const b = termArg(t, 1);
  if (BINARY[asl] && a && b) {
    const target = termArg(t, 2);
    if (!target) return undefined;
    if (target.code === NULL_NAME) return statement ? undefined : ['(', expr(a), ` ${BINARY[asl]} `, expr(b), ')'];
    return statement ? [expr(target), ' = (', expr(a), ` ${BINARY[asl]} `, expr(b), ')'] : undefined;
  }
  if (statement) {
    if (asl === 'Store' && a && b && !hasTarget(a) && a.code !== NULL_NAME) return [expr(b), ' = ', expr(a)];
    if ((asl === 'Increment' || asl === 'Decrement') && a && a.code !== NULL_NAME) return [expr(a), asl === 'Increment' ? '++' : '--'];
    return undefined;
  }
  if (LOGICAL[asl] && a && b) return ['(', expr(a), ` ${LOGICAL[asl]} `, expr(b), ')'];
  if (asl === 'LNot' && a) {
    const inner = aslOf(a);
    const x = termArg(a, 0);
    const y = termArg(a, 1);
    if (inner && NEGATED[inner] && x && y) return ['(', expr(x), ` ${NEGATED[inner]} `, expr(y), ')'];
    return ['!', expr(a)];
  }
  if (asl === 'Not' && a && nullTarget(t)) return ['~', expr(a)];
  if (asl === 'Index' && a && b && nullTarget(t) && (a.code === NAME_REF || aslOf(a)?.startsWith('Local') || aslOf(a)?.startsWith('Arg')))
    return [expr(a), ' [', expr(b), ']'];
  return undefined;
}

/** The opcodes operatorForm may write as an operator, with their ASL names. */
const OPERATORS: ReadonlyMap<number, string> = new Map(
  [...BY_CODE.values()]
    .filter((d) => BINARY[d.asl] || LOGICAL[d.asl] || ['Store', 'Increment', 'Decrement', 'LNot', 'Not', 'Index'].includes(d.asl))
    .map((d) => [d.code, d.asl]),
);

/** Each opcode's arguments (its PkgLength left out: no argument of the term). */
const ARGS: ReadonlyMap<number, readonly ArgKind[]> = new Map([...BY_CODE.values()].map((d) => [d.code, d.args.filter((k) => k !== 'pkg')]));

/** The ASL of a term that holds no other term (a name, an integer, a string, Zero, Local0, …),
 * or undefined for one that does. */
function leafText(t: Term): string | undefined {
  if (t.code === NAME_REF) return t.args[0].t === 'name' ? nameText(t.args[0].v) || '\\' : '';
  if (t.code === NULL_NAME) return '';
  const def = BY_CODE.get(t.code);
  if (!def) return undefined;
  if (!def.args.length) return def.asl;
  const a0 = t.args[0];
  switch (def.asl) {
    case 'BytePrefix':
    case 'WordPrefix':
    case 'DWordPrefix':
    case 'QWordPrefix':
      return a0.t === 'int' ? hexN(a0.v, WIDTH[def.args[0]]!) : '';
    case 'StringPrefix':
      return a0.t === 'string' ? aslString(a0.v) : '""';
  }
  return undefined;
}

/** The text and the terms a term's ASL is made of, in order (`statement`: it stands alone in a
 * TermList, where an operator with a target reads as an assignment). */
function expand(t: Term, indent: number, issues: AmlIssue[], statement = false): Item[] {
  const leaf = leafText(t);
  if (leaf !== undefined) return [leaf];
  const items: Item[] = [];
  const expr = (x: Term): Item => leafText(x) ?? { k: TERM, term: x, indent };
  const op = operatorForm(t, statement, expr);
  if (op) return op;
  if (t.code === RAW) {
    const bytes = t.args[0].t === 'bytes' ? t.args[0].v : new Uint8Array();
    return [
      `/* ${bytes.length} bytes that are no AML terms: ${Array.from(bytes.subarray(0, 16), (x) => hexN(x, 2)).join(' ')}${bytes.length > 16 ? ' …' : ''} */`,
    ];
  }
  if (t.code === CALL) {
    items.push(t.args[0].t === 'name' ? nameText(t.args[0].v) : '', ' (');
    for (let i = 1; i < t.args.length; i++) {
      const a = t.args[i];
      if (i > 1) items.push(', ');
      if (a.t === 'term') items.push(expr(a.v));
    }
    items.push(')');
    return items;
  }
  const def = BY_CODE.get(t.code)!;
  const grammar = ARGS.get(t.code)!;
  const a0 = t.args[0];
  switch (def.asl) {
    case 'Buffer': {
      const bytes = t.args[1]?.t === 'bytes' ? t.args[1].v : new Uint8Array();
      const template = compiledSize(t) ? templateAsl(bytes, indent + 1) : undefined;
      if (template !== undefined) return [`ResourceTemplate ()\n${pad(indent)}{\n${template}${pad(indent)}}`];
      items.push('Buffer (', a0.t === 'term' ? expr(a0.v) : '', ')');
      items.push(bytes.length ? `\n${pad(indent)}{\n${byteLines(bytes, indent + 1)}\n${pad(indent)}}` : ' {}');
      return items;
    }
    case 'Package':
    case 'VarPackage': {
      const list = t.args[1]?.t === 'terms' ? t.args[1].v : [];
      items.push('Package (', a0.t === 'int' ? hexN(a0.v, 2) : a0.t === 'term' ? expr(a0.v) : '', ')');
      if (!list.length) return [...items, ' {}'];
      items.push(`\n${pad(indent)}{\n`);
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        items.push(pad(indent + 1), leafText(e) ?? { k: TERM, term: e, indent: indent + 1 }, i + 1 < list.length ? ',\n' : '\n');
      }
      items.push(`${pad(indent)}}`);
      return items;
    }
  }
  items.push(def.asl, ' (');
  let first = true;
  for (let i = 0; i < t.args.length; i++) {
    const a = t.args[i];
    const kind = grammar[i];
    // the lists are no arguments ASL writes in the parentheses; a TermList not printed (a Method
    // that is an argument, never a statement) is read for its faults
    if (kind === 'terms' && !statement && a.t === 'terms') faultsOnce(a, issues);
    if (kind === 'terms' || kind === 'fields' || kind === 'elements' || kind === 'bytes') continue;
    const k = a.t === 'int' ? keyword(def.asl, i, Number(a.v), t.args) : undefined;
    if (k === '') continue; // said by the keyword before it
    if (!first) items.push(', ');
    first = false;
    if (k !== undefined) items.push(k);
    else if (a.t === 'int') items.push(hexN(a.v, WIDTH[kind] ?? 2));
    else if (a.t === 'name') items.push(nameText(a.v) || '\\');
    else if (a.t === 'string') items.push(aslString(a.v));
    else if (a.t === 'term') items.push(expr(a.v));
  }
  items.push(')');
  return items;
}

/** A statement, on the line being written: its ASL (the text before its first term written at
 * once), then its block (TermList or field list) when it has one; what is left to write is pushed
 * on the walk's stack. `next`: the statement after it in its list. */
function statement(out: TextSink, stack: Item[], t: Term, indent: number, next: Term | undefined, issues: AmlIssue[]): void {
  const def = BY_CODE.get(t.code);
  out.mark(t.at);
  out.put(pad(indent));
  const head = def?.asl === 'Else' ? ['Else'] : expand(t, indent, issues, true);
  let h = 0;
  while (h < head.length && typeof head[h] === 'string') out.put(head[h++] as string);
  // a TermList or a field list is the last argument
  const tail = def?.args.length ? t.args[t.args.length - 1] : undefined;
  const body = tail?.t === 'terms' && def!.args.includes('terms') ? termsOnce(tail, issues) : undefined;
  const fields = tail?.t === 'fields' ? tail.v : undefined;
  if (body || fields) {
    // a blank line after a block, as iasl leaves one (not at the end of a list, nor between an If
    // and its Else)
    if (next && BY_CODE.get(next.code)?.asl !== 'Else') stack.push('\n');
    stack.push(`${pad(indent)}}\n`);
    stack.push(body ? { k: LIST, list: body, i: 0, indent: indent + 1 } : { k: FIELDS, fields: fields!, indent: indent + 1 });
    stack.push(`\n${pad(indent)}{\n`);
  } else stack.push('\n');
  for (let k = head.length - 1; k >= h; k--) stack.push(head[k]);
}

/** A field list's elements, one a line. */
function fieldLines(list: FieldElement[], indent: number): Item[] {
  const items: Item[] = [];
  list.forEach((e, i) => {
    const sep = i + 1 < list.length ? ',\n' : '\n';
    items.push({ k: MARK, mark: e.at }, pad(indent));
    switch (e.t) {
      case 'named':
        items.push(`${e.name.replace(/(.)_+$/, '$1')}, ${e.bits}`);
        break;
      case 'reserved':
        items.push(`, ${e.bits}`);
        break;
      case 'access': {
        const kind = e.type >> 6;
        const attr = kind ? `${EXT_ATTRIB[[0, 0x0b, 0x0e, 0x0f][kind]]} (${hexN(e.attrib, 2)})` : (ATTRIB[e.attrib] ?? hexN(e.attrib, 2));
        items.push(`AccessAs (${ACCESS[e.type & 0x0f] ?? hexN(e.type, 2)}, ${attr})`);
        break;
      }
      case 'extaccess':
        items.push(`AccessAs (${ACCESS[e.type & 0x0f] ?? hexN(e.type, 2)}, ${EXT_ATTRIB[e.attrib] ?? hexN(e.attrib, 2)} (${hexN(e.length, 2)}))`);
        break;
      case 'connect': {
        // a buffer iasl writes from a resource macro is printed as that macro
        const b = e.target.args[1];
        const macro = compiledSize(e.target) && b?.t === 'bytes' ? connectionAsl(b.v, indent + 1) : undefined;
        if (macro !== undefined) items.push(`Connection (\n${pad(indent + 1)}${macro}\n${pad(indent)})`);
        else items.push('Connection (', { k: TERM, term: e.target, indent }, ')');
        break;
      }
      case 'raw':
        items.push(`/* ${e.bytes.length} bytes that are no field list elements */`);
        break;
    }
    items.push(sep);
  });
  return items;
}

/** The header fields DefinitionBlock names. */
export interface BlockHeader {
  signature: string;
  revision: number;
  oemId: string;
  oemTableId: string;
  oemRevision: number;
}

/** A definition block's ASL: the text (its lines end in '\n', but the last), where each line starts,
 * and the table offset each statement's and field element's first line shows (-1 for the others;
 * line 0 is the DefinitionBlock line). */
export interface AslText {
  text: string;
  starts: Int32Array;
  marks: Int32Array;
}

/** A definition block's ASL (see AslText). A TermList read when first asked for is read once and not
 * kept, its faults given to `issues`. */
export function aslText(header: BlockHeader, terms: Term[], issues: AmlIssue[] = []): AslText {
  const out = new TextSink();
  out.put(
    `DefinitionBlock ("", ${aslString(header.signature)}, ${header.revision}, ${aslString(header.oemId)}, ${aslString(header.oemTableId)}, ` +
      `${hexN(header.oemRevision, 8)})\n{\n`,
  );
  const stack: Item[] = [{ k: LIST, list: terms, i: 0, indent: 1 }];
  while (stack.length) {
    const it = stack[stack.length - 1];
    if (typeof it === 'string') {
      stack.pop();
      out.put(it);
    } else if (it.k === LIST) {
      if (it.i === it.list.length) stack.pop();
      else {
        const t = it.list[it.i++];
        statement(out, stack, t, it.indent, it.list[it.i], issues);
      }
    } else {
      stack.pop();
      if (it.k === MARK) out.mark(it.mark);
      else {
        const items = it.k === FIELDS ? fieldLines(it.fields, it.indent) : expand(it.term, it.indent, issues);
        for (let k = items.length - 1; k >= 0; k--) stack.push(items[k]);
      }
    }
  }
  out.put('}');
  return out.take();
}

/** A definition block's ASL, as text ending in a line end. */
export const printAsl = (header: BlockHeader, terms: Term[]): string => aslText(header, terms).text + '\n';
