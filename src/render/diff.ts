// diff output: text grouped by table (coloured when asked), or JSON.
import type { Change } from '../diff/table.js';
import type { Json } from '../layout/values.js';
import { paint as painted, type Colour } from './colour.js';
import { shown } from './escape.js';

/** A line painted: what it quotes (firmware strings, file names) shown as escapes first, so a CR,
 * an LF or an escape sequence in an OEM ID can neither split the line nor act on the terminal. */
const paint = (on: boolean, colour: Colour, text: string): string => painted(on, colour, shown(text));

const show = (v: Json | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const SIGN = { added: '+', removed: '-', changed: '~' } as const;
const COLOUR: Record<Change['kind'], Colour> = { added: 'green', removed: 'red', changed: 'yellow' };

const isRecord = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object's leaves as dotted keys (a struct's fields under its name). */
function flatten(o: { [k: string]: Json }, prefix = ''): [string, Json][] {
  return Object.entries(o).flatMap(([k, v]) => (isRecord(v) ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, Json]]));
}

export function renderDiffText(a: string, b: string, changes: Change[], colour: boolean): string {
  if (!changes.length) return `${shown(a)} and ${shown(b)}: no differences\n`;
  const out = [`--- ${shown(a)}`, `+++ ${shown(b)}`];
  let table = '';
  for (const c of changes) {
    const [t, ...rest] = c.path.split('.');
    const field = rest.join('.');
    if (!field) {
      out.push(paint(colour, COLOUR[c.kind], `${SIGN[c.kind]} ${t}${c.kind === 'added' ? ' (table added)' : c.kind === 'removed' ? ' (table removed)' : ''}`));
      table = '';
      continue;
    }
    if (t !== table) {
      out.push(shown(t));
      table = t;
    }
    const tags = [c.derived ? 'derived' : '', c.pointer ? 'address' : ''].filter(Boolean);
    const whole = c.kind === 'added' ? c.new : c.kind === 'removed' ? c.old : undefined;
    if (isRecord(whole)) {
      // an added or removed item: its fields one per line, as dump would list them
      const fields = flatten(whole);
      out.push(paint(colour, COLOUR[c.kind], `  ${SIGN[c.kind]} ${field}${fields.length ? ':' : ''}${tags.length ? ` (${tags.join(', ')})` : ''}`));
      for (const [k, v] of fields) out.push(paint(colour, COLOUR[c.kind], `      ${k}: ${show(v)}`));
      continue;
    }
    const detail =
      c.kind === 'changed'
        ? `${c.text?.old ?? show(c.old)} → ${c.text?.new ?? show(c.new)}`
        : c.kind === 'added'
          ? (c.text?.new ?? show(c.new))
          : (c.text?.old ?? show(c.old));
    out.push(
      paint(
        colour,
        COLOUR[c.kind],
        `  ${SIGN[c.kind]} ${field}${detail ? `: ${detail}` : ''}${c.note ? `; ${c.note}` : ''}${tags.length ? ` (${tags.join(', ')})` : ''}`,
      ),
    );
  }
  out.push(`${changes.length} change(s)`);
  return out.join('\n') + '\n';
}

/** The diff as JSON: each change by path and values, as the build's manifest logs changes (where a
 * change sits in each table's bytes, `at`, is the report's). */
export function renderDiffJson(a: string, b: string, changes: Change[]): Record<string, Json> {
  return { a, b, same: changes.length === 0, changes: changes.map(({ at: _at, seat: _seat, ...c }) => c) as unknown as Json };
}
