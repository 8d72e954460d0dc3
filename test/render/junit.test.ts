// check's JUnit (src/render/findings.ts renderJunit): its findings grouped by testcase once, held to
// the plain reading it replaced (each testcase filtering every finding: tables × findings), on
// random reports; and a report of many tables and many findings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderJunit, atLeast, type InputReport } from '../../src/render/findings.js';
import type { Finding, Severity } from '../../src/layout/diagnostics.js';
import { escapeMarkup as xml } from '../../src/render/markup.js';
import { renderText } from '../../src/render/findings.js';

/** The plain reading: every testcase looks at every finding. */
function plainJunit(reports: InputReport[], failOn: Severity): string {
  const caseOf = (f: Finding) => f.table || '(input)';
  // a finding's line, as renderText writes it after its severity
  const line = (r: InputReport, f: Finding) =>
    renderText([{ ...r, findings: [f] }], failOn, false)
      .split('\n')[0]
      .slice(f.severity.length);
  const suites = reports.map((r) => {
    const names = [...r.tables];
    for (const f of r.findings) if (!names.includes(caseOf(f))) names.push(caseOf(f));
    const cases = names.map((name) => {
      const fs = r.findings.filter((f) => caseOf(f) === name);
      const failing = fs.filter((f) => atLeast(f, failOn));
      const others = fs.filter((f) => !atLeast(f, failOn));
      const lines = (fs: Finding[]) => fs.map((f) => xml(`${f.severity}${line(r, f)}`)).join('\n');
      const codes = [...new Set(failing.map((f) => f.code))];
      const body = [
        ...(failing.length
          ? [
              `      <failure type="${xml(codes[0])}" message="${xml(failing.length === 1 ? failing[0].message : `${failing.length} findings: ${codes.join(', ')}`)}">${lines(failing)}</failure>`,
            ]
          : []),
        ...(others.length ? [`      <system-out>${lines(others)}</system-out>`] : []),
      ];
      const open = `    <testcase classname="${xml(r.input)}" name="${xml(name)}"`;
      return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
    });
    const failures = names.filter((n) => r.findings.some((f) => caseOf(f) === n && atLeast(f, failOn))).length;
    return `  <testsuite name="${xml(r.input)}" tests="${names.length}" failures="${failures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = reports.reduce((n, r) => n + new Set([...r.tables, ...r.findings.map(caseOf)]).size, 0);
  const failures = reports.reduce((n, r) => n + new Set(r.findings.filter((f) => atLeast(f, failOn)).map(caseOf)).size, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dom0-acpi check" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}

const severity = fc.constantFrom<Severity>('error', 'warning', 'info');
const finding = fc.record({
  code: fc.constantFrom('CHECKSUM', 'REGION_OVERLAP', 'DOM0_PSCI_HVC'),
  severity,
  // a table of the report, one it does not list, or none (the input itself)
  table: fc.constantFrom('FACP', 'APIC', 'SSDT#2', 'XYZ', ''),
  path: fc.constantFrom('', 'FACP.arm_boot_flags'),
  message: fc.constantFrom('one', 'two <&>'),
  baselined: fc.boolean(),
}) as fc.Arbitrary<Finding>;
const report = fc.record({
  input: fc.constantFrom('a.txt', 'b "c".txt'),
  tables: fc.array(fc.constantFrom('FACP', 'APIC', 'SSDT#2', 'DSDT'), { maxLength: 5 }),
  findings: fc.array(finding, { maxLength: 12 }),
});

describe('renderJunit', () => {
  it('gives what the plain reading gives, for any reports and threshold', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 3 }), severity, (reports, failOn) => {
        expect(renderJunit(reports, failOn)).toBe(plainJunit(reports, failOn));
      }),
      { numRuns: 500, seed: 27 },
    );
  });

  it('20,000 tables and 20,000 findings: one testcase each, each finding in its own', () => {
    const tables = Array.from({ length: 20_000 }, (_x, i) => `T${i}`);
    const findings = tables.map((t): Finding => ({ code: 'CHECKSUM', severity: 'error', table: t, path: '', message: 'bad' }) as Finding);
    const out = renderJunit([{ input: 'fleet', tables, findings }], 'error');
    expect(out).toContain('<testsuites name="dom0-acpi check" tests="20000" failures="20000" errors="0">');
    expect(out.match(/<failure /g)?.length).toBe(20_000);
  });
});
