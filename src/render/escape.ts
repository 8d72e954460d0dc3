// What a text output quotes — a firmware string (an OEM ID, a device name), a file name — is shown,
// never obeyed: control characters (C0, DEL, C1: an escape sequence would act on the terminal, a CR
// or LF would split the line), the line and paragraph separators and the bidirectional formatting
// characters (U+202E shows what follows it reversed) are written as escapes, \xNN up to 0xFF and
// \uNNNN above, the way dump's quote() shows a firmware string's bytes. One set for every output:
// text lines (shown), markup (markup.ts) and JSON (jsonText).

/** The characters an output shows as escapes, besides C0 (which JSON.stringify escapes itself):
 * DEL and C1, U+061C, U+200E/F, U+2028/9, U+202A-E and U+2066-9 (a regular expression class body). */
const BEYOND_C0 = '\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

/** Every character an output shows as an escape, as a class body: C0 and the rest. */
export const UNSAFE_CLASS = `\\x00-\\x1f${BEYOND_C0}`;
/** The same but the line feed, which ends a line of text output rather than being quoted in it. */
const UNSAFE_BUT_LF_CLASS = `\\x00-\\x09\\x0b-\\x1f${BEYOND_C0}`;

const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'g');
const UNSAFE_IN_JSON = new RegExp(`[${BEYOND_C0}]`, 'g');

/** One character as its escape: \x1b, \x85, \u202e. */
export const escapeChar = (c: string): string => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** One line of text output with every control and bidirectional formatting character it quotes
 * shown as an escape (apply it to a line, not to text whose line ends are meant). */
export const shown = (line: string): string => line.replace(UNSAFE, escapeChar);

const UNSAFE_BUT_LF = new RegExp(`[${UNSAFE_BUT_LF_CLASS}]`, 'g');

/** Lines of text output (their ends '\n') shown as `shown` shows each. */
export const shownLines = (text: string): string => text.replace(UNSAFE_BUT_LF, escapeChar);

/** JSON text (as JSON.stringify writes it, `indent` spaces deep) in which no character acts on a
 * terminal: the characters JSON.stringify leaves as they are can only stand inside strings, where
 * a \u escape reads back as the same character, so the value parsed is the same. */
export const jsonText = (value: unknown, indent?: number): string =>
  JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
