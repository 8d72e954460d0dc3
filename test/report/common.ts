// What both report tests know: the sections every report has, its links, an input's IORT nodes.
import { readTables } from '../../src/io/read.js';
import { findTable } from '../../src/model/tableset.js';

export const SECTIONS = ['tables', 'address-map', 'iort', 'topology', 'namespace', 'findings', 'diff'];

/** The ids of a page, and the targets of its in-page links. */
export function linksOf(html: string): { ids: Set<string>; hrefs: string[] } {
  return {
    ids: new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])),
    hrefs: [...html.matchAll(/\shref="#([^"]*)"/g)].map((m) => m[1]),
  };
}

/** How many nodes the input's IORT has (0 without one). */
export const iortNodes = (input: string) => findTable(readTables(input).set, 'IORT')?.table.items?.length ?? 0;
