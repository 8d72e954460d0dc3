// What every check gets: the set, a finding builder that fills severity from the catalog (and
// turns what the build fixes into info on a host set), and field offsets looked up through the
// same describer dump uses (so paths and offsets agree). It is the RuleContext table rules see.
import { resolveLinks, type TableEntry, type TableSet, type Link } from '../model/tableset.js';
import type { Finding } from '../layout/diagnostics.js';
import type { RuleContext } from '../model/rules.js';
import { everyEntry } from '../layout/describe.js';
import { describeTable, defOf } from '../tables/registry.js';
import { severityOf, CODES, type CodeInfo } from './catalog.js';
import { releasesIn, releasesText, type XenRelease } from '../model/xen.js';
import { setAml } from '../aml/set.js';

export class CheckContext {
  readonly findings: Finding[] = [];
  private readonly described = new Map<TableEntry, Map<string, number>>();
  private links?: Link[];
  /** a host set (not a build output, no table only a hypervisor makes): dom0 findings the build fixes are info */
  readonly hostSet: boolean;

  constructor(
    readonly set: TableSet,
    readonly dom0 = false,
    /** --xen-host: the release the host is judged for */
    readonly xen?: XenRelease,
  ) {
    this.hostSet = isHostSet(set);
  }

  /** Every pointer of the set and where it lands (resolveLinks), worked out once per check. */
  get resolved(): Link[] {
    return (this.links ??= resolveLinks(this.set));
  }

  /** Absolute offset of a field path (as dump names it) inside a table, if it exists. */
  offsetOf(e: TableEntry, path: string): number | undefined {
    let m = this.described.get(e);
    if (!m) {
      m = new Map([...everyEntry(describeTable(e.table))].map((x) => [x.path, x.offset]));
      this.described.set(e, m);
    }
    return m.get(path);
  }

  /** Where a finding about `path` is: the field's offset; for a field the table is too short to
   * hold, its nearest enclosing entry's, else the table's length field (which leaves it out). */
  private placeOf(e: TableEntry, path: string): number | undefined {
    for (let p = path; p.includes('.'); p = p.slice(0, p.lastIndexOf('.'))) {
      const at = this.offsetOf(e, p);
      if (at !== undefined) return at;
    }
    return this.offsetOf(e, `${e.table.signature}.header.length`) ?? 0;
  }

  report(code: string, e: TableEntry | undefined, path: string, message: string, offset?: number): void {
    const info = CODES[code];
    const fixes = this.hostSet ? info?.buildFixes : undefined;
    let said = fixes ? `${message} — the build fixes this: ${fixes}` : message;
    // Xen's verdict holds for the releases its consumer names: none of them the one asked for, no finding
    const releases = info?.xenHost ? xenReleasesOf(info) : [];
    if (releases.length) {
      if (!this.xen || !releases.includes(this.xen)) return;
      said = `${said} (${releasesText(releases)})`;
    }
    this.findings.push({
      code,
      severity: fixes ? 'info' : severityOf(code),
      table: e?.table.signature ?? '',
      path,
      offset: offset ?? (e && !info?.whole ? this.placeOf(e, path) : undefined),
      message: said,
      file: e?.source,
    });
  }

  /** A finding about a file that is not a table (dom0.dtb, acpi.img): offset is inside that file. */
  reportFile(code: string, file: string | undefined, path: string, message: string, offset?: number): void {
    this.findings.push({ code, severity: severityOf(code), table: '', path, offset, message, file });
  }

  find(signature: string): TableEntry | undefined {
    return this.all(signature)[0];
  }

  all(signature: string): TableEntry[] {
    return [...(this.set.rsdp ? [this.set.rsdp] : []), ...this.set.tables].filter((e) => e.table.signature === signature);
  }

  /** The view of this context a table rule gets, about one table. */
  forTable(entry: TableEntry): RuleContext {
    return {
      set: this.set,
      entry,
      dom0: this.dom0,
      xen: this.xen,
      hostSet: this.hostSet,
      report: (code, path, message, offset, other) => this.report(code, other ?? entry, path, message, offset),
      offsetOf: (path, other) => this.offsetOf(other ?? entry, path),
      find: (sig) => this.find(sig),
      all: (sig) => this.all(sig),
      aml: () => setAml(this.set),
    };
  }
}

/** A dom0 set is a build output or holds a table only a hypervisor makes (an STAO); any other set
 * is a host's, which `build` rewrites before dom0 sees it. */
export function isHostSet(set: TableSet): boolean {
  return set.kind !== 'build' && !set.tables.some((e) => defOf(e.table).hypervisorMade);
}

export const num = (v: unknown): number => Number(v ?? 0);
export const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt((v as number | undefined) ?? 0));

/** The Xen releases a XEN_HOST code's verdict holds for: its Xen consumers' versions. */
export function xenReleasesOf(info: CodeInfo): XenRelease[] {
  const rs = new Set(info.consumers.filter((c) => c.who === 'Xen').flatMap((c) => releasesIn(c.versions)));
  return [...rs].sort();
}
