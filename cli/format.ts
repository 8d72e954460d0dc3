// The one --format plumbing every command that prints a report shares: `--format <fmt>` with the
// command's choices (the first is the default) and `--json` as the alias of `--format json`; and
// the one colour choice: --color always|never, else FORCE_COLOR (0 or false: off), else NO_COLOR,
// else whether standard output is a terminal.
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

export interface ColourOpts {
  color?: 'auto' | 'always' | 'never';
}

export function addColourOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--color <when>', 'colour the text: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), always, never')
      .choices(['auto', 'always', 'never'])
      .default('auto'),
  );
}

export function colourFor(io: Io, o: ColourOpts = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (o.color === 'always') return true;
  if (o.color === 'never') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR) return false;
  return io.tty;
}
