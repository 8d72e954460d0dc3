// String: one NUL-terminated name (an IORT named component's device name); without a NUL before
// the part's end it cannot be read, and the rest of the container stays raw.
import { hex } from '../diagnostics.js';
import { fail, latin1Bytes, pathOf, setPart } from '../node.js';
import type { PartKind, PartOf } from './kind.js';

export const string: PartKind<PartOf<'string'>> = {
  decode(part, { node, ctx, from, to, path, start }) {
    const nul = ctx.buf.subarray(from, to).indexOf(0);
    if (nul < 0) {
      fail(
        ctx,
        part.unterminated ?? 'DECODE_BODY_SIZE',
        () => `${pathOf(path)}.${part.key}`,
        from,
        `${part.label} has no NUL terminator before ${hex(to - start)}`,
      );
      return undefined;
    }
    setPart(node, part, Buffer.from(ctx.buf.buffer, ctx.buf.byteOffset + from, nul).toString('latin1'));
    return from + nul + 1;
  },
  count: () => 1,
  bytes: (_part, v) => (v as string).length + 1,
  encode: (_part, v) => [latin1Bytes((v as string) + '\0')],
  describe: (part, v, _node, a) => [
    { kind: 'string', path: `${a.path}.${part.key}`, offset: a.at, width: a.size, label: part.label, value: v as string, terminated: true },
  ],
  diff: (part, a, b, path, ops) => ops.value(`${path}.${part.key}`, a.value as string | undefined, b.value as string | undefined),
  json: (part, v) => [[part.key, v as string]],
};
