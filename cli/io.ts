// What commands print through, so tests can capture it; and the error type that carries an exit code.
export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** stdout is a terminal (colour allowed unless NO_COLOR) */
  tty: boolean;
}

export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    tty: Boolean(process.stdout.isTTY),
  };
}

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
