// What a CI pipeline accepts: --ignore CODE[@SIG] drops a code (in one table, or everywhere), and a
// baseline file records known findings (input, code, table, field path) so that they no longer fail
// while new ones do; entries that no longer occur are stale. An entry names its input by the path
// from the baseline file's folder to it (v2), so every spelling of that input, from any working
// folder, meets it; a v1 baseline named inputs as they were typed. Pure: the CLI reads and writes
// the file, and turns the paths it is given into those keys.
import { type Finding, Refusal } from '../layout/diagnostics.js';
import { CODES } from './catalog.js';
import { decodedSignatures, describeSignature } from '../tables/registry.js';

export const BASELINE_FORMAT = 'dom0-acpi check baseline v2';
/** The first format: each entry's input as it was typed on the command line that wrote it. */
export const BASELINE_FORMAT_V1 = 'dom0-acpi check baseline v1';
/** What a v2 file says its inputs are relative to. */
export const BASELINE_INPUTS = 'paths from the folder of this file';

/** One accepted finding. Without `input` it is accepted in every input. */
export interface BaselineEntry {
  input?: string;
  code: string;
  table: string;
  path: string;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT | typeof BASELINE_FORMAT_V1;
  /** v2: what `input` is relative to */
  inputs?: typeof BASELINE_INPUTS;
  findings: BaselineEntry[];
}

export interface Ignore {
  code: string;
  table?: string;
}

/** The signatures a table's long name gives under another name ("MADT" → "APIC", from "Multiple
 * APIC Description Table (MADT)"): the name people say, which is not the signature. */
const ALIASES: ReadonlyMap<string, string> = new Map(
  decodedSignatures().flatMap((sig) => {
    const m = /\(([A-Z0-9]{4})\)$/.exec(describeSignature(sig) ?? '');
    return m && m[1] !== sig ? [[m[1], sig] as const] : [];
  }),
);

/** "CODE" or "CODE@SIG", the code checked against the catalogue and SIG against what a signature
 * is (a typo must not hide nothing): four printable characters, and not the other name of a table
 * whose signature differs (MADT for APIC). */
export function parseIgnore(spec: string): Ignore {
  const [code, table, extra] = spec.split('@');
  if (extra !== undefined || !code) throw new Refusal(`--ignore ${spec}: give CODE or CODE@SIG`);
  if (!(code in CODES)) {
    const near = Object.keys(CODES).filter((c) => c.split('_')[0] === code.split('_')[0]);
    throw new Refusal(`--ignore ${spec}: no finding code ${code}${near.length ? ` (codes like it: ${near.slice(0, 6).join(', ')})` : ''}`);
  }
  if (table === undefined) return { code };
  const sig = table.toUpperCase();
  if (!/^[\x21-\x7e]{4}$/.test(sig))
    throw new Refusal(`--ignore ${spec}: "${table}" is not a table signature (four characters, as a table's first bytes: APIC, FACP, IORT)`);
  const alias = ALIASES.get(sig);
  if (alias) throw new Refusal(`--ignore ${spec}: ${sig} is not a signature: that table's signature is ${alias} (give ${code}@${alias})`);
  return { code, table: sig };
}

/** The --ignore a finding falls under (the first given), if any. */
export const ignoredBy = (f: Finding, ignores: readonly Ignore[]): Ignore | undefined =>
  ignores.find((i) => i.code === f.code && (i.table === undefined || i.table === f.table.toUpperCase()));

export const ignored = (f: Finding, ignores: readonly Ignore[]): boolean => ignoredBy(f, ignores) !== undefined;

/** A baseline file's text, or an Error saying what is wrong with it. */
export function parseBaseline(text: string): Baseline | Error {
  let b: unknown;
  try {
    b = JSON.parse(text);
  } catch (e) {
    return new Error(`not JSON (${(e as Error).message})`);
  }
  const o = b as Partial<Baseline>;
  if ((o?.format !== BASELINE_FORMAT && o?.format !== BASELINE_FORMAT_V1) || !Array.isArray(o.findings))
    return new Error(`not a dom0-acpi baseline (it has no "format": "${BASELINE_FORMAT}")`);
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

  /** `inputKey` turns an entry's recorded input into the key `mark` and `stale` are given (a v1
   * entry's typed path into its path from the baseline's folder; v2 entries are keys already). */
  constructor(
    readonly baseline: Baseline,
    inputKey: (recorded: string) => string = (x) => x,
  ) {
    for (const e of baseline.findings) {
      const input = e.input === undefined ? '' : `=${inputKey(e.input)}`;
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

  /** The inputs the baseline records entries for (keys, in the file's order). */
  inputs(): string[] {
    return [...this.groups.keys()].filter((k) => k !== '').map((k) => k.slice(1));
  }

  /** The inputs the baseline records entries for that are none of these (keys, in the file's
   * order): their entries met no finding this time. */
  unchecked(checked: readonly string[]): string[] {
    const inputs = new Set(checked);
    return [...this.groups.keys()].filter((k) => k !== '' && !inputs.has(k.slice(1))).map((k) => k.slice(1));
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

/** A baseline accepting these findings (each input's, at or above the level that fails); each
 * report's input is its key (its path from the baseline's folder). */
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
  return { format: BASELINE_FORMAT, inputs: BASELINE_INPUTS, findings };
}
