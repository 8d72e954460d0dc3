// checkTables(set, { dom0, xenHost }) → findings: the generic structural checks, every table's
// declared rules, with --dom0 the rules a Xen dom0 Linux enforces and (for a build output) the DT →
// EFI → RSDP chain, and with --xen-host what a named Xen release's own boot code does with a host's
// tables. Pure: no I/O.
import type { TableSet } from '../model/tableset.js';
import { type Finding, Refusal } from '../layout/diagnostics.js';
import { defOf, decodedSignatures, defFor } from '../tables/registry.js';
import { CheckContext } from './context.js';
import { CODES, severityOf } from './catalog.js';
import { checkChecksums, checkLinks, checkDuplicates, checkOverlaps, checkRequired, checkFields, checkXenRequired } from './structure.js';
import { isXenRelease, XEN_RELEASES, type XenRelease } from '../model/xen.js';
import { checkBoot } from './boot.js';
import { checkRegions } from './regions.js';

export interface CheckOptions {
  dom0?: boolean;
  /** judge a host's tables as this Xen release's boot code does (the XEN_HOST_* codes) */
  xenHost?: XenRelease;
}

export function checkTables(set: TableSet, opts: CheckOptions = {}): Finding[] {
  if (opts.xenHost !== undefined && !isXenRelease(opts.xenHost))
    throw new Refusal(`xenHost: "${String(opts.xenHost)}" is not a Xen release this tool knows (${XEN_RELEASES.join(', ')})`);
  const c = new CheckContext(set, opts.dom0 === true, opts.xenHost);
  // Xen boots from a host's tables; a dom0 set (a build output, an STAO) is what it gives dom0
  const xenHost = opts.xenHost !== undefined && c.hostSet;
  checkChecksums(c);
  checkLinks(c);
  checkOverlaps(c);
  checkRegions(c);
  checkDuplicates(c);
  checkFields(c);
  for (const e of [...(set.rsdp ? [set.rsdp] : []), ...set.tables]) {
    for (const rule of defOf(e.table).rules ?? []) if ((!rule.dom0 || opts.dom0) && (!rule.xenHost || xenHost)) rule.run?.(c.forTable(e));
  }
  if (xenHost) checkXenRequired(c);
  else if (opts.xenHost !== undefined)
    c.report('XEN_HOST_NOT_HOST', undefined, '', "a dom0 set (a build output, or a set with an STAO): Xen boots from the host's tables, not these");
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
