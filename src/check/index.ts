// checkTables(set, { dom0 }) → findings: the generic structural checks, every table's declared
// rules, and with --dom0 the rules a Xen dom0 Linux enforces and (for a build output) the DT → EFI
// → RSDP chain. Pure: no I/O.
import type { TableSet } from '../model/tableset.js';
import type { Finding } from '../layout/diagnostics.js';
import { defOf, decodedSignatures, defFor } from '../tables/registry.js';
import { CheckContext } from './context.js';
import { CODES, severityOf } from './catalog.js';
import { checkChecksums, checkLinks, checkDuplicates, checkOverlaps, checkRequired, checkFields } from './structure.js';
import { checkBoot } from './boot.js';

export interface CheckOptions {
  dom0?: boolean;
}

export function checkTables(set: TableSet, opts: CheckOptions = {}): Finding[] {
  const c = new CheckContext(set, opts.dom0 === true);
  checkChecksums(c);
  checkLinks(c);
  checkOverlaps(c);
  checkDuplicates(c);
  checkFields(c);
  for (const e of [...(set.rsdp ? [set.rsdp] : []), ...set.tables]) {
    for (const rule of defOf(e.table).rules ?? []) if (!rule.dom0 || opts.dom0) rule.run?.(c.forTable(e));
  }
  if (opts.dom0) {
    checkRequired(
      c,
      decodedSignatures().filter((s) => defFor(s).dom0Required),
    );
    checkBoot(c);
  }
  return c.findings;
}

/** Findings from reading the input, with the severity their catalogued consumers give them (a
 * decoder says what it could not decode; what that means is the consumers'). */
export function catalogued(findings: Finding[]): Finding[] {
  return findings.map((f) => (f.code in CODES ? { ...f, severity: severityOf(f.code) } : f));
}

export { CODES } from './catalog.js';
