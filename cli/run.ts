// The CLI as a function: run(argv, io) returns the exit code. Commands never call process.exit();
// main.ts only sets process.exitCode. Exit codes: 0 ok, 1 "different"/"findings" (diff, check), 2 trouble.
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
import { OutputError } from '../src/io/output.js';

export function makeProgram(io: Io, exit: Exit): Command {
  const program = new Command('dom0-acpi')
    .description('Arm64 ACPI tables for Xen dom0: read, dump, convert, build, diff and check firmware table sets')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      // commander's own messages already begin "error: "
      outputError: (s, write) => write(s.startsWith('error: ') ? `${PROG}: ${s}` : s),
    })
    .showHelpAfterError('(run dom0-acpi help <command> for its options)')
    .addHelpText(
      'after',
      `
Exit codes: 0 success (diff: same; check: nothing at or above --fail-on), 1 diff: different /
check: findings, 2 trouble (malformed input outside check, unreadable input, bad options,
refused output). Finding codes: docs/checks.md.`,
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
    if (e instanceof CliError) {
      if (e.message) report(io, 'error', e.message);
      return e.exitCode;
    }
    if (e instanceof OutputError) {
      report(io, 'error', e.message);
      return 2;
    }
    // a TypeError and its kind are our bugs, not the input's: say so (the fuzzer looks for it)
    const bug = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
    report(io, 'error', `${bug ? `internal error (${(e as Error).name}): ` : ''}${(e as Error).message ?? String(e)}`);
    return 2;
  }
}
