// A referee for the declarations reader (src/aml/declarations.ts): the namespace a set's term trees
// declare, worked out from the trees the term reader built, the plain way — every scope-level
// statement visited, scopes followed as paths of segments. readAml builds its namespace without the
// trees; the two must agree on every block, hostile ones included (the fuzzer's AML property and
// test/aml hold them to it).
import { BY_CODE } from '../src/aml/opcodes.js';
import type { AmlSet } from '../src/aml/index.js';
import type { AmlName, Term } from '../src/aml/tree.js';

type Path = readonly string[];

const resolve = (scope: Path, n: AmlName): Path => (n.root ? n.segs : [...scope.slice(0, Math.max(0, scope.length - n.parents)), ...n.segs]);

/** One object as both sides name it: path (segments as stored), kind, offset, under a condition. */
const line = (segs: Path, kind: string, offset: number, conditional: boolean) => `\\${segs.join('.')} ${kind} @${offset}${conditional ? ' conditional' : ''}`;

/** The namespace the set's blocks declare, from their trees, one line per object in readAml's
 * order (predefined scopes first; an External whose object is declared left out). */
export function treeNamespace(set: AmlSet): string[] {
  const scopes: { key: string; text: string }[] = [];
  const objects: { key: string; kind: string; text: string }[] = [];
  for (const block of set.blocks) {
    const stack: { terms: readonly Term[]; i: number; scope: Path; conditional: boolean }[] = [{ terms: block.terms, i: 0, scope: [], conditional: false }];
    while (stack.length) {
      const f = stack[stack.length - 1];
      if (f.i >= f.terms.length) {
        stack.pop();
        continue;
      }
      const t = f.terms[f.i++];
      const def = BY_CODE.get(t.code);
      if (!def) continue;
      // a TermList (not a package's elements, which hold values, not statements; not a method's body,
      // whose objects are the method's own)
      const body = def.declares?.kind === 'Method' || !def.args.includes('terms') ? undefined : t.args.find((a) => a.t === 'terms');
      if (def.declares) {
        const a = t.args[def.declares.arg];
        if (a?.t !== 'name') continue;
        const segs = resolve(f.scope, a.v);
        const entry = { key: segs.join('.'), kind: def.declares.kind, text: line(segs, def.declares.kind, t.at, f.conditional) };
        (def.declares.kind === 'Scope' ? scopes : objects).push(entry);
        if (def.scope && body?.t === 'terms') stack.push({ terms: body.v, i: 0, scope: segs, conditional: f.conditional });
        continue;
      }
      const fields = t.args.find((a) => a.t === 'fields');
      if (fields?.t === 'fields') {
        for (const e of fields.v)
          if (e.t === 'named')
            objects.push({ key: [...f.scope, e.name].join('.'), kind: 'FieldUnit', text: line([...f.scope, e.name], 'FieldUnit', e.at, f.conditional) });
        continue;
      }
      // If, Else, While: what they declare is there only when the condition holds
      if (def.args[0] === 'pkg' && body?.t === 'terms') stack.push({ terms: body.v, i: 0, scope: f.scope, conditional: true });
    }
  }
  const declared = new Set(objects.filter((o) => o.kind !== 'External').map((o) => o.key));
  const seen = new Set<string>();
  const predefined = scopes.filter((s) => {
    if (!s.key || declared.has(s.key) || seen.has(s.key)) return false;
    seen.add(s.key);
    return true;
  });
  return [...predefined, ...objects.filter((o) => o.kind !== 'External' || !declared.has(o.key))].map((o) => o.text);
}

/** The namespace readAml built, in the same lines. */
export const readNamespace = (set: AmlSet): string[] => set.namespace.map((o) => line(o.segs, o.kind, o.offset, o.conditional === true));
