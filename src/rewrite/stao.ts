// stao: a new STAO (LINARO-0002 v0.3, revision 1) telling dom0 to ignore the SPCR UART. The header
// OEM fields are copied from the host MADT, as Xen does; the design profile adds --stao-path names.
import { make, fieldPath } from '../layout/codec.js';
import { stao } from '../tables/stao.js';
import type { AcpiTable } from '../tables/registry.js';
import { type Pass, type PassDef, BuildError, tableById, withTable, warn } from './types.js';
import { headerOf } from '../tables/common.js';

/** Where the STAO's UART flag is, as findings name it. */
const STAO_UART = fieldPath('STAO', stao, 'ignore_uart');

const run: Pass = (set, opts) => {
  const madt = tableById(set, 'APIC');
  if (!madt) throw new BuildError('no MADT (APIC) in the input');
  const h = headerOf(madt.table);
  const names = opts.profile === 'design' ? opts.staoPaths : [];
  for (const n of names) {
    if (!/^\\[A-Z0-9_]{1,4}(\.[A-Z0-9_]{1,4})*$/.test(n)) throw new BuildError(`--stao-path "${n}" is not a full ACPI path like \\_SB.COM0`);
  }
  // without an SPCR there is no UART to hide: the design STAO says so; Xen sets the flag regardless
  const noSpcr = !tableById(set, 'SPCR');
  const ignoreUart = noSpcr && opts.profile === 'design' ? 0 : 1;
  const table: AcpiTable = {
    signature: 'STAO',
    ...make(stao, { header: { ...h, signature: 'STAO', revision: 1 } as never, ignore_uart: ignoreUart }, { strings: names }),
  };
  let next = withTable(set, { id: 'STAO', table, origin: 'new' });
  if (noSpcr && ignoreUart) {
    next = warn(
      next,
      'BUILD_STAO_NO_SPCR',
      'STAO',
      STAO_UART,
      'STAO asks dom0 to ignore the SPCR UART but the input has no SPCR: Linux warns "STAO table present, but SPCR is missing" and hides ' +
        'nothing (docs/consumers.md X5)',
    );
  } else if (noSpcr) {
    next = warn(
      next,
      'BUILD_STAO_UART_ZERO',
      'STAO',
      STAO_UART,
      'the input has no SPCR, so there is no UART for dom0 to ignore: STAO UART = 0 (Xen sets 1, and Linux then warns "STAO table present, ' +
        'but SPCR is missing")',
    );
  }
  return { set: next, changes: [] };
};

export const staoPass: PassDef = {
  name: 'stao',
  stage: 'tables',
  summary: 'an STAO hiding the SPCR UART (and --stao-path devices)',
  before: ['xsdt'],
  run,
};
