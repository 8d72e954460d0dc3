// Strings: NUL-terminated names filling the part (the STAO's name list); a last name without its
// NUL is kept apart (Node.unterminated) so the bytes re-encode as they were.
import type { Node } from '../node.js';
import { latin1Bytes } from '../node.js';
import type { Entry } from '../entry.js';
import type { PartKind, PartOf } from './kind.js';

/** The names as their bytes hold them: each with its NUL, the unterminated one last. */
const textOf = (node: Node) => (node.strings ?? []).map((s) => s + '\0').join('') + (node.unterminated ?? '');

export const strings: PartKind<PartOf<'strings'>> = {
  decode(_part, { node, ctx, from, to }) {
    const text = Buffer.from(ctx.buf.buffer, ctx.buf.byteOffset + from, to - from).toString('latin1');
    const names = text.split('\0');
    const last = names.pop()!;
    node.strings = names;
    if (last.length) node.unterminated = last;
    return to;
  },
  stored: (_part, node) => (node.strings || node.unterminated ? (node.strings ?? []) : undefined),
  count: (_part, v) => (v as string[]).length,
  bytes: (_part, v, node) => (node ? textOf(node).length : (v as string[]).reduce((n, s) => n + s.length + 1, 0)),
  encode(_part, _v, node) {
    const text = textOf(node);
    return text.length ? [latin1Bytes(text)] : [];
  },
  describe(part, _v, node, a) {
    const out: Entry[] = [];
    let at = a.at;
    (node.strings ?? []).forEach((s, i) => {
      out.push({ kind: 'string', path: `${a.path}.${part.key}[${i}]`, offset: at, width: s.length + 1, label: part.label, value: s, terminated: true });
      at += s.length + 1;
    });
    if (node.unterminated) {
      const i = node.strings?.length ?? 0;
      out.push({
        kind: 'string',
        path: `${a.path}.${part.key}[${i}]`,
        offset: at,
        width: node.unterminated.length,
        label: part.label,
        value: node.unterminated,
        terminated: false,
      });
    }
    return out;
  },
  diff(part, a, b, path, ops) {
    ops.list(`${path}.${part.key}`, a.node.strings ?? [], b.node.strings ?? []);
    if ((a.node.unterminated ?? '') !== (b.node.unterminated ?? ''))
      ops.value(`${path}.${part.key}_unterminated`, a.node.unterminated ?? null, b.node.unterminated ?? null);
  },
  json: (part, _v, node) => [
    [part.key, node.strings ?? []],
    ...(node.unterminated ? [[`${part.key}_unterminated`, node.unterminated] as [string, string]] : []),
  ],
};
