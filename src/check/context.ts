// What every check function gets: the set, a finding builder that fills severity from the catalog,
// and field offsets looked up through the same describer dump uses (so paths and offsets agree).
import type { TableEntry, TableSet } from '../model/tableset.js';
import type { Finding } from '../model/diagnostics.js';
import type { Entry } from '../layout/describe.js';
import { describeTable } from '../tables/registry.js';
import { severityOf, CODES } from './catalog.js';

export class CheckContext {
  readonly findings: Finding[] = [];
  private readonly described = new Map<TableEntry, Map<string, number>>();

  /** a host set (not a build output, no STAO): dom0 findings the build fixes are info */
  readonly hostSet: boolean;

  constructor(readonly set: TableSet) {
    this.hostSet = isHostSet(set);
  }

  /** Absolute offset of a field path (as dump names it) inside a table, if it exists. */
  offsetOf(e: TableEntry, path: string): number | undefined {
    let m = this.described.get(e);
    if (!m) {
      const all: Entry[] = describeTable(e.table);
      m = new Map();
      const walk = (es: Entry[]) => {
        for (const x of es) {
          m!.set(x.path, x.offset);
          if (x.kind === 'group') walk(x.children);
        }
      };
      walk(all);
      this.described.set(e, m);
    }
    return m.get(path);
  }

  report(code: string, e: TableEntry | undefined, path: string, message: string, offset?: number): void {
    const fixes = this.hostSet ? CODES[code]?.buildFixes : undefined;
    this.findings.push({
      code,
      severity: fixes ? 'info' : severityOf(code),
      table: e?.table.signature ?? '',
      path,
      offset: offset ?? (e ? this.offsetOf(e, path) : undefined),
      message: fixes ? `${message} — the build fixes this: ${fixes}` : message,
      file: e?.source,
    });
  }

  /** A finding about a file that is not a table (dom0.dtb, acpi.img): offset is inside that file. */
  reportFile(code: string, file: string | undefined, path: string, message: string, offset?: number): void {
    this.findings.push({ code, severity: severityOf(code), table: '', path, offset, message, file });
  }
}

/** A dom0 set is a build output or a set with an STAO (only a hypervisor makes one); any other
 * set is a host's, which `build` rewrites before dom0 sees it. */
export function isHostSet(set: TableSet): boolean {
  return set.kind !== 'build' && !set.tables.some((e) => e.table.signature === 'STAO');
}

export const num = (v: unknown): number => Number(v ?? 0);
export const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt((v as number | undefined) ?? 0));
