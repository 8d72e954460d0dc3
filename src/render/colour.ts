// Terminal colour, one way for every renderer: a text painted only when colour is on (the CLI turns
// it on for a terminal without NO_COLOR).
const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' } as const;
export type Colour = keyof typeof ANSI;

export const paint = (on: boolean, colour: Colour, text: string): string => (on ? `${ANSI[colour]}${text}\x1b[0m` : text);
