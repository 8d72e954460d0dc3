// What commands print through, so tests can capture it; where a command's exit code goes; and the
// one mapping of the library's refusals to the CLI's (exit 2, the input named).
import { readFileSync } from 'node:fs';
import { BuildError } from '../src/rewrite/types.js';
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** stdout is a terminal (colour allowed unless NO_COLOR) */
  tty: boolean;
  /** all of standard input (an input given as "-") */
  stdin?: () => Uint8Array;
}

export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    tty: Boolean(process.stdout.isTTY),
    stdin: () => readFileSync(0),
  };
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What a message on stderr is. */
export type Level = 'error' | 'warning' | 'note';

/** The one shape of every message on stderr: "dom0-acpi: LEVEL: text", each line of a
 * several-line message prefixed alike (so `grep 'dom0-acpi: error'` finds every one). */
export function report(io: Io, level: Level, message: string): void {
  for (const line of message.replace(/\n+$/, '').split('\n')) io.err(`${PROG}: ${level}: ${line}\n`);
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
    if (e instanceof BuildError) throw new CliError(`${input}: ${e.message}`);
    throw e;
  }
}
