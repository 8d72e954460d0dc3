// The CLI as a function: run(argv, io) returns the exit code. Commands never call process.exit();
// main.ts only sets process.exitCode. Exit codes: 0 ok, 1 "different"/"findings" (diff, check), 2 trouble
// the tool recognised (a Refusal: the input, an option, a path), 70 a bug of dom0-acpi's own (EX_SOFTWARE).
import { Command, CommanderError } from 'commander';
import { VERSION } from './version.js';
import { CliError, type Io, type Exit, processIo, report, PROG } from './io.js';
import { registerDump } from './commands/dump.js';
import { registerExtract } from './commands/extract.js';
import { registerConvert } from './commands/convert.js';
import { registerBuild } from './commands/build.js';
import { registerCheck } from './commands/check.js';
import { registerDiff } from './commands/diff.js';
import { registerCompletion } from './commands/completion.js';
import { registerReport } from './commands/report.js';
import { Refusal } from '../src/layout/diagnostics.js';
import { shown } from '../src/render/escape.js';

export function makeProgram(io: Io, exit: Exit): Command {
  const program = new Command('dom0-acpi')
    .description('Arm64 ACPI tables for Xen dom0: read, dump, convert, build, diff and check firmware table sets')
    .version(VERSION)
    .option('--debug', 'on an internal error (a bug of dom0-acpi), print its stack trace (also DOM0_ACPI_DEBUG=1)')
    .exitOverride()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      // commander's own messages begin "error: ": each line gets the one shape (a later line, a hint
      // such as "(Did you mean …?)", is a note), and what they quote of the command line is shown as
      // escapes, as in every message
      outputError: (s, write) =>
        write(
          s
            .replace(/\n+$/, '')
            .split('\n')
            .map((l, i) => `${PROG}: ${i === 0 ? '' : 'note: '}${shown(l)}\n`)
            .join(''),
        ),
    })
    .showHelpAfterError('(run dom0-acpi help <command> for its options)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success (diff: same; check: nothing at or above --fail-on), 1 diff: different /
check: findings, 2 trouble (malformed input outside check, unreadable input, bad options,
refused output), 70 internal error (a bug in dom0-acpi: please report it with the input). Finding
codes: docs/checks.md.`,
    );
  registerDump(program, io, exit);
  registerExtract(program, io);
  registerConvert(program, io);
  registerBuild(program, io);
  registerDiff(program, io, exit);
  registerCheck(program, io, exit);
  registerReport(program, io);
  registerCompletion(program, io);
  return program;
}

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const exit: Exit = { code: 0 };
  try {
    await makeProgram(io, exit).parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof Refusal) {
      if (e.message) report(io, 'error', e instanceof CliError ? e.lines : e.message);
      return e instanceof CliError ? e.exitCode : 2;
    }
    return internalError(e, io, argv.includes('--debug') || process.env.DOM0_ACPI_DEBUG === '1');
  }
}

/** Exit code of an internal error: sysexits' EX_SOFTWARE. */
export const INTERNAL_ERROR = 70;

/** Anything thrown that is not a Refusal is a bug of ours, whatever the input held: said as one,
 * never as a fault of the input (the fuzzer and the tests look for this line). */
function internalError(e: unknown, io: Io, debug: boolean): number {
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  report(io, 'error', `internal error: ${what} (a bug in dom0-acpi; please report it with this input)`);
  // the stack quotes the message (which may quote a file name or a firmware string): escaped too
  if (debug && e instanceof Error && e.stack) io.err(e.stack.split('\n').map(shown).join('\n') + '\n');
  else report(io, 'note', 'run with --debug (or DOM0_ACPI_DEBUG=1) for the stack trace');
  return INTERNAL_ERROR;
}
