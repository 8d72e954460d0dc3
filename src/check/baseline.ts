// What a CI pipeline accepts: --ignore CODE[@SIG] drops a code (in one table, or everywhere), and a
// baseline file records known findings (input, code, table, field path) so that they no longer fail
// while new ones do; entries that no longer occur are stale. Pure: the CLI reads and writes the file.
import { type Finding, Refusal } from '../layout/diagnostics.js';
import { CODES } from './catalog.js';

export const BASELINE_FORMAT = 'dom0-acpi check baseline v1';

/** One accepted finding. Without `input` it is accepted in every input. */
export interface BaselineEntry {
  input?: string;
  code: string;
  table: string;
  path: string;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  findings: BaselineEntry[];
}

export interface Ignore {
  code: string;
  table?: string;
}

/** "CODE" or "CODE@SIG", the code checked against the catalogue (a typo must not hide nothing). */
export function parseIgnore(spec: string): Ignore {
  const [code, table, extra] = spec.split('@');
  if (extra !== undefined || !code) throw new Refusal(`--ignore ${spec}: give CODE or CODE@SIG`);
  if (!(code in CODES)) {
    const near = Object.keys(CODES).filter((c) => c.split('_')[0] === code.split('_')[0]);
    throw new Refusal(`--ignore ${spec}: no finding code ${code}${near.length ? ` (codes like it: ${near.slice(0, 6).join(', ')})` : ''}`);
  }
  return table ? { code, table: table.toUpperCase() } : { code };
}

export const ignored = (f: Finding, ignores: readonly Ignore[]): boolean =>
  ignores.some((i) => i.code === f.code && (i.table === undefined || i.table === f.table.toUpperCase()));

/** A baseline file's text, or an Error saying what is wrong with it. */
export function parseBaseline(text: string): Baseline | Error {
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch (e) {
    return new Error(`not JSON (${(e as Error).message})`);
  }
  const o = b as Partial<Baseline>;
  if (o?.format !== BASELINE_FORMAT || !Array.isArray(o.findings)) return new Error(`not a dom0-acpi baseline (it has no "format": "${BASELINE_FORMAT}")`);
  for (const e of o.findings)
    if (typeof e?.code !== 'string' || typeof e.table !== 'string' || typeof e.path !== 'string' || (e.input !== undefined && typeof e.input !== 'string'))
      return new Error(`an entry ${JSON.stringify(e)} lacks code, table or path`);
  return o as Baseline;
}

const keyOf = (e: BaselineEntry) => `${e.code}\u0000${e.table}\u0000${e.path}`;

/** Marks the findings of one input that the baseline accepts; remembers which entries were met.
 * Entries are grouped once by input and key, so a baseline of many entries (or many copies of one)
 * costs one look per finding, and a group is met once whatever the number of findings in it. */
export class BaselineMatcher {
  /** input ('' for entries of every input) → key → the entries recording it */
  private readonly groups = new Map<string, Map<string, BaselineEntry[]>>();
  private readonly met = new Set<BaselineEntry[]>();

  constructor(readonly baseline: Baseline) {
    for (const e of baseline.findings) {
      const input = e.input === undefined ? '' : `=${e.input}`;
      let byKey = this.groups.get(input);
      if (!byKey) this.groups.set(input, (byKey = new Map()));
      const list = byKey.get(keyOf(e));
      if (list) list.push(e);
      else byKey.set(keyOf(e), [e]);
    }
  }

  /** The findings with `baselined` set on those the baseline records for this input. */
  mark(input: string, findings: Finding[]): Finding[] {
    const mine = this.groups.get(`=${input}`);
    const everyInput = this.groups.get('');
    return findings.map((f) => {
      const k = keyOf(f);
      const entries = [mine?.get(k), everyInput?.get(k)].filter((x) => x !== undefined);
      if (!entries.length) return f;
      for (const e of entries) this.met.add(e);
      return { ...f, baselined: true };
    });
  }

  /** Entries no input met: fixed since, or recorded for an input not checked this time (those of
   * inputs that were checked are the stale ones). */
  stale(checked: readonly string[]): BaselineEntry[] {
    const inputs = new Set(checked);
    const out: BaselineEntry[] = [];
    for (const [input, byKey] of this.groups)
      if (input === '' || inputs.has(input.slice(1))) for (const list of byKey.values()) if (!this.met.has(list)) for (const e of list) out.push(e);
    // in the file's order
    const order = new Map(this.baseline.findings.map((e, i) => [e, i] as const));
    return out.sort((a, b) => order.get(a)! - order.get(b)!);
  }
}

/** A baseline accepting these findings (each input's, at or above the level that fails). */
export function baselineOf(reports: { input: string; findings: Finding[] }[]): Baseline {
  const seen = new Set<string>();
  const findings: BaselineEntry[] = [];
  for (const r of reports)
    for (const f of r.findings) {
      const e = { input: r.input, code: f.code, table: f.table, path: f.path };
      const k = `${r.input}\u0000${keyOf(e)}`;
      if (!seen.has(k)) findings.push(e);
      seen.add(k);
    }
  return { format: BASELINE_FORMAT, findings };
}
