// What commands print through, so tests can capture it; where a command's exit code goes; and the
// one mapping of the library's refusals to the CLI's (exit 2, the input named).
import { writeSync } from 'node:fs';
import { BuildError } from '../src/rewrite/types.js';
import { Refusal } from '../src/layout/diagnostics.js';
import type { WriteOptions } from '../src/io/output.js';
import { fsWords, isFsError } from '../src/io/fs-words.js';
import { shown } from '../src/render/escape.js';
export interface Io {
  out(s: string): void;
  /** binary output to standard output (an image to a pipe, `-o -`) */
  outBytes?(b: Uint8Array): void;
  err(s: string): void;
  /** stdout is a terminal (colour allowed unless NO_COLOR) */
  tty: boolean;
  /** standard input (an input given as "-"): the descriptor it is read from, once, in bounded
   * memory (the process's, 0), or its bytes (tests) */
  stdin?: number | (() => Uint8Array);
}

export function processIo(): Io {
  // Windows consoles take text through the stream (UTF-16 for the console), not as bytes
  const win = process.platform === 'win32';
  if (win)
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  return {
    out: win ? (s) => void process.stdout.write(s) : writer(1),
    outBytes: win ? (b) => void process.stdout.write(b) : writer(1),
    err: win ? (s) => void process.stderr.write(s) : writer(2),
    // asked only by the commands that colour or choose a default by it: process.stdout is a stream
    // whose modules (streams, net) cost a few ms of start-up
    get tty() {
      return Boolean(process.stdout.isTTY);
    },
    stdin: 0,
  };
}

/**
 * Writes to standard output (1) or error (2) whole and at once, with fs.writeSync rather than
 * through process.stdout (the same as Node does for files and, on Linux, pipes and terminals; the
 * streams it would load cost a few ms of every run). A reader that closed the pipe (`dump … |
 * head`): the command ends quietly with exit 0, as Unix tools do; any other failure (a full disk)
 * is the command's error, exit 2. A stderr that cannot be written drops the message (there is
 * nowhere left to say so). A descriptor that a parent left non-blocking and that is full is
 * waited on.
 */
function writer(fd: 1 | 2): (s: string | Uint8Array) => void {
  return (s) => {
    let b = typeof s === 'string' ? Buffer.from(s) : Buffer.from(s.buffer, s.byteOffset, s.byteLength);
    while (b.length) {
      try {
        b = b.subarray(writeSync(fd, b));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
        else if (fd === 2)
          return; // nowhere left to say it
        else if (code === 'EPIPE') process.exit(0);
        else if (isFsError(e)) throw new CliError(`cannot write to standard output: ${fsWords(e)}`);
        else throw e;
      }
    }
  };
}
const pause = new Int32Array(new SharedArrayBuffer(4));

/** A refusal of the CLI's: one message, or several (one error per line: the faults of an input). */
export class CliError extends Refusal {
  readonly lines: readonly string[];
  constructor(
    message: string | readonly string[],
    readonly exitCode = 2,
  ) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.lines = lines;
    this.name = 'CliError';
  }
}

/** What a message on stderr is. */
export type Level = 'error' | 'warning' | 'note';

/** The one shape of every message on stderr: "dom0-acpi: LEVEL: text", one line each (so `grep
 * 'dom0-acpi: error'` finds every one); several messages are given as a list. What a message
 * quotes (a file name, a firmware string) shows its control and bidirectional characters as
 * escapes, a line feed in a file name included: nothing in a message acts on the terminal or splits
 * its line. */
export function report(io: Io, level: Level, message: string | readonly string[]): void {
  for (const line of typeof message === 'string' ? [message] : message) io.err(`${PROG}: ${level}: ${shown(line.replace(/\n+$/, ''))}\n`);
}

export const PROG = 'dom0-acpi';

/** Where a command that decides its exit code (check, diff) puts it; run() returns it. */
export interface Exit {
  code: number;
}

/** Runs a library call on `input`: a BuildError becomes the CLI's refusal naming the input. */
export function refusing<T>(input: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BuildError) throw new CliError(input ? `${input}: ${e.message}` : e.message);
    throw e;
  }
}

/** Where a command's file output goes: a path, or standard output for "-" (text always; binary
 * only when standard output is not a terminal). */
export function writeOut(io: Io, output: string, data: string | Uint8Array, write: () => void): void {
  if (output !== '-') return write();
  if (typeof data === 'string') return io.out(data);
  if (io.tty || !io.outBytes) throw new CliError('-o -: binary output to a terminal: redirect standard output to a file or a pipe, or give -o FILE');
  io.outBytes(data);
}

/** The write options of a command's output: --force, and the paths it read (kept apart from the output). */
export function outputOptions(io: Io, o: { force?: boolean }, ...read: (string | undefined)[]): WriteOptions {
  return { force: o.force, inputs: read.filter((p): p is string => p !== undefined), warn: (m) => report(io, 'warning', m) };
}
