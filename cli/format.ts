// The one --format plumbing every command that prints a report shares: `--format <fmt>` with the
// command's choices (the first is the default) and `--json` as the alias of `--format json`;
// colour only on a terminal and never under NO_COLOR.
import { Option, type Command } from 'commander';
import type { Io } from './io.js';

export interface FormatOpts<F extends string> {
  format: F;
  json?: boolean;
}

export function addFormatOption<F extends string>(cmd: Command, choices: readonly [F, ...F[]]): Command {
  return cmd.addOption(new Option('--format <fmt>', 'output format').choices([...choices]).default(choices[0])).option('--json', 'same as --format json');
}

export function formatOf<F extends string>(o: FormatOpts<F>): F | 'json' {
  return o.json ? 'json' : o.format;
}

export const colourFor = (io: Io): boolean => io.tty && !process.env.NO_COLOR;
