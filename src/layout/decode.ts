// Decode: bytes into a Node. A container's fixed fields come from its layout (as many as its
// length and gates allow, by one generated parser), then each part in order, placed by its offset
// field or after the previous one and handed to its kind's module; whatever is left is the tail.
// Never throws on bad data: what cannot be read is a finding, and the bytes stay raw.
import { decoderFor } from './backends.js';
import { type Fields, type Layout, type Gate, presentCount } from './schema.js';
import { hex } from './diagnostics.js';
import {
  EMPTY,
  copy,
  countOf,
  errorsIn,
  fail,
  linksOf,
  num,
  partValue,
  pathOf,
  readUint,
  revisionAt,
  type ContainerDef,
  type CountField,
  type DecodeCtx,
  type LazyPath,
  type Node,
  type PartDef,
} from './node.js';
import { kindOf } from './parts/index.js';
import { partBytes } from './encode.js';

/** A gate naming a field its container does not declare: a fault of the declaration, not of the
 * bytes (gates are callbacks, so tsc cannot see the name; the first decode of the table throws). */
const undeclaredRead = (l: Layout, name: string) => new Error(`layout ${l.name}: a gate reads "${name}", which it does not declare`);

/** A gate for `def` at `start`: its own revision when it declares one, earlier fields readable. */
function gateFor(def: ContainerDef, ctx: DecodeCtx, start: number, length: number): Gate {
  const l = def.layout;
  const read = (name: string) => {
    const i = l.fields.findIndex((f) => f.name === name);
    if (i < 0) throw undeclaredRead(l, name);
    if (l.offsets[i + 1] > length || l.fields[i].size > 6) return 0;
    return readUint(ctx.buf, start + l.offsets[i], l.fields[i].size);
  };
  let revision = ctx.revision;
  if (def.revision) {
    const at = revisionAt(def);
    if (at !== undefined && at < length) revision = ctx.buf[start + at];
  }
  const peek = (at: number, width: 1 | 2 | 4) => (at >= 0 && at + width <= length ? readUint(ctx.buf, start + at, width) : 0);
  return { length, revision, read, peek };
}

/** Decode the container `def` occupying buf[start, end). Never throws on bad data. */
export function decodeNode(def: ContainerDef, ctx: DecodeCtx, start: number, end: number, path: LazyPath): Node {
  const length = end - start;
  if (def.minLength !== undefined && length < def.minLength) {
    fail(ctx, 'DECODE_TOO_SHORT', path, start, `${def.label} is ${length} bytes, shorter than the minimum ${def.minLength}`);
  }
  const l = def.layout;
  let inner = ctx;
  let k: number;
  if (!l.gated && !def.revision && length >= l.size) k = l.fields.length;
  else {
    const gate = gateFor(def, ctx, start, length);
    if (gate.revision !== ctx.revision) inner = { ...ctx, revision: gate.revision };
    k = presentCount(l, gate);
    const next = l.fields[k];
    const why = next?.fallback && l.offsets[k + 1] <= length ? next.fallback(gate) : undefined;
    if (why) fail(ctx, 'DECODE_REVISION_LAYOUT', () => `${pathOf(path)}.${next.name}`, start + l.offsets[k], why, 'warning');
  }
  const fixedEnd = start + l.offsets[k];
  const fields = decoderFor(l, k).decode(ctx.buf.subarray(start, fixedEnd));
  const node: Node = { fields, tail: EMPTY };
  const pos = def.parts ? decodeParts(def, node, inner, start, fixedEnd, end, path) : fixedEnd;
  node.tail = copy(ctx.buf, pos, end);
  if (def.parts) recordPartFaults(def, node);
  return node;
}

/** A declared count or size the parts do not bear out (an error was reported) is kept as read. */
function recordPartFaults(def: ContainerDef, node: Node): void {
  for (const [name, link] of linksOf(def)) {
    if (link.role === 'offset' || !(name in node.fields)) continue;
    const v = partValue(node, link.part);
    const read = node.fields[name] as number | bigint;
    const derived = v === undefined ? 0 : link.role === 'count' ? kindOf(link.part).count(link.part, v) : partBytes(link.part, v, node);
    if (BigInt(read) !== BigInt(derived)) (node.faults ??= {})[name] = read;
  }
}

/** Does the part exist in this container (its gate holds, its count/size/offset fields are there
 * and its count or size is not 0)? */
function partPresent(part: PartDef, fields: Fields, gate: Gate): boolean {
  if (part.when && !part.when(gate)) return false;
  for (const f of [part.count, part.size, part.offset]) if (typeof f === 'string' && !(f in fields)) return false;
  const count = countOf(part, fields);
  if (count === 0) return false;
  if (part.size !== undefined && num(fields[part.size]) === 0) return false;
  if (kindOf(part).present?.(part, fields) === false) return false;
  return true;
}

function decodeParts(def: ContainerDef, node: Node, ctx: DecodeCtx, start: number, fixedEnd: number, end: number, path: LazyPath): number {
  const parts = def.parts!;
  const fields = node.fields;
  const declared = (n: string) => {
    if (!def.layout.fields.some((f) => f.name === n)) throw undeclaredRead(def.layout, n);
    return num(fields[n]);
  };
  const gate: Gate = { length: end - start, revision: ctx.revision, read: declared };
  const present = parts.map((p) => partPresent(p, fields, gate));
  const startOf = (i: number) => start + num(fields[parts[i].offset!]);
  let pos = fixedEnd;
  for (let i = 0; i < parts.length; i++) {
    if (!present[i]) continue;
    const part = parts[i];
    let from = pos;
    if (part.offset !== undefined) {
      from = startOf(i);
      if (part.offsetInsideFixed === 'after' && pos === fixedEnd && from < fixedEnd && from - start >= firstGated(def.layout)) {
        fail(
          ctx,
          'DECODE_OFFSET_INSIDE',
          () => `${pathOf(path)}.${part.offset}`,
          start + offsetOfField(def.layout, part.offset!),
          `${part.offset} ${hex(from - start)} points inside the fixed fields (they end at ${hex(fixedEnd - start)}); the ` +
            `${part.label.toLowerCase()} are read right after them, as ACPICA does`,
          'warning',
        );
        (node.faults ??= {})[part.offset] = node.fields[part.offset] as number;
        from = fixedEnd;
      }
      if (from < pos || from > end) {
        const fieldAtOff = start + offsetOfField(def.layout, part.offset);
        fail(
          ctx,
          'DECODE_BODY_OFFSET',
          () => `${pathOf(path)}.${part.offset}`,
          fieldAtOff,
          `${part.offset} ${hex(from - start)} is outside the space after the ${pos === fixedEnd ? 'fixed fields' : 'previous part'} ` +
            `(${hex(pos - start)}..${hex(end - start)})`,
        );
        return pos;
      }
    }
    // a part sized by nothing runs to the next part placed by an offset, or to the end
    let to = end;
    if (part.size !== undefined) {
      to = from + num(fields[part.size]);
      if (to > end) {
        fail(ctx, 'DECODE_BODY_SIZE', () => `${pathOf(path)}.${part.size}`, from, `${part.size} ${to - from} runs past the end (${hex(end - start)} bytes)`);
        return pos;
      }
    } else {
      for (let j = i + 1; j < parts.length; j++) {
        if (present[j] && parts[j].offset !== undefined && startOf(j) >= from && startOf(j) <= end) {
          to = Math.min(to, startOf(j));
          break;
        }
      }
    }
    const errors = errorsIn(ctx);
    // a count that promises more than fits is the count field's fault: findings point at it
    const countField: CountField | undefined =
      typeof part.count === 'string' ? { path: () => `${pathOf(path)}.${part.count}`, at: start + offsetOfField(def.layout, part.count as string) } : undefined;
    const after = kindOf(part).decode(part, { node, ctx, from, to, count: countOf(part, fields), path, start, countField, decodeNode });
    if (after === undefined) return pos; // nothing decoded: the rest stays raw
    if (partValue(node, part) === undefined) continue; // an empty raw part: nothing there
    if (from > pos) (node.pads ??= {})[part.key] = copy(ctx.buf, pos, from);
    pos = after;
    if (errorsIn(ctx) > errors) return pos; // what follows a broken part stays raw
  }
  return pos;
}

/** Offset of the first field whose presence depends on more than the length (`when`). */
function firstGated(l: Layout): number {
  const i = l.fields.findIndex((f) => f.when);
  return i < 0 ? l.size : l.offsets[i];
}

function offsetOfField(l: Layout, name: string): number {
  return l.offsets[l.fields.findIndex((f) => f.name === name)];
}
