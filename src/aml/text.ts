// The pieces of ASL text the printers (asl.ts, resources.ts) share.

/** An integer in hex as ASL writes it, at least `digits` digits: 0x0F, 0x00001000. */
export const hexN = (v: number | bigint, digits: number): string => '0x' + v.toString(16).toUpperCase().padStart(digits, '0');

const PADS: string[] = [];
/** The indent of `n` levels (four spaces a level). */
export const pad = (n: number): string => (PADS[n] ??= '    '.repeat(n));
