// Subtables: type/length structures of a family (MADT, IORT, PPTT, SRAT, ...), each decoded by the
// definition its type selects, walked by length with one guard against lengths that are 0, shorter
// than the header or past the end; a subtable below its type's minimum is walked past and kept raw.
import { arrayDecoderFor } from '../backends.js';
import { hex } from '../diagnostics.js';
import { presentCount, type Fields } from '../schema.js';
import {
  EMPTY,
  copy,
  fail,
  pathOf,
  readUint,
  revisionAt,
  revisionOf,
  setPart,
  variantFor,
  type ContainerDef,
  type Node,
  type SubtableFamily,
} from '../node.js';
import type { DecodeArgs, PartKind, PartOf } from './kind.js';
import { describeItems } from './list.js';

/** The definition of a subtable type (the variant its revision selects, when its fields say). */
export function subtableDef(fam: SubtableFamily, type: number, fields?: Fields): ContainerDef {
  const def = fam.types.get(type) ?? fam.unknown;
  return def.variants && fields ? variantFor(def, revisionOf(def, fields)) : def;
}

export function segmentName(fam: SubtableFamily, type: number): string {
  if (type === SHORT) return 'short_subtable';
  return fam.types.has(type) ? fam.types.get(type)!.name : `type_${hex(type, 2)}`;
}

/** The type of a subtable shorter than its type's minimum: walked past by its length, as Linux's
 * walkers do, and kept whole as raw bytes (no fields, so no rule reads it as its type). */
export const SHORT = -1;

/** The type of a subtable from its fields (untyped families: 0; a short one: SHORT). */
export function typeOf(fam: SubtableFamily, n: Node): number {
  if (fam.typeWidth === 0) return 0;
  return n.fields.type === undefined ? SHORT : Number(n.fields.type);
}

/** The definition of a decoded or built subtable. */
export function defOfItem(fam: SubtableFamily, n: Node): ContainerDef {
  return subtableDef(fam, typeOf(fam, n), n.fields);
}

/** What is wrong with a subtable's length, by the code that says it (no problem: undefined). */
function lengthProblem(fam: SubtableFamily, len: number, pos: number, to: number): [string, string | undefined] {
  if (len === 0) return ['DECODE_SUBTABLE_LENGTH_ZERO', fam.lengthWidth === undefined ? 'has a type whose size is unknown' : 'has length 0'];
  if (len < fam.headerSize) return ['DECODE_SUBTABLE_TOO_SHORT', `has length ${len}, shorter than its ${fam.headerSize}-byte header`];
  if (pos + len > to) return ['DECODE_SUBTABLE_OVERRUN', `has length ${len} and runs past the end at ${hex(to)}`];
  return ['DECODE_SUBTABLE_TOO_SHORT', undefined];
}

/** The run of subtables from `pos` that are each `len` bytes of exactly the fixed fields of `def`
 * (at most `room`, each further one accepted by `same`), decoded in one call; one at most when the
 * fixed fields are not the whole subtable. */
function runAt(ctx: DecodeArgs['ctx'], def: ContainerDef, pos: number, len: number, to: number, room: number, same: (at: number) => boolean) {
  const l = def.layout;
  const k = !l.gated && len >= l.size ? l.fields.length : presentCount(l, { length: len, revision: ctx.revision });
  if (l.offsets[k] !== len) return [];
  let run = 1;
  for (let at = pos + len; run < room && at + len <= to && same(at); at += len) run++;
  return run > 1 ? arrayDecoderFor(l, k).decode(ctx.buf.subarray(pos, pos + run * len)) : [];
}

/** The one guarded subtable walker: rejects length 0, shorter than the header, or past the end. */
function walk(part: PartOf<'subtables'>, { node, ctx, from, to, count, path, countField, decodeNode }: DecodeArgs): number {
  const fam = part.family;
  const items: Node[] = [];
  let pos = from;
  const buf = ctx.buf;
  let type = 0;
  const typeWidth = fam.typeWidth ?? 1;
  const typeAt = (at: number) => (typeWidth === 0 ? 0 : readUint(buf, at + (fam.typeOffset ?? 0), typeWidth));
  const lengthAt = (at: number, def: ContainerDef) =>
    fam.lengthWidth !== undefined
      ? readUint(buf, at + fam.lengthOffset!, fam.lengthWidth)
      : def.sizeAt
        ? def.sizeAt(buf, at)
        : def === fam.unknown
          ? 0
          : def.layout.size;
  // the path of the subtable being decoded, built only if a finding needs it
  const current = () => `${pathOf(path)}.${segmentName(fam, type)}[${items.filter((it) => typeOf(fam, it) === type).length}]`;
  while (count === undefined ? pos < to : items.length < count) {
    const idx = items.length;
    if (to - pos < fam.headerSize) {
      // no room for another header: fewer than the count said, or bytes left over
      if (count !== undefined)
        fail(
          ctx,
          'DECODE_COUNT_OVERRUN',
          countField?.path ?? path,
          countField?.at ?? pos,
          `${count} subtables declared, only ${idx} fit before the end at ${hex(to)}`,
        );
      else fail(ctx, 'DECODE_TRAILING_BYTES', path, pos, `${to - pos} byte(s) after the last subtable, too few for a subtable header`, 'warning');
      break;
    }
    type = typeAt(pos);
    let def = subtableDef(fam, type);
    if (def.variants) {
      const at = revisionAt(def);
      if (at !== undefined && pos + at < to) def = variantFor(def, buf[pos + at]);
    }
    const len = lengthAt(pos, def);
    const [code, problem] = lengthProblem(fam, len, pos, to);
    if (problem) {
      // Linux's walkers stop here too: what follows stays raw (lossless)
      fail(ctx, code, () => `${current()}.length`, pos, `subtable ${idx} (${def.label}, type ${hex(type, 2)}) ${problem}`);
      break;
    }
    // below its type's minimum: Linux's walkers go on by the length (the type's handler refuses
    // it), so the walk does too; it is kept whole as raw bytes, with no fields a rule could read
    const short = def.minLength !== undefined && len < def.minLength && fam.lengthWidth !== undefined;
    if (short) {
      const n = items.filter((it) => it.fields.type === undefined).length;
      const ty = type;
      fail(
        ctx,
        'DECODE_SUBTABLE_TOO_SHORT',
        () => `${pathOf(path)}.short_subtable[${n}].length`,
        pos + fam.lengthOffset!,
        `subtable ${idx} (${def.label}, type ${hex(ty, 2)}) has length ${len}, below the minimum ${def.minLength}; the walk goes on past it by its length`,
      );
    } else if (!def.parts && !def.revision && !part.target && fam.lengthWidth !== undefined) {
      // a run of same-type, same-length subtables that are exactly their fixed fields (no parts, no
      // extra bytes) decodes in one call; each was checked like the first
      const room = count === undefined ? Infinity : count - items.length;
      const run = runAt(ctx, def, pos, len, to, room, (at) => typeAt(at) === type && lengthAt(at, def) === len);
      if (run.length > 1) {
        for (const fields of run) items.push({ fields, tail: EMPTY });
        pos += run.length * len;
        continue;
      }
    }
    const item: Node = short ? { fields: {}, tail: copy(buf, pos, pos + len) } : decodeNode(def, ctx, pos, pos + len, current);
    if (part.target) item.at = pos;
    items.push(item);
    pos += len;
  }
  setPart(node, part, items);
  return pos;
}

export const subtables: PartKind<PartOf<'subtables'>> = {
  decode: walk,
  count: (_part, v) => (v as Node[]).length,
  bytes: (part, v, _node, nodeSize) => (v as Node[]).reduce((n, it) => n + nodeSize(defOfItem(part.family, it), it), 0),
  encode: (part, v, _node, ectx, encodeNode) => (v as Node[]).map((n) => encodeNode(defOfItem(part.family, n), n, ectx)),
  describe: (part, v, _node, a) =>
    describeItems(
      v as Node[],
      (it) => defOfItem(part.family, it),
      (it) => segmentName(part.family, typeOf(part.family, it)),
      (it) => a.nodeSize(defOfItem(part.family, it), it),
      'subtable',
      a,
    ),
  json: (part, v, _node, nodeJson) => [
    [
      part.key === 'items' ? 'subtables' : part.key,
      (v as Node[]).map((it) => ({ kind: segmentName(part.family, typeOf(part.family, it)), ...nodeJson(defOfItem(part.family, it), it) })),
    ],
  ],
  nested: (part) => [...part.family.types.values(), part.family.unknown],
  diff: (_part, a, b, _path, ops) => ops.items((a.value as Node[] | undefined) ?? [], (b.value as Node[] | undefined) ?? []),
  item: {
    def: (part, it) => defOfItem(part.family, it),
    segment: (part, it) => segmentName(part.family, typeOf(part.family, it)),
    size: (part, it, nodeSize) => nodeSize(defOfItem(part.family, it), it),
  },
};
