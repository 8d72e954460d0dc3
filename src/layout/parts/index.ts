// The one dispatch table from a part's kind to the module that knows it.
import type { PartDef } from '../node.js';
import type { PartKind, PartOf } from './kind.js';
import { records } from './records.js';
import { subtables } from './subtables.js';
import { strings } from './strings.js';
import { string } from './string.js';
import { raw } from './raw.js';
import { matrix } from './matrix.js';

const KINDS: { [K in PartDef['kind']]: PartKind<PartOf<K>> } = { records, subtables, strings, string, raw, matrix };

/** The module of a part's kind (TypeScript cannot follow `KINDS[part.kind]` to the part's own type). */
export const kindOf = <P extends PartDef>(part: P): PartKind<P> => KINDS[part.kind] as unknown as PartKind<P>;

export { SHORT, defOfItem, segmentName, subtableDef, typeOf } from './subtables.js';
