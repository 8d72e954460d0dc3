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
