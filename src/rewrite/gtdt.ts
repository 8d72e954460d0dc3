// gtdt (design only): mask the EL2 timers dom0 cannot use: non-secure EL2 GSIV/flags = 0 and, on
// revision 3, the virtual EL2 timer too. Costs a FW_BUG line on Linux >= 5.18 (docs/consumers.md G4, X7).
import { type Pass, type PassDef, tableById, withTable, warn } from './types.js';

const run: Pass = (set) => {
  const host = tableById(set, 'GTDT');
  if (!host) return { set: warn(set, 'BUILD_NO_GTDT', 'GTDT', 'GTDT', 'no GTDT in the input: the gtdt pass had nothing to mask'), changes: [] };
  const old = host.table;
  if (!('non_secure_el2_flags' in old.fields)) {
    return {
      set: warn(
        set,
        'BUILD_GTDT_SHORT',
        'GTDT',
        'GTDT.header.length',
        `the GTDT is ${(old.fields.header as { length?: number }).length} bytes, too short to hold the EL2 timer: nothing to mask`,
      ),
      changes: [],
    };
  }
  const fields = { ...old.fields, non_secure_el2_interrupt: 0, non_secure_el2_flags: 0 };
  if ('virtual_el2_timer_gsiv' in fields) Object.assign(fields, { virtual_el2_timer_gsiv: 0, virtual_el2_timer_flags: 0 });
  const table = { ...old, fields };
  let next = withTable(set, { ...host, table, origin: 'new' });
  next = warn(
    next,
    'BUILD_EL2_TIMER_MASKED',
    'GTDT',
    'GTDT.non_secure_el2_interrupt',
    `EL2 timer GSIV ${old.fields.non_secure_el2_interrupt} masked to 0: Linux >= 5.18 logs "[Firmware Bug]: Illegal GSI0 translation request" (harmless), ` +
      'and 5.10-5.17 kernels without the stable fix reconfigure IPI0; --skip gtdt (or --profile xen) keeps the host GTDT as Xen does',
  );
  return { set: next, changes: [] };
};

export const gtdtPass: PassDef = {
  name: 'gtdt',
  stage: 'tables',
  summary: 'design: the EL2 timers dom0 cannot use masked',
  run,
};
