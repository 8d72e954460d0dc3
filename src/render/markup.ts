// Escaping for markup, one way for every renderer that writes XML or HTML (check's JUnit, report):
// the characters that would end text or a double-quoted attribute, and (as every text output shows
// them, escape.ts) control and bidirectional formatting characters as visible escapes: a file name
// holding U+202E does not show reversed, and XML 1.0, which cannot hold most control characters
// even escaped, gets none. Apply it to one line of text.
import { escapeChar, UNSAFE_CLASS } from './escape.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

const MARKUP = new RegExp(`[&<>"${UNSAFE_CLASS}]`, 'g');

export const escapeMarkup = (s: string): string => s.replace(MARKUP, (c) => ENTITIES[c] ?? escapeChar(c));
