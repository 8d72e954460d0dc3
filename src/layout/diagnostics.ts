// Findings: what decode, read and check report. One shape for every producer, so the CLI prints
// them the same way and tests can match on code, path and offset.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** stable code, e.g. DECODE_SUBTABLE_LENGTH_ZERO */
  code: string;
  severity: Severity;
  /** table signature ("APIC"; the root pointer is "RSDP") or "" for input-level findings */
  table: string;
  /** field path in the shared vocabulary (APIC.gicc[3].length) */
  path: string;
  /** byte offset inside the table (or the input file for input-level findings) */
  offset?: number;
  message: string;
  /** input file (or file:line for acpidump text) */
  file?: string;
  /** check --baseline accepts it: shown, but it does not fail */
  baselined?: boolean;
}

export const hex = (n: number | bigint, width = 0): string => '0x' + n.toString(16).toUpperCase().padStart(width, '0');

/** One line, in the form the CLI prints: `file: SIG: offset 0x2c: message`. */
export function formatFinding(f: Finding): string {
  const parts: string[] = [];
  if (f.file) parts.push(f.file);
  if (f.table) parts.push(f.table);
  let msg = f.message;
  if (f.offset !== undefined) msg = `offset ${hex(f.offset)}: ${msg}`;
  parts.push(msg);
  return parts.join(': ');
}
