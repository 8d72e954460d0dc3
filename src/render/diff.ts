// diff output: text grouped by table (coloured when asked), or JSON.
import type { Change } from '../diff/table.js';
import type { Json } from '../layout/values.js';
import { paint, type Colour } from './colour.js';

const show = (v: Json | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const SIGN = { added: '+', removed: '-', changed: '~' } as const;
const COLOUR: Record<Change['kind'], Colour> = { added: 'green', removed: 'red', changed: 'yellow' };

export function renderDiffText(a: string, b: string, changes: Change[], colour: boolean): string {
  if (!changes.length) return `${a} and ${b}: no differences\n`;
  const out = [`--- ${a}`, `+++ ${b}`];
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
      out.push(t);
      table = t;
    }
    const detail = c.kind === 'changed' ? `${c.text?.old ?? show(c.old)} → ${c.text?.new ?? show(c.new)}` : c.kind === 'added' ? show(c.new) : show(c.old);
    const tags = [c.derived ? 'derived' : '', c.pointer ? 'address' : ''].filter(Boolean);
    out.push(paint(colour, COLOUR[c.kind], `  ${SIGN[c.kind]} ${field}${detail ? `: ${detail}` : ''}${tags.length ? ` (${tags.join(', ')})` : ''}`));
  }
  out.push(`${changes.length} change(s)`);
  return out.join('\n') + '\n';
}

export function renderDiffJson(a: string, b: string, changes: Change[]): Record<string, Json> {
  return { a, b, same: changes.length === 0, changes: changes as unknown as Json };
}
