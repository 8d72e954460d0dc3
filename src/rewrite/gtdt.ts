// gtdt (design only): mask the EL2 timers dom0 cannot use: non-secure EL2 GSIV/flags = 0 and, on
// revision 3, the virtual EL2 timer too. Costs a FW_BUG line on Linux >= 5.18 (docs/consumers.md G4, X7).
import { type Pass, type PassDef, tableById, withTable, warn } from './types.js';
import { gtdtLayout } from '../tables/gtdt.js';
import { fieldsOf, hasField, withFields, tablePath } from '../layout/codec.js';
import type { FieldsOf } from '../layout/schema.js';

const GTDT = { layout: gtdtLayout };
const at = tablePath('GTDT', gtdtLayout);

const run: Pass = (set) => {
  const host = tableById(set, 'GTDT');
  if (!host) return { set: warn(set, 'BUILD_NO_GTDT', 'GTDT', 'GTDT', 'no GTDT in the input: the gtdt pass had nothing to mask'), changes: [] };
  const old = host.table;
  if (!hasField(GTDT, old, 'non_secure_el2_flags')) {
    return {
      set: warn(
        set,
        'BUILD_GTDT_SHORT',
        'GTDT',
        at('header.length'),
        `the GTDT is ${fieldsOf(GTDT, old).header.length} bytes, too short to hold the EL2 timer: nothing to mask`,
      ),
      changes: [],
    };
  }
  const patch: Partial<FieldsOf<typeof gtdtLayout>> = { non_secure_el2_interrupt: 0, non_secure_el2_flags: 0 };
  if (hasField(GTDT, old, 'virtual_el2_timer_gsiv')) {
    patch.virtual_el2_timer_gsiv = 0;
    patch.virtual_el2_timer_flags = 0;
  }
  const table = { ...old, ...withFields(GTDT, old, patch) };
  let next = withTable(set, { ...host, table, origin: 'new' });
  next = warn(
    next,
    'BUILD_EL2_TIMER_MASKED',
    'GTDT',
    at('non_secure_el2_interrupt'),
    `EL2 timer GSIV ${fieldsOf(GTDT, old).non_secure_el2_interrupt} masked to 0: Linux >= 5.18 logs "[Firmware Bug]: Illegal GSI0 ` +
      `translation request" (harmless), ` +
      'and 5.10-5.17 kernels without the stable fix reconfigure IPI0; --skip gtdt (or --profile xen) keeps the host GTDT as Xen does',
  );
  return { set: next, changes: [] };
};

export const gtdtPass: PassDef = {
  name: 'gtdt',
  stage: 'tables',
  summary: 'design: the EL2 timers dom0 cannot use masked',
  before: ['xsdt'],
  run,
};
