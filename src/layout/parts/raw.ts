// Raw: bytes kept as they are (an undecoded revision's node interface, OEM data), up to the next
// part placed by an offset or the container's end.
import { copy, setPart } from '../node.js';
import { hexBytes } from '../values.js';
import type { PartKind, PartOf } from './kind.js';

export const raw: PartKind<PartOf<'raw'>> = {
  decode(part, { node, ctx, from, to }) {
    if (to > from) setPart(node, part, copy(ctx.buf, from, to));
    return to;
  },
  count: (_part, v) => (v as Uint8Array).length,
  bytes: (_part, v) => (v as Uint8Array).length,
  encode: (_part, v) => [v as Uint8Array],
  describe: (part, v, _node, a) => [
    { kind: 'raw', role: 'data', path: `${a.path}.${part.key}`, offset: a.at, width: a.size, label: part.label, value: v as Uint8Array },
  ],
  diff: (part, a, b, path, ops) => ops.bytes(`${path}.${part.key}`, a.value as Uint8Array | undefined, b.value as Uint8Array | undefined),
  json: (part, v) => [[part.key, hexBytes(v as Uint8Array)]],
};
