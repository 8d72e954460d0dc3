// checkTables(set, { dom0 }) → findings: the structural checks always, the Xen dom0 consumer rules
// and (for a build output) the DT → EFI → RSDP chain with --dom0. Pure: no I/O.
import type { TableSet } from '../model/tableset.js';
import type { Finding } from '../model/diagnostics.js';
import { CheckContext } from './context.js';
import { checkChecksums, checkLinks, checkDuplicates, checkRevisions, checkMadt, checkOverlaps } from './structure.js';
import { checkDom0Tables } from './dom0.js';
import { checkBoot } from './boot.js';

export interface CheckOptions {
  dom0?: boolean;
}

export function checkTables(set: TableSet, opts: CheckOptions = {}): Finding[] {
  const c = new CheckContext(set);
  checkChecksums(c);
  checkLinks(c);
  checkOverlaps(c);
  checkDuplicates(c);
  checkRevisions(c);
  checkMadt(c, opts.dom0);
  if (opts.dom0) {
    checkDom0Tables(c);
    checkBoot(c);
  }
  return c.findings;
}

export { CODES } from './catalog.js';
