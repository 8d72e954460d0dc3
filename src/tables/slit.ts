// SLIT, ACPI 6.5 §5.2.17: the number of localities (u64), then the N × N matrix of relative
// distances, one byte each (10 on the diagonal, 255 for unreachable).
import { layout, u64 } from '../layout/schema.js';
import { partOf, tablePath, type FieldName, type PartFields } from '../layout/codec.js';
import { type TableRule, type TableDef, rule, linux, spec, table } from '../model/rules.js';
import { headerField } from './common.js';
import { sratDomains } from './srat.js';

/** Linux's LOCAL_DISTANCE: a node's distance to itself. */
const LOCAL = 10;

const rules: TableRule[] = [
  rule({
    codes: {
      SLIT_DISTANCE: {
        summary: 'a distance to itself other than 10, or to another locality of 10 or less ("SLIT table looks invalid. Not used.")',
        consumers: [
          linux(
            'all',
            'function-lost',
            '"SLIT table looks invalid. Not used.": NUMA distances fall back to the defaults',
            'drivers/acpi/numa/srat.c slit_valid(), acpi_parse_slit()',
          ),
        ],
      },
      SLIT_LOCALITIES: {
        summary: 'the number of localities differs from the proximity domains the SRAT declares',
        consumers: [
          linux(
            'all',
            'ignored',
            'distances are taken for the localities the SLIT has; other nodes get the default distance',
            'drivers/acpi/numa/srat.c acpi_numa_slit_init()',
          ),
          spec('the SLIT has a row per proximity domain', 'ACPI 6.5 §5.2.17'),
        ],
      },
      SLIT_DOMAIN_ROW: {
        summary: 'a proximity domain the SRAT declares that has no SLIT row (its number is the row; the count alone can match)',
        consumers: [
          linux(
            'all',
            'workaround',
            "its node gets the default distances (10 to itself, 20 to every other), not the firmware's",
            'drivers/acpi/numa/srat.c acpi_numa_slit_init()',
          ),
        ],
      },
    },
    run(c) {
      const m = partOf(distance, c.entry.table) ?? [];
      outer: for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < m[i].length; j++) {
          const d = m[i][j];
          if ((i === j && d !== LOCAL) || (i !== j && d <= LOCAL)) {
            c.report(
              'SLIT_DISTANCE',
              `SLIT.distance[${i}]`,
              `distance[${i}][${j}] is ${d}: ${i === j ? 'a locality is 10 from itself' : 'other localities are more than 10 away'}; Linux ignores the SLIT`,
            );
            break outer;
          }
        }
      }
      const domains = sratDomains(c);
      if (domains && domains.size !== m.length)
        c.report('SLIT_LOCALITIES', at('locality_count'), `${m.length} localities, the SRAT declares ${domains.size} proximity domain(s)`);
      // the SLIT's row i is proximity domain i: a domain numbered past the rows has no distances
      const rowless = [...(domains ?? [])].filter((d) => d >= m.length).sort((a, b) => a - b);
      if (rowless.length)
        c.report(
          'SLIT_DOMAIN_ROW',
          at('locality_count'),
          `proximity domain${rowless.length > 1 ? 's' : ''} ${rowless.join(', ')} of the SRAT ha${rowless.length > 1 ? 've' : 's'} no row ` +
            `among the ${m.length} localities: Linux gives ${rowless.length > 1 ? 'them' : 'it'} default distances`,
        );
    },
  }),
];

export const slitLayout = layout('slit', [headerField(), u64('locality_count', 'Localities')]);
const at = tablePath('SLIT', slitLayout);

/** The matrix of relative distances, a row per locality. */
const distance = {
  key: 'distance',
  label: 'Locality',
  kind: 'matrix',
  width: 1,
  count: 'locality_count',
  cols: 'locality_count',
} as const satisfies PartFields<FieldName<typeof slitLayout>>;

export const slit = table({
  name: 'SLIT',
  label: 'System Locality Information Table',
  minLength: 44,
  rules,
  summary: (e) => `${(partOf(distance, e.table) ?? []).length} localities`,
  pictures: (e) => {
    const rows = partOf(distance, e.table) ?? [];
    if (!rows.length) return [];
    const labels = rows.map((_, i) => String(i));
    return [
      {
        section: 'topology',
        kind: 'matrix',
        title: `SLIT: distances between ${rows.length} localities`,
        labels,
        rows,
        paths: rows.map((_, i) => `SLIT.distance[${i}]`),
      },
    ];
  },
  layout: slitLayout,
  parts: [distance],
}) satisfies TableDef;
