// The pieces of ASL text the printers (asl.ts, resources.ts) share.

/** An integer in hex as ASL writes it, at least `digits` digits: 0x0F, 0x00001000. */
export const hexN = (v: number | bigint, digits: number): string =>
  digits === 2 && typeof v === 'number' && v >= 0 && v <= 0xff && v === Math.floor(v) ? HEX2[v] : '0x' + v.toString(16).toUpperCase().padStart(digits, '0');

/** 0x00 … 0xFF, made once (a byte is the integer printers write most). */
const HEX2 = Array.from({ length: 256 }, (_x, i) => '0x' + i.toString(16).toUpperCase().padStart(2, '0'));

const PADS: string[] = [];
/** The indent of `n` levels (four spaces a level). */
export const pad = (n: number): string => (PADS[n] ??= '    '.repeat(n));

/**
 * Text written piece by piece, with the table offset lines show: a printer's lines are no strings of
 * their own (a block's ASL is tens of thousands of them) but pieces, joined a few thousand at a
 * time. A mark is kept by where in the text it is, and given its line when the text is taken.
 */
export class TextSink {
  private chunks: string[] = [];
  private pieces: string[] = [];
  /** characters written, in all */
  private n = 0;
  /** each mark: where in the text, and the table offset */
  private markAt: number[] = [];
  private markOffset: number[] = [];

  /** Writes text; a '\n' ends a line. */
  put(s: string): void {
    this.pieces.push(s);
    this.n += s.length;
    if (this.pieces.length === 8192) {
      this.chunks.push(this.pieces.join(''));
      this.pieces = [];
    }
  }

  /** The line being written shows what starts at table offset `at` (a line's first mark stays). */
  mark(at: number): void {
    this.markAt.push(this.n);
    this.markOffset.push(at);
  }

  /** The text, where its lines start, and each line's mark (-1: none). */
  take(): { text: string; starts: Int32Array; marks: Int32Array } {
    this.chunks.push(this.pieces.join(''));
    const text = this.chunks.length === 1 ? this.chunks[0] : this.chunks.join('');
    let count = 1;
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) count++;
    const starts = new Int32Array(count);
    let line = 1;
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts[line++] = k + 1;
    const marks = new Int32Array(count).fill(-1);
    // marks come in the order of the text: each finds its line after the one before's
    line = 0;
    for (let i = 0; i < this.markAt.length; i++) {
      const at = this.markAt[i];
      while (line + 1 < count && starts[line + 1] <= at) line++;
      if (marks[line] < 0) marks[line] = this.markOffset[i];
    }
    return { text, starts, marks };
  }
}
