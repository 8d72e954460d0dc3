// check output formats: text (coloured when asked), JSON, JUnit XML (one testsuite per input, one
// testcase per table with at most one <failure>), GitHub workflow commands. A finding the baseline
// accepts is shown as such and never fails. Pure: strings in, strings out.
import { type Finding, type Severity, formatFinding } from '../layout/diagnostics.js';
import type { Json } from '../layout/values.js';
import { paint, type Colour } from './colour.js';
import { escapeMarkup } from './markup.js';
import { shown } from './escape.js';

export interface InputReport {
  input: string;
  /** table names, as testcases: "FACP", "SSDT#2", "RSDP" */
  tables: string[];
  findings: Finding[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
/** Whether a finding makes check fail at this level (one the baseline accepts never does). */
export const atLeast = (f: Finding, level: Severity) => !f.baselined && RANK[f.severity] >= RANK[level];
const marked = (f: Finding) => (f.baselined ? ' (in the baseline)' : '');

export function counts(fs: Finding[]): Record<Severity, number> {
  return {
    error: fs.filter((f) => f.severity === 'error').length,
    warning: fs.filter((f) => f.severity === 'warning').length,
    info: fs.filter((f) => f.severity === 'info').length,
  };
}

export function summaryLine(r: InputReport, failOn: Severity): string {
  const c = counts(r.findings);
  const failed = r.findings.some((f) => atLeast(f, failOn));
  const known = r.findings.filter((f) => f.baselined).length;
  return shown(
    `${r.input}: ${r.tables.length} table(s), ${c.error} error(s), ${c.warning} warning(s), ${c.info} ` +
      `info${known ? ` (${known} in the baseline)` : ''} — ${failed ? 'FAIL' : 'ok'}`,
  );
}

const COLOURS: Record<Severity, Colour> = { error: 'red', warning: 'yellow', info: 'cyan' };

/** A finding as one line of text after its severity: what it quotes (file names, firmware strings)
 * shown as escapes, so a CR or an escape sequence cannot split or colour the report. */
const findingLine = (r: InputReport, f: Finding): string =>
  shown(`${marked(f)} ${f.code}: ${formatFinding({ ...f, file: f.file ?? r.input })}${f.path ? ` [${f.path}]` : ''}`);

export function renderText(reports: InputReport[], failOn: Severity, colour: boolean): string {
  const out: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) out.push(`${paint(colour, COLOURS[f.severity], f.severity)}${findingLine(r, f)}`);
    out.push(summaryLine(r, failOn));
  }
  return out.join('\n') + '\n';
}

/** What the catalogue says of a code's consumers, as JSON (the CLI passes check's catalogue). */
export type ConsumersOf = (code: string) => Json | undefined;

/** One input's report as JSON: an element of --format json's "inputs", a line of --format jsonl.
 * Each finding carries the consumers of its code when `consumersOf` is given. */
export function inputJson(r: InputReport, failOn: Severity, consumersOf?: ConsumersOf): Record<string, Json> {
  return {
    input: r.input,
    tables: r.tables,
    counts: counts(r.findings),
    failed: r.findings.some((f) => atLeast(f, failOn)),
    findings: r.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      table: f.table,
      path: f.path,
      offset: f.offset ?? null,
      message: f.message,
      file: f.file ?? null,
      baselined: f.baselined === true,
      ...(consumersOf ? { consumers: consumersOf(f.code) ?? [] } : {}),
    })),
  };
}

export function renderJson(reports: InputReport[], failOn: Severity, consumersOf?: ConsumersOf): Record<string, Json> {
  return { fail_on: failOn, inputs: reports.map((r) => inputJson(r, failOn, consumersOf)) };
}

/** One line of text for XML (control characters shown as escapes: XML 1.0 cannot hold them). */
const xml = escapeMarkup;

/** The testcase a finding belongs to: its table, or "(input)" for findings about the input itself. */
const caseOf = (f: Finding): string => f.table || '(input)';

export function renderJunit(reports: InputReport[], failOn: Severity): string {
  let tests = 0;
  let failures = 0;
  const suites = reports.map((r) => {
    // the findings by testcase, grouped once (in order); the testcases: the tables, then any other
    // case a finding names, in the order they first come
    const byCase = new Map<string, Finding[]>();
    for (const f of r.findings) {
      const fs = byCase.get(caseOf(f));
      if (fs) fs.push(f);
      else byCase.set(caseOf(f), [f]);
    }
    const names = [...r.tables];
    const known = new Set(names);
    for (const name of byCase.keys()) {
      if (known.has(name)) continue;
      known.add(name);
      names.push(name);
    }
    const failingIn = new Map([...byCase].map(([name, fs]) => [name, fs.filter((f) => atLeast(f, failOn))] as const));
    const failing = (name: string) => failingIn.get(name) ?? [];
    tests += known.size;
    for (const bad of failingIn.values()) if (bad.length) failures++;
    const cases = names.map((name) => {
      const fs = byCase.get(name) ?? [];
      const bad = failing(name);
      const others = fs.filter((f) => !atLeast(f, failOn));
      const lines = (fs: Finding[]) => fs.map((f) => xml(`${f.severity}${findingLine(r, f)}`)).join('\n');
      // one <failure> per testcase (reporters show only one): its message names every failing code
      const codes = [...new Set(bad.map((f) => f.code))];
      const body = [
        ...(bad.length
          ? [
              `      <failure type="${xml(codes[0])}" ` +
                `message="${xml(bad.length === 1 ? bad[0].message : `${bad.length} findings: ${codes.join(', ')}`)}">${lines(bad)}</failure>`,
            ]
          : []),
        ...(others.length ? [`      <system-out>${lines(others)}</system-out>`] : []),
      ];
      const open = `    <testcase classname="${xml(r.input)}" name="${xml(name)}"`;
      return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
    });
    const failed = names.filter((n) => failing(n).length).length;
    return `  <testsuite name="${xml(r.input)}" tests="${names.length}" failures="${failed}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dom0-acpi check" tests="${tests}" failures="${failures}" ` +
    `errors="0">\n${suites.join('\n')}\n</testsuites>\n`
  );
}

// GitHub workflow commands: data escapes % CR LF; properties also : and ,. What a finding quotes is
// shown first (an escape sequence would colour the log, a CR or LF split the annotation).
const ghData = (s: string) => shown(s).replace(/%/g, '%25');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const GH_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function renderGithub(reports: InputReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      const src = f.file ?? r.input;
      const m = /^(.*):(\d+)$/.exec(src);
      const props = [`file=${ghProp(m ? m[1] : src)}`, ...(m ? [`line=${m[2]}`] : []), `title=${ghProp(`${f.code}${f.table ? ` ${f.table}` : ''}`)}`];
      const where = [f.table, f.offset !== undefined ? `offset 0x${f.offset.toString(16).toUpperCase()}` : '', f.path ? `[${f.path}]` : '']
        .filter(Boolean)
        .join(' ');
      // a finding the baseline accepts is a notice, so a pull request shows only what is new
      out.push(`::${f.baselined ? 'notice' : GH_LEVEL[f.severity]} ${props.join(',')}::${ghData(`${where ? `${where}: ` : ''}${f.message}${marked(f)}`)}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}
