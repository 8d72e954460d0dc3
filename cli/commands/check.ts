// dom0-acpi check INPUT...: checksums, structure, (--dom0) the Xen dom0 consumer rules and
// (--xen-host [VERSION]) what that Xen release's boot code does with a host's tables, for CI.
// Exit 0: nothing at or above --fail-on; 1: findings at or above it (malformed tables are findings
// here); 2: trouble (an input that cannot be read at all, bad options, refused output).
import type { Command } from 'commander';
import { Option } from 'commander';
import { checkTables, catalogued, CODES } from '../../src/check/index.js';
import { renderText, renderJson, renderJunit, renderGithub, inputJson, atLeast, type InputReport } from '../../src/render/findings.js';
import { expandInputs } from '../../src/io/read.js';
import { tableKeys } from '../../src/diff/set.js';
import { allEntries, type TableSet } from '../../src/model/tableset.js';
import type { Finding, Severity } from '../../src/layout/diagnostics.js';
import { fixChecksums, writeFixed } from '../../src/io/fix.js';
import { CliError, type Io, type Exit, report, outputOptions } from '../io.js';
import { addFormatOption, addColourOption, formatOf, colourFor, type FormatOpts, type ColourOpts } from '../format.js';
import { addInputOptions, readInput, inputName, collect, isStream, STDIN, type InputOpts } from '../input.js';
import { fsWords, isFsError } from '../../src/io/fs-words.js';
import { Refusal } from '../../src/layout/diagnostics.js';
import { MAX_JSON, readBounded, sizeText } from '../../src/io/bounded.js';
import {
  parseIgnore,
  ignoredBy,
  parseBaseline,
  BaselineMatcher,
  baselineOf,
  BASELINE_FORMAT_V1,
  type Baseline,
  type Ignore,
} from '../../src/check/baseline.js';
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../../src/io/output.js';
import type { Json } from '../../src/layout/values.js';
import { XEN_RELEASES, NEWEST_XEN, isXenRelease, type XenRelease } from '../../src/model/xen.js';
import { jsonText } from '../../src/render/escape.js';

/** The --format choices, the first the default (the options' type follows from it). */
const FORMATS = ['text', 'json', 'jsonl', 'junit', 'github'] as const;

interface CheckOpts extends InputOpts, ColourOpts, FormatOpts<(typeof FORMATS)[number]> {
  dom0?: boolean;
  xenHost?: string | true;
  ignore?: string[];
  baseline?: string;
  writeBaseline?: string;
  failOn: Severity;
  fix?: boolean;
  output?: string;
  force?: boolean;
}

export function registerCheck(program: Command, io: Io, exit: Exit): void {
  checkCommand(program).action((given: string[], o: CheckOpts) => runCheck(given, o, io, exit));
}

/** The check command and its options. */
function checkCommand(program: Command): Command {
  return addInputOptions(
    addColourOption(
      addFormatOption(
        program
          .command('check')
          .description("check checksums, lengths, structure, (--dom0) what a Xen dom0 Linux enforces and (--xen-host) what Xen's boot code does; for CI")
          // optional to commander, required below: "--xen-host INPUT" hands the input to the option first
          .argument(
            '[inputs...]',
            'table sets in any input form (a build output folder adds its DT and EFI tables), or folders of them (a fleet of acpidump files)',
          )
          .option('--dom0', 'add the dom0 consumer rules (docs/consumers.md X1-X12) and, on a build output, the DT → EFI → RSDP chain')
          .option('--xen-host [version]', XEN_HOST_HELP)
          .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info']).default('error'))
          .option('--fix', 'write the input with corrected checksums to -o (never in place)')
          .option('-o, --output <path>', 'where --fix writes (same form as the input)')
          .option('--force', 'replace a previous output of dom0-acpi at that path (and nothing else)')
          .option('--ignore <code[@sig]>', 'leave out findings of this code (in this table only, with @SIG); repeatable', collect)
          .option('--baseline <file>', 'findings recorded in this file are shown but do not fail; entries that no longer occur are reported')
          .option('--write-baseline <file>', 'record the findings at or above --fail-on in this file (a baseline), and exit 0'),
        FORMATS,
      ),
    ),
  );
}

/** The combinations of inputs and options check refuses before it reads anything. */
function refuseArgs(given: string[], o: CheckOpts): void {
  if (!given.length) throw new CliError("missing required argument 'inputs'");
  if (o.fix && (!o.output || given.length !== 1)) throw new CliError('--fix needs exactly one input and -o OUT');
  if (!o.fix && o.output) throw new CliError('-o is only for --fix');
  if (given.filter((i) => i === '-').length > 1) throw new CliError('standard input (-) can be only one of the inputs');
  if (o.fix && given[0] === '-') throw new CliError('--fix writes the input in its own form: give a file or folder, not standard input');
  if (o.fix && isStream(given[0])) throw new CliError(`--fix writes the input in its own form: give a file or folder, not a stream (${given[0]})`);
  if (o.fix && o.output === '-') throw new CliError('--fix -o -: standard output carries the report: give a file or folder for the corrected input');
}

/** The --ignore specifications, and which of them left a finding out. */
class Ignores {
  readonly list: Ignore[];
  private readonly used = new Set<string>();

  constructor(readonly specs: string[]) {
    this.list = specs.map((s) => parseIgnore(s));
  }

  /** Whether a finding is left out (and the ignore that did it used). */
  drops(f: Finding): boolean {
    const by = ignoredBy(f, this.list);
    // an ignore is known by what it leaves out (the same one given twice is one)
    if (by) this.used.add(Ignores.key(by));
    return by !== undefined;
  }

  /** A note for each --ignore that matched no finding. */
  unused(io: Io, inputs: number): void {
    this.specs.forEach((spec, i) => {
      if (!this.used.has(Ignores.key(this.list[i]))) report(io, 'note', `--ignore ${spec} matched no finding${inputs > 1 ? ` in the ${inputs} inputs` : ''}`);
    });
  }

  private static key(i: Ignore): string {
    return `${i.code}@${i.table ?? ''}`;
  }
}

function runCheck(args: string[], o: CheckOpts, io: Io, exit: Exit): void {
  const [given, xenHost] = xenHostOption(args, o.xenHost);
  refuseArgs(given, o);
  // a folder of inputs (a fleet's acpidump files) stands for each of them; --fix reads its one input as it is
  const { inputs, skipped } = o.fix ? { inputs: given, skipped: [] } : expandInputs(given);
  if (skipped.length)
    report(io, 'warning', `skipped ${skipped.length} file(s) in folders of inputs that are neither tables nor acpidump text: ${listed(skipped)}`);
  const format = formatOf(o);
  const colour = colourFor(io, o);
  const ignores = new Ignores(o.ignore ?? []);
  const baseline = o.baseline === undefined ? undefined : openBaseline(o.baseline, io);
  // an input as a baseline names it: its path from the baseline file's folder
  const keyFor = (file: string | undefined) => (file === undefined ? inputName : baselineKey(file));
  const readKey = keyFor(o.baseline);
  const writeKey = keyFor(o.writeBaseline);
  const accepted: InputReport[] = [];
  // text, jsonl and github stream: each input is read, checked, printed and dropped in turn;
  // json and junit are one document, printed at the end
  const whole: InputReport[] = [];
  let worst = 0;
  for (const input of inputs) {
    let read: ReturnType<typeof readInput>;
    try {
      read = readInput(input, o, io);
    } catch (e) {
      // an input that cannot be read at all: said on stderr, the others still checked, exit 2
      if (!(e instanceof Refusal)) throw e;
      report(io, 'error', e instanceof CliError ? e.lines : e.message);
      worst = 2;
      continue;
    }
    const { set, findings } = read;
    const all = [...catalogued(findings), ...checkTables(set, { dom0: o.dom0, xenHost })].filter((f) => !ignores.drops(f));
    if (o.writeBaseline) accepted.push({ input: writeKey(input), tables: [], findings: all.filter((f) => atLeast(f, o.failOn)) });
    const known = o.writeBaseline
      ? all.map((f) => (atLeast(f, o.failOn) ? { ...f, baselined: true } : f))
      : (baseline?.matcher.mark(readKey(input), all) ?? all);
    const r: InputReport = { input: inputName(input), tables: [...tableKeys(allEntries(set)).values()], findings: known };
    if (r.findings.some((f) => atLeast(f, o.failOn))) worst = Math.max(worst, 1);
    if (format === 'text') io.out(renderText([r], o.failOn, colour));
    else if (format === 'jsonl') io.out(jsonText(inputJson(r, o.failOn, consumersOf)) + '\n');
    else if (format === 'github') io.out(renderGithub([r]));
    else whole.push(r);
    if (o.fix) fix(input, set, o, io); // its notes go to stderr, the report to stdout
  }
  ignores.unused(io, inputs.length);
  const stale = baselineNotes(baseline, inputs.map(readKey), o, io);
  if (format === 'json')
    io.out(jsonText({ ...renderJson(whole, o.failOn, consumersOf), ...(o.baseline ? { stale_baseline: stale as unknown as Json } : {}) }, 2) + '\n');
  else if (format === 'junit') io.out(renderJunit(whole, o.failOn));
  if (o.writeBaseline) writeBaseline(o.writeBaseline, accepted, inputs, io);
  exit.code = worst;
}

/** What --baseline says after the inputs: inputs it names that were not given, and recorded
 * findings that no longer occur (returned: JSON lists them too). */
function baselineNotes(baseline: ReturnType<typeof openBaseline> | undefined, keys: string[], o: CheckOpts, io: Io) {
  const unchecked = baseline?.matcher.unchecked(keys) ?? [];
  if (unchecked.length) {
    const which =
      unchecked.length === baseline!.matcher.inputs().length ? 'it names none of the inputs given' : `it names ${unchecked.length} input(s) not given`;
    report(io, 'warning', `--baseline: ${which} (${listed(unchecked)}, as paths from ${o.baseline}'s folder): their recorded findings were not applied`);
  }
  const stale = baseline?.matcher.stale(keys) ?? [];
  if (stale.length) {
    const entries = listed(stale.map((e) => `${e.code} at ${e.path || e.table || '(input)'}${e.input ? ` in ${e.input}` : ''}`));
    report(io, 'note', `--baseline: ${stale.length} recorded finding(s) no longer occur (fixed? remove them from ${o.baseline}): ${entries}`);
  }
  return stale;
}

/** --write-baseline: the findings at or above --fail-on, recorded (replacing only a baseline). */
function writeBaseline(path: string, accepted: InputReport[], inputs: string[], io: Io): void {
  const b = baselineOf(accepted);
  writeFileAtomic(path, JSON.stringify(b, null, 2) + '\n', {
    inputs,
    replaces: (c) => !(parseBaseline(Buffer.from(c).toString('utf8')) instanceof Error),
  });
  report(io, 'note', `--write-baseline: ${b.findings.length} finding(s) recorded in ${path}`);
}

/** --xen-host's release: one this tool has read Xen's source for ("4.22", also "4.22.1" or "RELEASE-4.22.0"). */
const VERSION = /^(?:RELEASE-)?(\d+\.\d+)(?:\.\d+)?$/;

/** The inputs and the release of an optional-valued --xen-host: commander gives it the next word,
 * so "--xen-host acpidump.txt" is the newest release and an input. */
export function xenHostOption(given: string[], v: string | true | undefined): [string[], XenRelease | undefined] {
  if (typeof v === 'string' && !VERSION.test(v.trim())) return [[v, ...given], NEWEST_XEN];
  return [given, v === undefined ? undefined : v === true ? NEWEST_XEN : xenRelease(v)];
}

/** The --xen-host option's help. */
export const XEN_HOST_HELP =
  `add what Xen's own boot code does with a host's tables (XEN_HOST_*; docs/xen-host.md), for that release: ` +
  `${XEN_RELEASES.join(', ')} (default ${NEWEST_XEN})`;
function xenRelease(v: string): XenRelease {
  const m = VERSION.exec(v.trim());
  if (m && isXenRelease(m[1])) return m[1];
  throw new CliError(`--xen-host ${v}: a Xen release from ${XEN_RELEASES[0]} to ${NEWEST_XEN} is needed (${XEN_RELEASES.join(', ')})`);
}

/** The key an input has in a baseline at `file`: its path from the baseline's folder ('/'-separated,
 * symbolic links resolved where the path exists), so "work", "./work", "work/", its absolute path
 * and the same input from another working folder are one input. Standard input is itself. */
function baselineKey(file: string): (input: string) => string {
  const real = (p: string) => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p); // not there (yet): as written
    }
  };
  const from = real(dirname(resolve(file)));
  return (input) => (input === '-' || input === STDIN ? STDIN : relative(from, real(input)).split(sep).join('/') || '.');
}

/** The --baseline file and its matcher; a v1 file (inputs as they were typed) is read as typed
 * from the current folder, with a note. */
function openBaseline(path: string, io: Io): { baseline: Baseline; matcher: BaselineMatcher } {
  const baseline = readBaseline(path);
  if (baseline.format !== BASELINE_FORMAT_V1) return { baseline, matcher: new BaselineMatcher(baseline) };
  report(
    io,
    'note',
    `--baseline ${path}: a v1 baseline, whose inputs are paths as they were typed: read from the current folder (--write-baseline writes ` +
      `v2, which names inputs by their path from the baseline's folder)`,
  );
  return { baseline, matcher: new BaselineMatcher(baseline, baselineKey(path)) };
}

/** The --baseline file, read whole up to MAX_JSON (a FIFO or /dev/zero in its place is refused
 * there, not read for ever). */
function readBaseline(path: string): Baseline {
  let got;
  try {
    got = readBounded(path, MAX_JSON);
  } catch (e) {
    if (!isFsError(e)) throw e;
    throw new CliError(`--baseline ${path}: ${fsWords(e)}`);
  }
  if (got.over) throw new CliError(`--baseline ${path}: more than ${sizeText(got.over.limit)}, the most read (a baseline is a small JSON document)`);
  const b = parseBaseline(Buffer.from(got.bytes).toString('utf8'));
  if (b instanceof Error) throw new CliError(`--baseline ${path}: ${b.message}`);
  return b;
}

/** Each finding's consumers in JSON: who reads those bytes and what each does (the catalogue). */
const consumersOf = (code: string) => CODES[code]?.consumers as unknown as Json | undefined;

const listed = (ps: string[]) => (ps.length <= 5 ? ps.join(', ') : `${ps.slice(0, 5).join(', ')} and ${ps.length - 5} more`);

/** check --fix: the input written with its checksums corrected, in its own form, to -o. */
function fix(input: string, set: TableSet, o: CheckOpts, io: Io): void {
  if (!allEntries(set).length) {
    report(io, 'note', `--fix: ${input} holds no table to fix; nothing written`);
    return;
  }
  const { fixed, set: good } = fixChecksums(set);
  writeFixed(input, good, o.output!, outputOptions(io, o));
  report(
    io,
    'note',
    `--fix: ${fixed.length} checksum(s) corrected (${fixed.map((e) => e.table.signature).join(', ') || 'none needed'}); written to ${o.output}`,
  );
}
